"""The harness's own rule oracle (automation.rules) on dates, against the reference edge by edge: R1's window, R6's
early renewal, R2's term ends and date in force, and every reason a subscription is not eligible (tables written by
hand from ../shared/reference/manual-renewal.md, not computed by the code under test)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from automation.rules import (
    CLOSES_DAYS_AFTER,
    OPENS_DAYS_BEFORE,
    Reason,
    SubscriptionFacts,
    Verdict,
    date_in_force,
    is_early,
    is_open,
    judge,
    possible_term_ends,
    renewal_window,
    term_end,
)

D = date(2027, 6, 15)


# --- R1: the window, 90 days before to 45 days after, both edges included -----------------------------------------


def test_the_window_is_90_days_before_to_45_days_after() -> None:
    assert (OPENS_DAYS_BEFORE, CLOSES_DAYS_AFTER) == (90, 45)


@pytest.mark.parametrize(
    ("renewal", "opens", "closes"),
    [
        (date(2027, 6, 15), date(2027, 3, 17), date(2027, 7, 30)),
        pytest.param(date(2028, 3, 1), date(2027, 12, 2), date(2028, 4, 15), id="across 29 Feb and a new year"),
        pytest.param(date(2027, 1, 10), date(2026, 10, 12), date(2027, 2, 24), id="opening the year before"),
    ],
)
def test_renewal_window_opens_on_d_minus_90_and_closes_on_d_plus_45(renewal: date, opens: date, closes: date) -> None:
    assert renewal_window(renewal) == (opens, closes)


@pytest.mark.parametrize(
    ("offset", "open_"),
    [(-91, False), (-90, True), (-1, True), (0, True), (1, True), (45, True), (46, False), (-400, False), (400, False)],
)
def test_renewal_is_open_on_both_window_edges_inclusive(offset: int, open_: bool) -> None:
    assert is_open(D, D + timedelta(days=offset)) is open_, f"D{offset:+d} should be {'in' if open_ else 'outside'} R1's window"


# --- R6: early (Renew now) versus on the date versus late --------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "early"),
    [(-90, True), (-1, True), (0, False), (1, False), (45, False)],
    ids=["90 days early", "the day before", "on the date", "a day late", "45 days late"],
)
def test_a_renewal_paid_before_its_date_is_early_and_on_or_after_it_is_not(offset: int, early: bool) -> None:
    assert is_early(D, D + timedelta(days=offset)) is early


# --- R2 and 29 February: the term's end keeps the anniversary and its anchor day --------------------------------

TERM_ENDS = [
    (date(2027, 3, 15), "annual", None, date(2028, 3, 15)),
    (date(2027, 3, 15), "three_year", None, date(2030, 3, 15)),
    (date(2027, 3, 15), "monthly", None, date(2027, 4, 15)),
    pytest.param(date(2027, 12, 15), "monthly", None, date(2028, 1, 15), id="monthly into a new year"),
    pytest.param(date(2027, 1, 31), "monthly", None, date(2027, 2, 28), id="31 Jan + month in a common year"),
    pytest.param(date(2028, 1, 31), "monthly", None, date(2028, 2, 29), id="31 Jan + month in a leap year"),
    pytest.param(date(2027, 8, 31), "monthly", None, date(2027, 9, 30), id="31 Aug + month"),
    pytest.param(date(2027, 9, 30), "monthly", 31, date(2027, 10, 31), id="30 Sep anchored on the 31st"),
    pytest.param(date(2027, 2, 28), "monthly", 31, date(2027, 3, 31), id="28 Feb anchored on the 31st"),
    pytest.param(date(2027, 4, 30), "monthly", 30, date(2027, 5, 30), id="30 Apr anchored on the 30th"),
    pytest.param(date(2027, 10, 31), "three_year", None, date(2030, 10, 31), id="31 Oct three years"),
    pytest.param(date(2028, 2, 29), "annual", None, date(2029, 2, 28), id="29 Feb + year"),
    pytest.param(date(2028, 2, 29), "annual", 29, date(2029, 2, 28), id="29 Feb anchored + year"),
    pytest.param(date(2029, 2, 28), "annual", 29, date(2030, 2, 28), id="28 Feb 2029 anchored on 29 + year"),
    pytest.param(date(2031, 2, 28), "annual", 29, date(2032, 2, 29), id="28 Feb 2031 anchored on 29 back to 29 Feb"),
    pytest.param(date(2031, 2, 28), "annual", 31, date(2032, 2, 29), id="28 Feb 2031 anchored on 31 to 29 Feb"),
    pytest.param(date(2029, 2, 28), "annual", None, date(2030, 2, 28), id="28 Feb unanchored stays the 28th"),
    pytest.param(date(2027, 2, 28), "annual", None, date(2028, 2, 28), id="28 Feb unanchored into a leap year"),
    pytest.param(date(2028, 2, 29), "three_year", None, date(2031, 2, 28), id="29 Feb + three years"),
    pytest.param(date(2029, 2, 28), "three_year", 29, date(2032, 2, 29), id="28 Feb anchored + three years to 29 Feb"),
    pytest.param(date(2028, 2, 29), "annual", 31, date(2029, 2, 28), id="29 Feb anchored on 31"),
]


@pytest.mark.parametrize(("renewal", "term", "anchor", "end"), TERM_ENDS)
def test_term_end_is_one_term_after_the_renewal_date_on_the_anchor_day_clamped(
    renewal: date, term: str, anchor: int | None, end: date
) -> None:
    assert term_end(renewal, term, anchor) == end


def test_a_29_february_anniversary_renews_through_28_february_and_is_back_on_the_29th_in_2032() -> None:
    dates = [date(2028, 2, 29)]
    for _ in range(4):
        dates.append(term_end(dates[-1], "annual", 29))

    assert dates == [date(2028, 2, 29), date(2029, 2, 28), date(2030, 2, 28), date(2031, 2, 28), date(2032, 2, 29)]


def test_a_31st_anniversary_of_monthly_terms_returns_to_the_31st_after_short_months() -> None:
    dates = [date(2027, 1, 31)]
    for _ in range(4):
        dates.append(term_end(dates[-1], "monthly", 31))

    assert dates == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30), date(2027, 5, 31)]


@pytest.mark.parametrize(
    ("renewal", "term", "anchor", "complaint"),
    [
        (date(2027, 3, 15), "weekly", None, "unknown term"),
        (date(2027, 3, 15), "annual", 0, "not a day of a month"),
        (date(2027, 3, 15), "annual", 32, "not a day of a month"),
        (date(2029, 2, 28), "annual", 27, "is not anchor day 27 of its month"),
        (date(2027, 3, 15), "annual", 20, "is not anchor day 20 of its month"),
    ],
)
def test_term_end_refuses_an_unknown_term_or_an_impossible_anchor(
    renewal: date, term: str, anchor: int | None, complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        term_end(renewal, term, anchor)


@pytest.mark.parametrize(
    ("renewal", "term", "ends"),
    [
        (date(2027, 3, 15), "annual", {date(2028, 3, 15)}),
        pytest.param(date(2029, 2, 28), "annual", {date(2030, 2, 28)}, id="28 Feb into a common year"),
        pytest.param(date(2031, 2, 28), "annual", {date(2032, 2, 28), date(2032, 2, 29)}, id="28 Feb into a leap year"),
        pytest.param(date(2028, 2, 28), "annual", {date(2029, 2, 28)}, id="28 Feb of a leap year is no month end"),
        pytest.param(date(2028, 2, 29), "annual", {date(2029, 2, 28)}, id="29 Feb"),
        pytest.param(date(2029, 2, 28), "three_year", {date(2032, 2, 28), date(2032, 2, 29)}, id="28 Feb three years"),
        pytest.param(date(2027, 4, 30), "annual", {date(2028, 4, 30)}, id="30 Apr annual"),
        pytest.param(date(2027, 4, 30), "monthly", {date(2027, 5, 30), date(2027, 5, 31)}, id="30 Apr monthly"),
        pytest.param(
            date(2027, 2, 28),
            "monthly",
            {date(2027, 3, 28), date(2027, 3, 29), date(2027, 3, 30), date(2027, 3, 31)},
            id="28 Feb monthly",
        ),
        pytest.param(date(2027, 1, 31), "monthly", {date(2027, 2, 28)}, id="31 Jan monthly"),
        pytest.param(date(2027, 4, 29), "monthly", {date(2027, 5, 29)}, id="not a month end"),
    ],
)
def test_possible_term_ends_on_a_month_end_cover_every_anchor_it_may_be_the_clamp_of(
    renewal: date, term: str, ends: set[date]
) -> None:
    assert possible_term_ends(renewal, term) == ends


# --- R2: the date in force rolls forward to the paid term's end once today passes the old date -------------------

PAID_THROUGH = date(2028, 6, 15)


@pytest.mark.parametrize(
    ("renewed_through", "today", "in_force"),
    [
        (None, D + timedelta(days=30), D),
        (PAID_THROUGH, D - timedelta(days=90), D),
        (PAID_THROUGH, D, D),
        (PAID_THROUGH, D + timedelta(days=1), PAID_THROUGH),
        (PAID_THROUGH, D + timedelta(days=45), PAID_THROUGH),
    ],
    ids=["unpaid and late", "paid 90 days early", "paid, on the date", "paid, the day after", "paid late"],
)
def test_date_in_force_rolls_forward_only_once_today_passes_the_paid_date(
    renewed_through: date | None, today: date, in_force: date
) -> None:
    assert date_in_force(D, renewed_through, today) == in_force


# --- eligibility: every reason and its date, lasting conditions first ---------------------------------------------


def facts(**changes: Any) -> SubscriptionFacts:
    """An annual subscription renewing on D, active, of a product still sold, with `changes`."""
    return replace(SubscriptionFacts(renewal_date=D, term="annual"), **changes)


def days(n: int) -> date:
    return D + timedelta(days=n)


JUDGED = [
    pytest.param(facts(), days(-90), Verdict(True), id="eligible on D-90"),
    pytest.param(facts(), days(0), Verdict(True), id="eligible on D"),
    pytest.param(facts(), days(45), Verdict(True), id="eligible on D+45"),
    pytest.param(facts(term="three_year"), days(0), Verdict(True), id="three-year eligible"),
    pytest.param(facts(), days(-91), Verdict(False, Reason.NOT_YET_OPEN, days(-90)), id="not yet open on D-91"),
    pytest.param(facts(), days(-400), Verdict(False, Reason.NOT_YET_OPEN, days(-90)), id="not yet open long before"),
    pytest.param(facts(), days(46), Verdict(False, Reason.CLOSED, days(45)), id="closed on D+46"),
    pytest.param(facts(cancelled=True), days(0), Verdict(False, Reason.CANCELLED), id="cancelled"),
    pytest.param(facts(product_sold=False), days(0), Verdict(False, Reason.RETIRED_PRODUCT), id="retired product"),
    pytest.param(facts(term="monthly"), days(0), Verdict(False, Reason.MONTHLY), id="monthly"),
    pytest.param(
        facts(renewed_through=PAID_THROUGH), days(0), Verdict(False, Reason.ALREADY_RENEWED, PAID_THROUGH), id="renewed"
    ),
    pytest.param(
        facts(renewed_through=PAID_THROUGH),
        days(-90),
        Verdict(False, Reason.ALREADY_RENEWED, PAID_THROUGH),
        id="renewed 90 days early",
    ),
    pytest.param(facts(awaiting_payment=True), days(0), Verdict(False, Reason.AWAITING_PAYMENT), id="awaiting payment"),
    # Lasting conditions are named before passing ones, whatever the date.
    pytest.param(
        facts(cancelled=True, product_sold=False, term="monthly"), days(-400), Verdict(False, Reason.CANCELLED),
        id="cancelled first",
    ),
    pytest.param(
        facts(product_sold=False, term="monthly"), days(400), Verdict(False, Reason.RETIRED_PRODUCT), id="retired next"
    ),
    pytest.param(facts(term="monthly"), days(-400), Verdict(False, Reason.MONTHLY), id="monthly before the window"),
    pytest.param(
        facts(awaiting_payment=True), days(46), Verdict(False, Reason.AWAITING_PAYMENT), id="awaiting before closed"
    ),
]  # fmt: skip


@pytest.mark.parametrize(("subscription", "today", "verdict"), JUDGED)
def test_judge_names_each_reason_with_its_date(subscription: SubscriptionFacts, today: date, verdict: Verdict) -> None:
    assert judge(subscription, today) == verdict


@pytest.mark.parametrize(
    ("today", "verdict"),
    [
        pytest.param(days(1), Verdict(False, Reason.NOT_YET_OPEN, PAID_THROUGH - timedelta(days=90)), id="day after D"),
        pytest.param(PAID_THROUGH - timedelta(days=91), Verdict(False, Reason.NOT_YET_OPEN, date(2028, 3, 17)), id="D'-91"),
        pytest.param(PAID_THROUGH - timedelta(days=90), Verdict(True), id="D'-90"),
        pytest.param(PAID_THROUGH + timedelta(days=45), Verdict(True), id="D'+45"),
        pytest.param(PAID_THROUGH + timedelta(days=46), Verdict(False, Reason.CLOSED, date(2028, 7, 30)), id="D'+46"),
    ],
)
def test_once_today_passes_a_paid_date_the_next_window_is_around_the_paid_terms_end(today: date, verdict: Verdict) -> None:
    assert judge(facts(renewed_through=PAID_THROUGH), today) == verdict
