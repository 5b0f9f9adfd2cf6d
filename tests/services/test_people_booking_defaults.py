"""The tests of test_booking_defaults.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_booking_defaults import *  # noqa: F403
