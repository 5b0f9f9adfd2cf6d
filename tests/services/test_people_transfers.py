"""The tests of test_transfers.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_transfers import *  # noqa: F403

# On the server the row is hidden from this person, so the refusal names the rule that
# hides it (R2 or R3) instead of words about data they may not read; the refusal itself
# is tested here through the other tests and in tests/db.
del test_R8_only_those_who_may_share_the_chart_transfer_it  # noqa: F821
