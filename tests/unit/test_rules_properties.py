"""Properties of the renewal rules and money for any date, term, amount and currency (hypothesis).

The example tables in test_rules_*.py pin the edges; these check that the rules hold everywhere in between."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_portal.catalog import tax_rates
from mock_portal.rules.eligibility import (
    CLOSES_DAYS_AFTER,
    OPENS_DAYS_BEFORE,
    Anniversary,
    Eligibility,
    check_eligibility,
    current_anniversary,
    is_early,
    renewed_term,
)
from mock_portal.rules.grouping import MAX_PER_CHECKOUT, GroupKey, checkout_size_error, group_by_transaction
from mock_portal.rules.money import CURRENCY_EXPONENTS, CURRENCY_SYMBOLS, format_money, from_minor, tax_minor, to_minor
from mock_portal.rules.terms import TERM_MONTHS, add_term

FEW = settings(max_examples=150, deadline=None)  # pure functions: cheap, but the unit suite's CI time is shared

# The dates the portal accepts (config.EARLIEST_DATE, LATEST_DATE: 2000-01-01 … 2099-12-31), with room for D − 90 and D + 3 years.
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
month_ends = st.builds(
    lambda year, month: date(year, month, calendar.monthrange(year, month)[1]),
    st.integers(2000, 2099),
    st.integers(1, 12),
)
any_start = st.one_of(dates, month_ends)  # month ends are where clamping happens; plain dates rarely hit them
renewable_terms = st.sampled_from(["annual", "three_year"])
terms = st.sampled_from(sorted(TERM_MONTHS))
offsets = st.integers(-400, 400)  # today relative to D, well past both ends of the window
currencies = st.sampled_from(sorted(CURRENCY_EXPONENTS))
rates = st.one_of(
    st.sampled_from(sorted(set(tax_rates().values()))),
    st.decimals(min_value=0, max_value=Decimal("0.5"), places=4),
)


def renewable_on(renewal: date, today: date, term: str, **overrides: Any) -> Eligibility:
    args: dict[str, Any] = dict(anniversary=Anniversary(renewal), today=today, term=term, status="active", product_sold=True)
    return check_eligibility(**(args | overrides))


# --- R1: the window --------------------------------------------------------------------------------------------


@FEW
@given(renewal=dates, offset=offsets, term=renewable_terms, status=st.sampled_from(["active", "expired"]))
def test_a_sold_annual_or_three_year_subscription_is_renewable_exactly_from_d_minus_90_to_d_plus_45(
    renewal: date, offset: int, term: str, status: str
) -> None:
    today = renewal + timedelta(days=offset)
    result = renewable_on(renewal, today, term, status=status)

    inside = renewal - timedelta(days=90) <= today <= renewal + timedelta(days=45)
    assert result.eligible is inside, f"D={renewal} today={today} ({offset:+d} days): eligible={result.eligible}"
    assert (OPENS_DAYS_BEFORE, CLOSES_DAYS_AFTER) == (90, 45)


@FEW
@given(renewal=dates, offset=offsets, term=renewable_terms)
def test_outside_the_window_the_reason_names_the_first_or_last_renewable_day(renewal: date, offset: int, term: str) -> None:
    today = renewal + timedelta(days=offset)
    result = renewable_on(renewal, today, term)

    if offset < -90:
        assert (result.reason, result.reason_date) == ("Renewal opens on", renewal - timedelta(days=90))
        assert result.reason_date > today
    elif offset > 45:
        assert (result.reason, result.reason_date) == ("Renewal closed on", renewal + timedelta(days=45))
        assert result.reason_date < today
    else:
        assert (result.reason, result.reason_date, result.message) == (None, None, None)


@FEW
@given(
    renewal=dates,
    offset=offsets,
    term=terms,
    status=st.sampled_from(["active", "expired", "cancelled"]),
    sold=st.booleans(),
    awaiting=st.booleans(),
)
def test_cancelled_unsold_monthly_or_awaiting_payment_is_never_renewable_whatever_the_date(
    renewal: date, offset: int, term: str, status: str, sold: bool, awaiting: bool
) -> None:
    today = renewal + timedelta(days=offset)
    result = renewable_on(renewal, today, term, status=status, product_sold=sold, awaiting_payment=awaiting)

    blocked = status == "cancelled" or not sold or term == "monthly" or awaiting
    if blocked:
        assert not result.eligible and result.reason in {
            "Cancelled", "No longer sold", "Renews automatically", "Awaiting payment"
        }  # fmt: skip
    else:
        assert result.eligible is (-90 <= offset <= 45)


# --- R2/R6/R8: the anniversary ---------------------------------------------------------------------------------


@FEW
@given(renewal=dates, paid_offset=st.integers(-90, 45), term=renewable_terms)
def test_paying_on_any_day_of_the_window_keeps_the_renewal_date_and_pays_through_d_plus_term(
    renewal: date, paid_offset: int, term: str
) -> None:
    paid_on = renewal + timedelta(days=paid_offset)
    anniversary = current_anniversary(renewal, None, paid_on)

    paid = renewed_term(anniversary, term)

    assert paid == Anniversary(renewal, add_term(renewal, term)), f"paid on {paid_on} for D={renewal}"
    assert is_early(anniversary, paid_on) is (paid_on < renewal)


@FEW
@given(renewal=dates, paid_offset=st.integers(-90, 45), later=st.integers(0, 800), term=renewable_terms)
def test_once_paid_the_anniversary_rolls_to_exactly_d_plus_term_the_day_after_d_never_payment_plus_term(
    renewal: date, paid_offset: int, later: int, term: str
) -> None:
    paid_on = renewal + timedelta(days=paid_offset)
    through = renewed_term(current_anniversary(renewal, None, paid_on), term).renewed_through
    assert through is not None
    today = paid_on + timedelta(days=later)

    in_force = current_anniversary(renewal, through, today)

    if today <= renewal:
        assert in_force == Anniversary(renewal, through)
        assert renewable_on(renewal, today, term, anniversary=in_force).reason == "Already renewed through"
    else:
        assert in_force == Anniversary(add_term(renewal, term), None), f"paid {paid_on}, D={renewal}, today={today}"
        nxt = in_force.renewal_date
        window = nxt - timedelta(days=90) <= today <= nxt + timedelta(days=45)
        assert renewable_on(nxt, today, term).eligible is window, "the next renewal's window is around D + term"


# --- the term arithmetic ---------------------------------------------------------------------------------------


@FEW
@given(start=any_start, term=terms)
def test_a_term_ends_on_the_same_day_of_the_month_or_that_months_last_day(start: date, term: str) -> None:
    end = add_term(start, term)

    months = (end.year - start.year) * 12 + end.month - start.month
    assert months == TERM_MONTHS[term]
    assert end.day == min(start.day, calendar.monthrange(end.year, end.month)[1]), f"{start} + {term} = {end}"


@FEW
@given(start=any_start, term=terms)
def test_a_term_lasts_as_many_days_as_its_months_allow(start: date, term: str) -> None:
    days = (add_term(start, term) - start).days

    low, high = {"monthly": (28, 31), "annual": (365, 366), "three_year": (1095, 1096)}[term]
    assert low <= days <= high, f"{start} + {term} lasts {days} days"


@FEW
@given(first=any_start, second=any_start, term=terms)
def test_a_later_start_never_ends_earlier(first: date, second: date, term: str) -> None:
    early, late = sorted((first, second))

    assert add_term(early, term) <= add_term(late, term)


@FEW
@given(start=any_start)
def test_three_annual_terms_end_where_one_three_year_term_does(start: date) -> None:
    assert add_term(add_term(add_term(start, "annual"), "annual"), "annual") == add_term(start, "three_year")


# --- R7/R8: grouping and the limit -----------------------------------------------------------------------------

group_keys = st.builds(
    GroupKey,
    st.sampled_from(["1000000001", "1000000002", "2000000000"]),
    currencies,
    st.sampled_from(["credit_card", "paypal", "konbini"]),
)


@FEW
@given(keys=st.lists(group_keys, max_size=120))
def test_every_item_lands_in_exactly_one_group_with_its_own_key_in_its_original_order(keys: list[GroupKey]) -> None:
    items = list(enumerate(keys))  # (position, key): distinct items even when keys repeat

    groups = group_by_transaction(items, key=lambda item: item[1])

    placed = [item for members in groups.values() for item in members]
    assert sorted(placed) == items, "an item was lost or placed twice"
    for key, members in groups.items():
        assert members and all(item[1] == key for item in members), f"group {key} holds another key"
        assert members == sorted(members), f"group {key} lost the order items came in"
    assert list(groups) == sorted(set(keys)), "one group per distinct key, sorted by key"


@FEW
@given(count=st.integers(0, 10_000))
def test_a_checkout_is_refused_iff_it_holds_more_than_100(count: int) -> None:
    error = checkout_size_error(count)

    assert (error is not None) is (count > MAX_PER_CHECKOUT)
    if error is not None:
        assert str(count) in error and "100" in error


# --- money -----------------------------------------------------------------------------------------------------


@FEW
@given(subtotal=st.integers(0, 10**12), rate=rates, currency=currencies)
def test_tax_is_within_half_a_minor_unit_of_the_exact_amount_and_halves_round_up(
    subtotal: int, rate: Decimal, currency: str
) -> None:
    exact = Decimal(subtotal) * rate  # in minor units

    tax = tax_minor(subtotal, rate, currency)

    assert abs(tax - exact) <= Decimal("0.5"), f"{subtotal} × {rate} {currency}: tax {tax}, exact {exact}"
    if exact - int(exact) == Decimal("0.5"):
        assert tax == int(exact) + 1, f"{exact} must round half up"
    assert 0 <= tax <= subtotal


@FEW
@given(minor=st.integers(0, 10**13), currency=currencies)
def test_a_formatted_amount_reads_back_as_the_same_minor_units(minor: int, currency: str) -> None:
    shown = format_money(minor, currency)

    symbol, exponent = CURRENCY_SYMBOLS[currency], CURRENCY_EXPONENTS[currency]
    assert shown.startswith(symbol), shown
    number = shown.removeprefix(symbol)
    whole, _, fraction = number.partition(".")
    assert len(fraction) == exponent, f"{shown}: {currency} shows {exponent} decimals"
    groups = whole.split(",")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3, f"{shown}: thousands separators"
    assert to_minor(Decimal(number.replace(",", "")), currency) == minor
    assert from_minor(minor, currency) == Decimal(number.replace(",", ""))
