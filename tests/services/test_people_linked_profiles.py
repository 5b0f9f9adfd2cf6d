"""The tests of test_linked_profiles.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_linked_profiles import *  # noqa: F403
