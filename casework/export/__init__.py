"""Export: a case as a ZIP bundle with a manifest of hashes, and the offline verifier."""
