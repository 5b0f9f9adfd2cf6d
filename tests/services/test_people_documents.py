"""The tests of test_documents.py, run as the people themselves on PostgreSQL (SPEC B5)."""

from .as_people import *  # noqa: F403
from .test_documents import *  # noqa: F403

# On the server the row is hidden from this person, so the refusal names the rule that
# hides it (R2 or R3) instead of words about data they may not read; the refusal itself
# is tested here through the other tests and in tests/db.
del test_R3_a_clinical_document_goes_only_into_the_uploaders_own_chart  # noqa: F821
