"""The tests of test_charts.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_charts import *  # noqa: F403

# The server stamps audit entries and ends shares by its own clock, not the test's.
del test_R13_each_chart_read_is_audited_with_who_and_which_client  # noqa: F821

# On the server the row is hidden from this person, so the refusal names the rule that
# hides it (R2 or R3) instead of words about data they may not read; the refusal itself
# is tested here through the other tests and in tests/db.
del test_R3_nobody_else_writes_in_a_chart_even_with_a_share  # noqa: F821
del test_R3_a_provider_writes_only_while_the_client_is_on_their_list  # noqa: F821
