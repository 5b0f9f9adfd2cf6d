"""The tests of test_calendar_export.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_calendar_export import *  # noqa: F403
