"""Family accounts: opening by the guichet unique, activation, login, sessions, recovery, e-mail
change.

Opening an account requires a dossier complete for the school year. The default e-mail carries
the identifier and a one-time activation link (72 h); the seed's variant carries a temporary
password (7 days) to change at first login. Both e-mails are written to the outbox in the same
transaction as the account.

When the main guardian's e-mail changes in the dossier, the account keeps its address until the
family confirms the new one with a link (72 h) sent there; the old address is told of the request.
"""
