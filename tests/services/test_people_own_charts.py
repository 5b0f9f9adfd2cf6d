"""The tests of test_own_charts.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_own_charts import *  # noqa: F403
