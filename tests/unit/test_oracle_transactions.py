"""The harness's own rule oracle (automation.rules) on transactions, against the reference: R7/R8's grouping by (CSN,
currency, payment method) and the money of each — lines, tax at the CSN country's rate, rounding — and the catalog it
reads (tables written by hand from ../shared/reference/manual-renewal.md, not computed by the code under test)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from automation.rules import (
    MAX_PER_CHECKOUT,
    MINOR_UNITS,
    Catalog,
    TransactionKey,
    line_minor,
    load_catalog,
    transaction_totals,
    transactions,
)

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
