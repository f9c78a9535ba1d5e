"""Scenario files (demos/*.toml): every shipped one loads, each kind of mistake is refused naming the file, the step
and the field, and the account they describe turns into the same test-control API body every time."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from automation.scenarios import ScenarioError, account_spec, csn_numbers, load_scenario, parse_scenario
from mock_portal.testing.spec import AccountSpec

DEMOS = Path(__file__).resolve().parents[2] / "demos"
SHIPPED = sorted(DEMOS.glob("*.toml"))
TODAY = date(2027, 1, 5)
FILE = "demos/mistake.toml"

ACCOUNT = """
name = "mistake"
title = "A scenario with one mistake"

[account]
country = "US"

[[account.subscriptions]]
name = "a"
renewal_in_days = 10

[[account.subscriptions]]
name = "b"
renewal_in_days = 20
payment_method = "paypal"
currency = "EUR"
csn = "B"

[[account.subscriptions]]
name = "gone"
renewal_in_days = 10
status = "cancelled"

[[account.subscriptions]]
name = "later"
renewal_in_days = 91

[[account.subscriptions]]
name = "closed"
renewal_in_days = -46
"""


def scenario(*steps: str, top: str = "") -> str:
    """A scenario text: the account above, then one [[steps]] table per argument (TOML lines)."""
    return top + ACCOUNT + "".join(f"\n[[steps]]\n{step}\n" for step in steps)


def refusal(text: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, FILE, TODAY)
    return str(caught.value)


def test_the_four_scenarios_the_issue_asks_for_are_shipped() -> None:
    names = {p.stem for p in SHIPPED}
    assert {"renewal-tour", "late-renewal", "konbini-payment", "bulk-over-100"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_scenario_loads_and_its_account_is_one_the_test_api_takes(path: Path) -> None:
    loaded = load_scenario(path, TODAY)
    assert loaded.name == path.stem, "a scenario's name is its file's name, so its outputs are found by it"
    AccountSpec.model_validate(account_spec(loaded, TODAY))  # the portal's own schema of POST /__test__/accounts


def test_the_bulk_scenario_has_more_subscriptions_than_one_checkout_takes() -> None:
    spec = account_spec(load_scenario(DEMOS / "bulk-over-100.toml", TODAY), TODAY)
    assert len(spec["subscriptions"]) > 100


def test_the_late_scenario_renews_on_the_last_day_of_the_window() -> None:
    loaded = load_scenario(DEMOS / "late-renewal.toml", TODAY)
    spec = account_spec(loaded, TODAY)
    assert spec["subscriptions"][0]["renewal_date"] == (TODAY - timedelta(days=45)).isoformat()


MISTAKES = [
    pytest.param(
        ['do = "sign_in"', 'do = "dance"'],
        ["step 2 (dance): do:", "'sign_in'", "'record_payment'", "'chapter'"],
        id="unknown-step",
    ),
    pytest.param(
        ['do = "sign_in"', 'do = "renew"'], ["step 2 (renew): subscriptions: required field missing"], id="missing-field"
    ),
    pytest.param(['do = "sign_in"', "title = 'x'"], ["step 2 (?): do: missing field 'do'"], id="missing-do"),
    pytest.param(
        ['do = "sign_in"', 'do = "renew"\nsubscriptions = ["a"]\nrenew_nwo = true'],
        ["step 2 (renew): unknown field 'renew_nwo'; allowed: do, subscriptions, renew_now"],
        id="unknown-field",
    ),
    pytest.param(
        ['do = "sign_in"', 'do = "chapter"\ntitle = "x"', 'do = "renew"\nsubscriptions = ["a", "x"]'],
        ["step 3 (renew): subscriptions[1]: no subscription named 'x' in the account; named ones: a, b, gone, later, closed"],
        id="missing-subscription",
    ),
    pytest.param(
        ['do = "sign_in"', 'do = "renew"\nsubscriptions = ["gone"]'],
        ["step 2 (renew): subscriptions[0]: 'gone' is not renewable on the scenario's today: cancelled"],
        id="renew-cancelled",
    ),
    pytest.param(
        ['do = "sign_in"', 'do = "renew"\nsubscriptions = ["later"]'],
        ["step 2 (renew): subscriptions[0]: 'later' is not renewable", "not yet open (2027-01-06)"],
        id="renew-not-yet-open",
    ),
    pytest.param(
        ['do = "sign_in"', 'do = "bulk_renew"\nsubscriptions = ["a", "closed"]'],
        ["step 2 (bulk_renew): subscriptions[1]: 'closed' is not renewable", "closed (2027-01-04)"],
        id="bulk-renew-closed",
    ),
    pytest.param(
        ['do = "sign_in"', 'do = "renew"\nsubscriptions = ["a"]', 'do = "place_order"', 'do = "renew"\nsubscriptions = ["a"]'],
        ["step 4 (renew): subscriptions[0]: 'a' is not renewable", "already renewed"],
        id="renew-twice",
    ),
    pytest.param(
        ['do = "renew"\nsubscriptions = ["a"]'], ["step 1 (renew): do: renew needs a signed-in user"], id="before-sign-in"
    ),
    pytest.param(
        ['do = "sign_in"', 'do = "renew"\nsubscriptions = ["a"]\nrenew_now = false'],
        ["step 2 (renew): renew_now: 'a' renews early", "(R6)"],
        id="early-without-renew-now",
    ),
    pytest.param(['do = "sign_in"', 'do = "place_order"'], ["step 2 (place_order): do: the cart is empty"], id="empty-cart"),
    pytest.param(
        [
            'do = "sign_in"',
            'do = "renew"\nsubscriptions = ["a"]',
            'do = "place_order"\nid = "o"',
            'do = "record_payment"\norder = "o"',
        ],
        ["step 4 (record_payment): order: order 'o' was paid at checkout"],
        id="pay-a-card-order",
    ),
    pytest.param(
        ['do = "sign_in"', 'do = "bulk_renew"\ngroup = { csn = "Z" }'],
        ["step 2 (bulk_renew): group.csn: no CSN labelled 'Z' in the account; labels: A, B"],
        id="unknown-group",
    ),
    pytest.param(
        ['do = "sign_in"', 'do = "bulk_renew"'],
        ["step 2 (bulk_renew): give either group or subscriptions"],
        id="bulk-without-selection",
    ),
    pytest.param(
        ['do = "open_email"\nsubject = "Order"'],
        ["step 1 (open_email): do: open_email opens an email of the inbox; put an open_inbox step"],
        id="email-before-inbox",
    ),
    pytest.param(['do = "caption"\ntext = "hi"\nseconds = 99'], ["step 1 (caption): seconds:"], id="caption-too-long"),
]


@pytest.mark.parametrize(("steps", "expected"), MISTAKES)
def test_a_mistake_is_refused_naming_the_file_the_step_and_the_field(steps: list[str], expected: list[str]) -> None:
    message = refusal(scenario(*steps))
    assert message.startswith(f"{FILE}: "), message
    for part in expected:
        assert part in message, f"expected {part!r} in: {message}"


@pytest.mark.parametrize(
    ("top", "edit", "expected"),
    [
        ('locale = "de"\n', ("", ""), "demos/mistake.toml: locale: 'de' is not a language"),
        ("viewport = { width = 10 }\n", ("", ""), "demos/mistake.toml: viewport.width:"),
        ("", ('renewal_in_days = 20\n', 'renewal_in_days = 20\ncolour = "red"\n'),
         "demos/mistake.toml: account.subscriptions[1]: unknown field 'colour'; allowed: name, renewal_in_days"),
        ("", ('payment_method = "paypal"', 'payment_method = "cheque"'),
         "demos/mistake.toml: account.subscriptions[1].payment_method: 'cheque' is not a known payment method"),
        ("", ('name = "later"', 'name = "a"'), "demos/mistake.toml: account: subscription name 'a' appears twice"),
    ],
    ids=["locale", "viewport", "account-unknown-field", "payment-method", "duplicate-name"],
)  # fmt: skip
def test_a_mistake_outside_the_steps_is_refused_naming_the_file_and_the_field(
    top: str, edit: tuple[str, str], expected: str
) -> None:
    text = scenario('do = "sign_in"', top=top).replace(*edit)
    assert expected in refusal(text)


def test_a_file_that_is_not_toml_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('name = "broken\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"broken\.toml: not valid TOML"):
        load_scenario(path)


def test_the_same_scenario_and_seed_give_the_same_account() -> None:
    loaded = load_scenario(DEMOS / "konbini-payment.toml", TODAY)
    again = load_scenario(DEMOS / "konbini-payment.toml", TODAY)
    assert account_spec(loaded, TODAY) == account_spec(again, TODAY)


def test_another_seed_gives_other_csns_and_the_same_dates() -> None:
    loaded = load_scenario(DEMOS / "renewal-tour.toml", TODAY)
    reseeded = loaded.model_copy(update={"seed": loaded.seed + 1})
    first, second = account_spec(loaded, TODAY), account_spec(reseeded, TODAY)
    assert {s["csn"] for s in first["subscriptions"]}.isdisjoint({s["csn"] for s in second["subscriptions"]})
    assert [s["renewal_date"] for s in first["subscriptions"]] == [s["renewal_date"] for s in second["subscriptions"]]


def test_each_csn_label_gets_its_own_ten_digit_csn() -> None:
    numbers = csn_numbers(load_scenario(DEMOS / "renewal-tour.toml", TODAY))
    assert list(numbers) == ["A", "B", "S", "J"], "the fixture's labels, in its order (the order the seed draws them)"
    assert all(len(n) == 10 and n.isdigit() for n in numbers.values())
    assert len(set(numbers.values())) == len(numbers)


def test_renewal_dates_count_from_the_today_given() -> None:
    loaded = load_scenario(DEMOS / "renewal-tour.toml", TODAY)
    later = TODAY + timedelta(days=100)
    spec = account_spec(loaded, later)
    assert spec["today"] == later.isoformat()
    assert spec["subscriptions"][0]["renewal_date"] == (later + timedelta(days=30)).isoformat()
