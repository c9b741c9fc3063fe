"""The machine API (`/api/v1/…`), authenticated by bearer tokens instead of sessions and CSRF."""
