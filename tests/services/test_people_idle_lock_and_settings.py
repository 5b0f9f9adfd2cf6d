"""The tests of test_idle_lock_and_settings.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_idle_lock_and_settings import *  # noqa: F403
