"""Fixtures of the commitments tests: an open reporting window, a published commitment, ESCO."""

from __future__ import annotations

import pytest

from skillspact.commitments.factories import CommitmentFactory, ReportingWindowFactory
from skillspact.commitments.models import Commitment, ReportingWindow
from skillspact.organisations.models import Organisation

# The tiny imported ESCO download (default version v1.1.1) of the taxonomy tests.
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401


@pytest.fixture
def window(db: None) -> ReportingWindow:
    """The 2025 reporting window, open today (it opened 10 days ago and closes in 20)."""
    return ReportingWindowFactory(year=2025, reminder_days=[14, 3])


@pytest.fixture
def commitment(member_organisation: Organisation) -> Commitment:
    """A published commitment of the member organisation, covering Spain."""
    return CommitmentFactory(
        organisation=member_organisation,
        title="Digital skills for 500 nurses",
        countries=["ES"],
    )
