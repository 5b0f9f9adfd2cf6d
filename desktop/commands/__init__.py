"""The sub-commands of `clinicdesk`; each turns errors into one line and an exit code."""
