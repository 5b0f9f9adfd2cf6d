"""The tests of test_availability.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_availability import *  # noqa: F403
