"""Family accounts: one-time links, portal sessions, login throttling and the password policy."""
