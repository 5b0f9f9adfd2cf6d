"""The tests of test_billing.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_billing import *  # noqa: F403
