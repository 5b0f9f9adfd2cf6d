"""The tests of test_sign_in.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_sign_in import *  # noqa: F403
