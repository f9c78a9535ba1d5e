"""The demo account: the same company, people and numbers on every run, from `fixtures/demo_scenario.json`."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from faker import Faker
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .catalog import FIXTURES_DIR
from .clock import portal_today
from .i18n import LOCALES
from .models import Subscription, User
from .testing.fields import SpecError
from .testing.storage import create_account

SCENARIO_PATH = FIXTURES_DIR / "demo_scenario.json"
_SCENARIO_ONLY = ("case", "expect_reason")  # describe the demo; not part of the account spec


@dataclass(frozen=True)
class DemoAccount:
    """How to sign in to the demo, and which subscription plays which part."""

    email: str
    password: str
    account_id: int
    company: str
    csns: dict[str, str] = field(default_factory=dict)  # scenario letter → CSN
    subscriptions: dict[str, str] = field(default_factory=dict)  # case → subscription number
    expected_reasons: dict[str, str | None] = field(default_factory=dict)  # case → start of the reason shown


def load_scenario(path: Path | None = None) -> dict[str, Any]:
    """The demo scenario as written in the fixture file."""
    return dict(json.loads((path or SCENARIO_PATH).read_text(encoding="utf-8")))


def seed_demo(
    db: Session,
    scenario_path: Path | None = None,
    today: date | None = None,
    seed: int | None = None,
    locale: str | None = None,
) -> DemoAccount:
    """Create the demo account (once: an existing one is returned as it is, speaking `locale` if one is given).
    Needs an app context for today.

    `seed` replaces the scenario's seed: other made-up names and numbers, the same cases. `locale` (en, fr, ja) is the
    language of the demo user's pages and emails.
    """
    scenario = load_scenario(scenario_path)
    if seed is not None:
        scenario["seed"] = seed
    cases = [s["case"] for s in scenario["subscriptions"]]
    reasons = {s["case"]: s.get("expect_reason") for s in scenario["subscriptions"]}
    existing = db.scalar(select(User).where(func.lower(User.email) == scenario["email"].lower()))
    if existing is not None:
        if locale is not None and existing.locale != locale:
            if locale not in LOCALES:
                raise SpecError("users[0].locale", f"{locale!r} is not allowed; use one of {', '.join(sorted(LOCALES))}")
            existing.locale = locale
            db.commit()
        return _existing_demo(db, existing, scenario, cases, reasons)

    rng = random.Random(scenario["seed"])
    fake = Faker("en_US")
    fake.seed_instance(scenario["seed"])
    csns = {letter: str(rng.randrange(10**9, 10**10)) for letter in scenario["csns"]}
    spec = {
        "country": scenario["country"],
        "users": [{"email": scenario["email"], "password": scenario["password"]} | ({"locale": locale} if locale else {})],
        "subscriptions": [
            {k: v for k, v in sub.items() if k not in _SCENARIO_ONLY}
            | {"csn": csns[sub["csn"]], "country": scenario["csns"][sub["csn"]]}
            for sub in scenario["subscriptions"]
        ],
    }
    created = create_account(
        db, spec, default_today=today or portal_today(), rng=rng, fake=fake
    )
    return DemoAccount(
        email=scenario["email"],
        password=scenario["password"],
        account_id=created.id,
        company=created.name,
        csns=csns,
        subscriptions={case: sub.number for case, sub in zip(cases, created.subscriptions, strict=True)},
        expected_reasons=reasons,
    )


def _existing_demo(
    db: Session, user: User, scenario: dict[str, Any], cases: list[str], reasons: dict[str, str | None]
) -> DemoAccount:
    # Subscriptions were inserted in the scenario's order, so their ids follow it.
    subs = db.scalars(select(Subscription).where(Subscription.account_id == user.account_id).order_by(Subscription.id))
    by_case = dict(zip(cases, subs, strict=False))
    csns: dict[str, str] = {}
    for sub in scenario["subscriptions"]:
        if sub["case"] in by_case:
            csns.setdefault(sub["csn"], by_case[sub["case"]].csn)
    return DemoAccount(
        email=scenario["email"],
        password=scenario["password"],
        account_id=user.account_id,
        company=user.account.name,
        csns=csns,
        subscriptions={case: sub.number for case, sub in by_case.items()},
        expected_reasons=reasons,
    )
