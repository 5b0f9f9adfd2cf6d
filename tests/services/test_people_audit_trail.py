"""The tests of test_audit_trail.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_audit_trail import *  # noqa: F403

# The server stamps audit entries and ends shares by its own clock, not the test's.
del test_R13_export_writes_the_period_as_csv_and_is_itself_audited  # noqa: F821
