"""The append-only, hash-chained audit trail that every state-changing operation writes to."""
