"""The tests of test_scheduling.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_scheduling import *  # noqa: F403
