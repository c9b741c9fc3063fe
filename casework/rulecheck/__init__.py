"""The legal-basis check: the rule table kept in the database, assessment snapshots, and their pages."""
