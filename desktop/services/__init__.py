"""The clinic's rules: staff and sign-in, clients, charts, sharing, scheduling, audit. No Qt here."""
