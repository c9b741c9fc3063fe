"""The rule table kept in the database — versions, approval, the holiday calendar — shared by every stage."""
