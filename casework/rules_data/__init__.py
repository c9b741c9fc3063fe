"""Bundled rule-table data: versioned rules, parameters, holiday calendar and demo rate tables (JSON)."""
