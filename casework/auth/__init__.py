"""Accounts, organisational units, server-side sessions, login throttling and route guards."""
