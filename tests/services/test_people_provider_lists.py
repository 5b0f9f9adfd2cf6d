"""The tests of test_provider_lists.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_provider_lists import *  # noqa: F403

# On the server the row is hidden from this person, so the refusal names the rule that
# hides it (R2 or R3) instead of words about data they may not read; the refusal itself
# is tested here through the other tests and in tests/db.
del test_R6_a_biller_or_an_unlinked_provider_may_not_and_nothing_changes  # noqa: F821
