"""The tests of test_second_factor.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_second_factor import *  # noqa: F403
