"""The tests of test_staff_admin.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_staff_admin import *  # noqa: F403
