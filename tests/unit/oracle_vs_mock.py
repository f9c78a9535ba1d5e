"""What both oracle-versus-mock test modules share: the mock's reasons in the oracle's words, and hypothesis strategies
for dates on an anchor day (month ends and 29 February, where readings part)."""

from __future__ import annotations

import calendar
from datetime import date

from hypothesis import strategies as st

from automation import rules as oracle
from mock_portal.rules import eligibility as mock

# The mock's reasons as it words them, and the oracle's names for them.
REASONS = {
    "Cancelled": oracle.Reason.CANCELLED,
    "No longer sold": oracle.Reason.RETIRED_PRODUCT,
    "Renews automatically": oracle.Reason.MONTHLY,
    "Already renewed through": oracle.Reason.ALREADY_RENEWED,
    "Awaiting payment": oracle.Reason.AWAITING_PAYMENT,
    "Renewal opens on": oracle.Reason.NOT_YET_OPEN,
    "Renewal closed on": oracle.Reason.CLOSED,
}


def as_verdict(found: mock.Eligibility) -> oracle.Verdict:
    """The mock's eligibility in the oracle's words (an unknown reason fails here, naming it)."""
    if found.eligible:
        return oracle.Verdict(True)
    assert found.reason in REASONS, f"the mock gives a reason the oracle has no name for: {found.reason!r}"
    return oracle.Verdict(False, REASONS[found.reason], found.reason_date)


def on_anchor_day(year: int, month: int, anchor: int) -> date:
    """The anchor day in that month, or the month's last day when the month is shorter."""
    return date(year, month, min(anchor, calendar.monthrange(year, month)[1]))


years = st.integers(2001, 2090)
months = st.one_of(st.integers(1, 12), st.just(2))  # February half the time
anchors = st.one_of(st.integers(1, 31), st.integers(28, 31))  # month ends half the time


@st.composite
def anchored(draw: st.DrawFn) -> tuple[date, int]:
    """A renewal date and an anchor day it is the clamp of (28 Feb 2029 with 29, 30 Apr with 31, …)."""
    anchor = draw(anchors)
    return on_anchor_day(draw(years), draw(months), anchor), anchor
