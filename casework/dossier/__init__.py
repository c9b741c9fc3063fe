"""The dossier: the case as one sealed PDF a court would accept, kept as numbered versions."""
