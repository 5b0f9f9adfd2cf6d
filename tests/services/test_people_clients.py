"""The tests of test_clients.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_clients import *  # noqa: F403
