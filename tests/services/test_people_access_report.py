"""The tests of test_access_report.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_access_report import *  # noqa: F403
