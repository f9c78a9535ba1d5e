"""The harness's oracle (automation.rules) and the mock portal agree, on generated cases (hypothesis).

The oracle is the harness's own reading of the reference; the mock is another. Where they differ one of them
misreads the rules — the failure shows the case. Dates favour month ends and 29 February, where readings part."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from oracle_vs_mock import anchored, as_verdict

from automation import rules as oracle
from mock_portal.catalog import product, products, tax_rate, tax_rates
from mock_portal.rules import eligibility as mock
from mock_portal.rules.grouping import GroupKey, group_by_transaction
from mock_portal.rules.money import CURRENCY_EXPONENTS
from mock_portal.rules.pricing import transaction_totals
from mock_portal.rules.terms import TERMS, add_term

PURE = settings(max_examples=300, deadline=None)

offsets = st.one_of(st.integers(-500, 900), st.sampled_from([-91, -90, -1, 0, 1, 45, 46]))


# --- R1, R6: the window and early renewal -------------------------------------------------------------------------


@PURE
@given(renewal=st.dates(date(2001, 1, 1), date(2090, 12, 31)), offset=offsets)
def test_the_window_and_early_renewal_agree(renewal: date, offset: int) -> None:
    today = renewal + timedelta(days=offset)
    opens, closes = mock.renewal_window(renewal)

    assert oracle.renewal_window(renewal) == (opens, closes)
    assert oracle.is_open(renewal, today) is (opens <= today <= closes), f"D={renewal}, today={today}"
    assert oracle.is_early(renewal, today) is mock.is_early(mock.Anniversary(renewal), today)


# --- R2 and 29 February: term ends keep the anchor day ---------------------------------------------------------


@PURE
@given(start=anchored(), term=st.sampled_from(TERMS), renewals=st.integers(1, 5), give_anchor=st.booleans())
def test_term_ends_keep_the_anchor_day_in_both_readings(
    start: tuple[date, int], term: str, renewals: int, give_anchor: bool
) -> None:
    renewal, anchor = start
    anchor_day = anchor if give_anchor else None
    ours = theirs = renewal
    for _ in range(renewals):
        ours = oracle.term_end(ours, term, anchor_day)
        paid = mock.renewed_term(mock.Anniversary(theirs), term, anchor_day)
        assert paid.renewal_date == theirs, "a renewal never moves the renewal date (R2)"
        theirs = add_term(theirs, term, anchor_day)
        assert paid.renewed_through == theirs
        assert ours == theirs, f"{renewal} (anchor {anchor_day}) + {renewals} × {term}"
    assert add_term(renewal, term) in oracle.possible_term_ends(renewal, term)
    assert oracle.term_end(renewal, term, anchor) in oracle.possible_term_ends(renewal, term)


# --- eligibility, its reason and date -----------------------------------------------------------------------------


@PURE
@given(
    start=anchored(),
    term=st.sampled_from(TERMS),
    status=st.sampled_from(["active", "expired", "cancelled"]),
    code=st.sampled_from(sorted(products())),
    renewed=st.booleans(),
    awaiting=st.booleans(),
    offset=offsets,
)
def test_eligibility_reason_and_date_agree(
    start: tuple[date, int], term: str, status: str, code: str, renewed: bool, awaiting: bool, offset: int
) -> None:
    renewal, anchor = start
    through = oracle.term_end(renewal, term, anchor) if renewed else None
    today = renewal + timedelta(days=offset)
    anniversary = mock.current_anniversary(renewal, through, today)

    theirs = mock.check_eligibility(
        anniversary=anniversary,
        today=today,
        term=term,
        status=status,
        product_sold=product(code).sold,
        awaiting_payment=awaiting,
    )
    facts = oracle.SubscriptionFacts(
        renewal, term, cancelled=status == "cancelled", product_sold=product(code).sold, renewed_through=through,
        awaiting_payment=awaiting,
    )  # fmt: skip

    assert as_verdict(theirs) == oracle.judge(facts, today), f"{facts} on {today}"
    assert anniversary.renewal_date == oracle.date_in_force(renewal, through, today)


# --- R7, R8: transactions and their money ---------------------------------------------------------------------

keys = st.tuples(
    st.sampled_from(["1000000001", "1000000002", "2000000000"]),
    st.sampled_from(sorted(CURRENCY_EXPONENTS)),
    st.sampled_from(["credit_card", "paypal", "konbini"]),
)
lines = st.lists(
    st.tuples(st.sampled_from(sorted(products())), st.sampled_from(TERMS), st.integers(1, 10_000)), min_size=1, max_size=8
)


@PURE
@given(selection=st.lists(keys, max_size=30))
def test_transactions_group_alike(selection: list[tuple[str, str, str]]) -> None:
    items = list(enumerate(selection))

    theirs = group_by_transaction(items, lambda item: GroupKey(*item[1]))
    ours = oracle.transactions(items, lambda item: oracle.TransactionKey(*item[1]))

    assert {tuple(k): v for k, v in theirs.items()} == {tuple(k): v for k, v in ours.items()}


@PURE
@given(order=lines, country=st.sampled_from(sorted(tax_rates())), currency=st.sampled_from(sorted(CURRENCY_EXPONENTS)))
def test_transaction_totals_agree_in_every_currency(order: list[tuple[str, str, int]], country: str, currency: str) -> None:
    theirs = transaction_totals(
        [(product(code).unit_price_minor(term, currency), seats) for code, term, seats in order], tax_rate(country), currency
    )
    ours = oracle.load_catalog().totals(order, country, currency)

    assert (ours.subtotal, ours.tax, ours.total) == (theirs.subtotal_minor, theirs.tax_minor, theirs.total_minor)
    assert oracle.MINOR_UNITS[currency] == CURRENCY_EXPONENTS[currency]
