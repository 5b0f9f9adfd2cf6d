"""The tests of test_client_list.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_client_list import *  # noqa: F403
