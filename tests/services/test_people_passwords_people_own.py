"""The tests of test_passwords_people_own.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_passwords_people_own import *  # noqa: F403
