"""Infrastructure: the database and its one committer, PII encryption, translations, the file store, PDF layout."""
