"""The tests of test_sharing.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_sharing import *  # noqa: F403

# The server stamps audit entries and ends shares by its own clock, not the test's.
del test_B2_a_time_limited_share_ends_by_itself_and_is_audited  # noqa: F821
