"""Money in each currency's own minor units, tax by country, totals on the server."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_portal.catalog import product, products, tax_rate
from mock_portal.rules.money import format_money, from_minor, to_minor
from mock_portal.rules.pricing import transaction_totals
from mock_portal.rules.terms import add_term


@pytest.mark.parametrize(
    ("amount", "currency", "minor", "shown"),
    [
        ("1975.00", "USD", 197500, "$1,975.00"),
        ("2190.5", "EUR", 219050, "€2,190.50"),
        ("0.005", "GBP", 1, "£0.01"),
        ("298100", "JPY", 298100, "¥298,100"),
        ("298100.5", "JPY", 298101, "¥298,101"),
    ],
)
def test_each_currency_uses_its_own_minor_unit(amount: str, currency: str, minor: int, shown: str) -> None:
    assert to_minor(Decimal(amount), currency) == minor
    assert format_money(minor, currency) == shown


def test_tax_is_rounded_half_up_once_per_transaction() -> None:
    totals = transaction_totals([(197500, 3)], Decimal("0.0725"), "USD")
    assert (totals.subtotal_minor, totals.tax_minor, totals.total_minor) == (592500, 42956, 635456)


def test_yen_tax_has_no_fraction() -> None:
    totals = transaction_totals([(298100, 1), (37400, 3)], tax_rate("JP"), "JPY")
    assert totals.tax_minor == 41030 and totals.total_minor == 451330


def test_catalog_has_a_product_no_longer_sold_and_prices_in_every_currency() -> None:
    assert any(not p.sold for p in products().values())
    for p in products().values():
        for term in ("monthly", "annual", "three_year"):
            assert set(p.prices[term]) >= {"USD", "EUR", "GBP", "JPY"}
    assert product("ACD").unit_price_minor("annual", "JPY") == 298100


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["USD", "EUR", "GBP", "JPY"]))
def test_minor_units_round_trip_exactly(minor: int, currency: str) -> None:
    assert to_minor(from_minor(minor, currency), currency) == minor


@given(
    st.lists(st.tuples(st.integers(0, 10**7), st.integers(1, 10_000)), min_size=1, max_size=50),
    st.sampled_from(sorted({"US", "GB", "JP", "DE"})),
    st.sampled_from(["USD", "EUR", "GBP", "JPY"]),
)
def test_total_is_subtotal_plus_tax_and_never_negative(lines, country: str, currency: str) -> None:  # type: ignore[no-untyped-def]
    totals = transaction_totals(lines, tax_rate(country), currency)
    assert totals.total_minor == totals.subtotal_minor + totals.tax_minor
    assert 0 <= totals.tax_minor <= totals.subtotal_minor


@pytest.mark.parametrize(
    ("start", "term", "end"),
    [
        (date(2027, 1, 31), "monthly", date(2027, 2, 28)),
        (date(2028, 2, 29), "annual", date(2029, 2, 28)),
        (date(2027, 3, 15), "three_year", date(2030, 3, 15)),
    ],
)
def test_a_term_ends_on_the_same_day_of_month_clamped(start: date, term: str, end: date) -> None:
    assert add_term(start, term) == end


ANCHORED = [
    pytest.param(
        date(2028, 2, 29), 29, [date(2029, 2, 28), date(2030, 2, 28), date(2031, 2, 28), date(2032, 2, 29)], id="29 Feb"
    ),
    pytest.param(date(2027, 1, 31), 31, [date(2028, 1, 31), date(2029, 1, 31)], id="31 Jan stays the 31st"),
    pytest.param(date(2029, 2, 28), 28, [date(2030, 2, 28), date(2031, 2, 28), date(2032, 2, 28)], id="28 Feb stays the 28th"),
]


@pytest.mark.parametrize(("start", "anchor", "renewals"), ANCHORED)
def test_an_annual_anniversary_keeps_its_anchor_day_and_returns_to_29_february(
    start: date, anchor: int, renewals: list[date]
) -> None:
    dates = [start]
    for _ in renewals:
        dates.append(add_term(dates[-1], "annual", anchor))

    assert dates[1:] == renewals, f"renewing from {start} with anchor day {anchor}"


@pytest.mark.parametrize(
    ("start", "term", "anchor", "end"),
    [
        (date(2029, 2, 28), "three_year", 29, date(2032, 2, 29)),
        (date(2027, 2, 28), "monthly", 31, date(2027, 3, 31)),
        (date(2027, 4, 30), "monthly", 31, date(2027, 5, 31)),
        (date(2027, 4, 30), "monthly", 30, date(2027, 5, 30)),
        (date(2027, 1, 31), "monthly", None, date(2027, 2, 28)),
    ],
)
def test_a_term_from_a_clamped_date_ends_on_the_anchor_day(start: date, term: str, anchor: int | None, end: date) -> None:
    assert add_term(start, term, anchor) == end


@pytest.mark.parametrize("anchor", [0, 27, 32])
def test_an_anchor_day_before_the_start_day_or_outside_a_month_is_refused(anchor: int) -> None:
    with pytest.raises(ValueError, match="anchor day"):
        add_term(date(2029, 2, 28), "annual", anchor)
