"""The harness's own rule oracle (automation.rules) against the reference, edge by edge (tables written by hand from
../shared/reference/manual-renewal.md, not computed by the code under test)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from automation.rules import (
    CLOSES_DAYS_AFTER,
    MAX_PER_CHECKOUT,
    MINOR_UNITS,
    OPENS_DAYS_BEFORE,
    Catalog,
    Reason,
    SubscriptionFacts,
    TransactionKey,
    Verdict,
    date_in_force,
    is_early,
    is_open,
    judge,
    line_minor,
    load_catalog,
    possible_term_ends,
    renewal_window,
    term_end,
    transaction_totals,
    transactions,
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


# --- R7, R8: one transaction per (CSN, currency, payment method) --------------------------------------------------


def test_a_checkout_holds_at_most_100_subscriptions() -> None:
    assert MAX_PER_CHECKOUT == 100


def test_transactions_group_by_csn_currency_and_payment_method_keeping_the_order_given() -> None:
    subs = [
        ("s1", "1000000001", "USD", "credit_card"),
        ("s2", "1000000002", "USD", "credit_card"),
        ("s3", "1000000001", "EUR", "credit_card"),
        ("s4", "1000000001", "USD", "paypal"),
        ("s5", "1000000001", "USD", "credit_card"),
        ("s6", "1000000002", "USD", "credit_card"),
        ("s7", "1000000001", "JPY", "konbini"),
    ]

    grouped = transactions(subs, lambda s: TransactionKey(*s[1:]))

    assert {key: [s[0] for s in items] for key, items in grouped.items()} == {
        TransactionKey("1000000001", "USD", "credit_card"): ["s1", "s5"],
        TransactionKey("1000000002", "USD", "credit_card"): ["s2", "s6"],
        TransactionKey("1000000001", "EUR", "credit_card"): ["s3"],
        TransactionKey("1000000001", "USD", "paypal"): ["s4"],
        TransactionKey("1000000001", "JPY", "konbini"): ["s7"],
    }


def test_no_subscriptions_make_no_transaction() -> None:
    assert transactions([], lambda s: TransactionKey("1", "USD", "credit_card")) == {}


# --- money: line = unit × seats, tax at the CSN country's rate rounded half up once per order ---------------------


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The catalog and tax table of the project's fixtures/."""
    return load_catalog()


def test_every_currency_has_its_minor_unit_and_jpy_has_none() -> None:
    assert MINOR_UNITS == {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0}


def test_a_line_is_the_unit_price_times_the_seats() -> None:
    assert line_minor(197500, 3) == 592500
    assert line_minor(298100, 1) == 298100


@pytest.mark.parametrize(
    ("currency", "unit"),
    [("USD", 197500), ("EUR", 219000), ("GBP", 184800), ("JPY", 298100)],
    ids=["USD in cents", "EUR in cents", "GBP in pence", "JPY in whole yen"],
)
def test_catalog_prices_are_in_each_currencys_minor_unit(catalog: Catalog, currency: str, unit: int) -> None:
    assert catalog.unit_price("ACD", "annual", currency) == unit


@pytest.mark.parametrize(
    ("currency", "subtotal", "tax", "total"),
    [
        ("USD", 197500, 37525, 235025),
        ("EUR", 219000, 41610, 260610),
        ("GBP", 184800, 35112, 219912),
        ("JPY", 298100, 56639, 354739),
    ],
)
def test_each_currency_is_taxed_at_the_csn_countrys_rate(
    catalog: Catalog, currency: str, subtotal: int, tax: int, total: int
) -> None:
    totals = catalog.totals([("ACD", "annual", 1)], "DE", currency)  # Germany: 19 %

    assert (totals.currency, totals.subtotal, totals.tax, totals.total) == (currency, subtotal, tax, total)


def test_multi_seat_lines_add_up_before_tax(catalog: Catalog) -> None:
    # 3 × 1,975.00 + 2 × 2,910.00 = 11,745.00; 7.25 % = 851.5125 → 851.51
    totals = catalog.totals([("ACD", "annual", 3), ("RVT", "annual", 2)], "US", "USD")

    assert (totals.subtotal, totals.tax, totals.total) == (1174500, 85151, 1259651)


@pytest.mark.parametrize(
    ("country", "tax"),
    [("US", 14319), ("JP", 19750), ("GB", 39500), ("CH", 15998)],
    ids=["US 7.25 %", "JP 10 %", "GB 20 %", "CH 8.1 %"],
)
def test_tax_follows_the_csns_country_not_the_currency(catalog: Catalog, country: str, tax: int) -> None:
    assert catalog.totals([("ACD", "annual", 1)], country, "USD").tax == tax


@pytest.mark.parametrize(
    ("lines", "rate", "currency", "tax"),
    [
        pytest.param([10], "0.05", "USD", 1, id="0.5 cent rounds up"),
        pytest.param([50], "0.05", "USD", 3, id="2.5 cents rounds up, not to even"),
        pytest.param([49], "0.05", "USD", 2, id="2.45 cents rounds down"),
        pytest.param([10, 10], "0.05", "USD", 1, id="rounded once per order, not per line"),
        pytest.param([5], "0.10", "JPY", 1, id="half a yen rounds up"),
        pytest.param([298100], "0.081", "JPY", 24146, id="JPY tax in whole yen"),
    ],
)
def test_tax_is_rounded_half_up_once_per_order_to_the_minor_unit(lines: list[int], rate: str, currency: str, tax: int) -> None:
    totals = transaction_totals(lines, Decimal(rate), currency)

    assert (totals.subtotal, totals.tax, totals.total) == (sum(lines), tax, sum(lines) + tax)


def test_load_catalog_reads_the_fixture_files_of_a_given_folder(tmp_path: Path) -> None:
    (tmp_path / "catalog.json").write_text(
        json.dumps(
            {"products": [{"code": "X", "name": "Ex", "sold": False, "prices": {"annual": {"USD": "1.005", "JPY": "7"}}}]}
        ),
        encoding="utf-8",
    )
    (tmp_path / "taxes.json").write_text(json.dumps({"rates": {"US": "0.5"}}), encoding="utf-8")

    catalog = load_catalog(str(tmp_path))

    assert (catalog.names, catalog.sold) == ({"X": "Ex"}, {"X": False})
    assert catalog.prices == {"X": {"annual": {"USD": 101, "JPY": 7}}}, "prices rounded half up to the minor unit"
    assert catalog.tax_rates == {"US": Decimal("0.5")}


def test_load_catalog_says_which_folder_it_could_not_read(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="RENEWALS_FIXTURES_DIR"):
        load_catalog(str(tmp_path / "missing"))
