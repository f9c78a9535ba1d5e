"""The account of a scenario as the JSON the test-control API (`POST /__test__/accounts`) takes, made the same for
the same scenario, seed and today."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from .account import FixtureAccount, demo_fixture, inline
from .model import Scenario


def csn_numbers(scenario: Scenario) -> dict[str, str]:
    """Each CSN label's 10-digit CSN, drawn from the seed (for the demo fixture: the numbers the built-in demo gets)."""
    account = inline(scenario.account)
    labels = list(account.csns) + [s.csn for s in account.subscriptions if s.csn not in account.csns]
    rng = random.Random(scenario.seed)
    numbers: dict[str, str] = {}
    for label in dict.fromkeys(labels):
        number = str(rng.randrange(10**9, 10**10))
        while number in numbers.values():  # two labels must never share a CSN
            number = str(rng.randrange(10**9, 10**10))
        numbers[label] = number
    return numbers


def subscription_names(scenario: Scenario) -> list[str]:
    """The name of each subscription account_spec creates, in the order the API creates (and returns) them."""
    return [s.name for s in inline(scenario.account).subscriptions for _ in range(s.count)]


def sign_in(scenario: Scenario) -> tuple[str, str]:
    """The email and password of the scenario's user."""
    if isinstance(scenario.account, FixtureAccount):
        demo = demo_fixture()
        return demo.email, demo.password
    return f"{scenario.name}@demo.example", f"Renew-{scenario.seed}"


def account_spec(scenario: Scenario, today: date) -> dict[str, Any]:
    """The body of `POST /__test__/accounts` for the scenario's account, its renewal dates counted from `today`."""
    account = inline(scenario.account)
    numbers = csn_numbers(scenario)
    email, password = sign_in(scenario)
    subscriptions: list[dict[str, Any]] = []
    for sub in account.subscriptions:
        one = {
            "product": sub.product,
            "csn": numbers[sub.csn],
            "country": account.csns.get(sub.csn, account.country),
            "currency": sub.currency,
            "payment_method": sub.payment_method,
            "term": sub.term,
            "seats": sub.seats,
            "status": sub.status,
            "auto_renew": sub.auto_renew,
            "renewed": sub.renewed,
            "renewal_date": (today + timedelta(days=sub.renewal_in_days)).isoformat(),
        }
        subscriptions.extend(dict(one) for _ in range(sub.count))
    return {
        "country": account.country,
        "today": today.isoformat(),
        "users": [{"email": email, "password": password, "locale": scenario.locale}],
        "subscriptions": subscriptions,
    }
