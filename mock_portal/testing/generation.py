"""Filling in what an account spec leaves out: made-up companies, people, passwords and numbers from one RNG and one
Faker (a seeded pair gives the same account every time), and the documented defaults."""

from __future__ import annotations

import random
import re
import threading
from datetime import date, timedelta
from functools import cache

from faker import Faker

from ..catalog import products
from ..i18n import DEFAULT_LOCALE
from ..rules.terms import add_term, anchor_fits, on_anchor
from .answers import CreatedSubscription, CreatedUser
from .fields import SpecError
from .spec import SubscriptionSpec, UserSpec

PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
EURO_COUNTRIES = frozenset({"AT", "BE", "DE", "ES", "FI", "FR", "GR", "IE", "IT", "LU", "NL", "PT"})
COUNTRY_CURRENCIES = {"US": "USD", "GB": "GBP", "JP": "JPY"} | dict.fromkeys(EURO_COUNTRIES, "EUR")


def default_currency(country: str) -> str:
    """The currency a customer in `country` pays in (USD where the catalog has no local currency)."""
    return COUNTRY_CURRENCIES.get(country, "USD")


class Generator:
    """Unique-looking data from one RNG and one Faker, so a seeded pair gives the same account every time."""

    def __init__(self, rng: random.Random, fake: Faker) -> None:
        self.rng, self.fake = rng, fake

    def csn(self) -> str:
        """A 10-digit customer number."""
        return str(self.rng.randrange(10**9, 10**10))

    def subscription_number(self) -> str:
        """A 12-digit subscription number."""
        return str(self.rng.randrange(10**11, 10**12))

    def password(self) -> str:
        """A 16-character password without look-alike characters."""
        return "".join(self.rng.choice(PASSWORD_ALPHABET) for _ in range(16))

    def person(self) -> tuple[str, str]:
        """A person's name and an address made from it that no one else has (example.com)."""
        first, last = self.fake.first_name(), self.fake.last_name()
        local = ".".join(re.sub(r"[^a-z]", "", part.lower()) or "user" for part in (first, last))
        return f"{first} {last}", f"{local}.{self.rng.getrandbits(24):06x}@example.com"

    def users(self, specs: list[UserSpec]) -> list[CreatedUser]:
        """The users of `specs`, with a made-up person (name, email) and password wherever one is left out."""
        people = [self.person() for _ in specs]
        passwords = [spec.password or self.password() for spec in specs]
        return [
            CreatedUser(
                email=spec.email or email,
                password=password,
                name=spec.name or name,
                locale=spec.locale or DEFAULT_LOCALE,
            )
            for spec, (name, email), password in zip(specs, people, passwords, strict=True)
        ]

    def subscription(self, spec: SubscriptionSpec, number: str, csn: str, country: str, today: date) -> CreatedSubscription:
        """The subscription `spec` describes, stored as `number` under `csn` (of `country`), with its defaults."""
        term = spec.term or "annual"
        renewal = renewal_date(spec, today)
        anchor = renewal.day if spec.anchor_day is None else spec.anchor_day
        code = spec.product or self.rng.choice(_sold())
        return CreatedSubscription(
            number=number,
            product=code,
            product_name=products()[code].name,
            csn=csn,
            currency=spec.currency or default_currency(country),
            payment_method=spec.payment_method or "credit_card",
            term=term,
            seats=spec.seats if spec.seats is not None else self.rng.randint(1, 10),
            status=spec.status or "active",
            auto_renew=bool(spec.auto_renew),
            renewal_date=renewal,
            renewed_through=add_term(renewal, term, anchor) if spec.renewed else None,
            anchor_day=anchor,
        )


@cache
def _sold() -> list[str]:
    return sorted(code for code, p in products().items() if p.sold)


_default_fake: Faker | None = None
_default_fake_lock = threading.Lock()


def shared_fake() -> Faker:
    """The process's Faker for unseeded accounts (building one costs ~60 ms)."""
    global _default_fake
    with _default_fake_lock:
        if _default_fake is None:
            _default_fake = Faker("en_US")
        return _default_fake


def renewal_date(spec: SubscriptionSpec, today: date) -> date:
    """The anniversary the spec asks for: its date, else `today` plus its days (default 30)."""
    if spec.renewal_date is not None:
        return spec.renewal_date
    return today + timedelta(days=30 if spec.renewal_in_days is None else spec.renewal_in_days)


def check_anchors(specs: list[SubscriptionSpec], today: date) -> None:
    """A renewal date must be its anchor day clamped to its month: 2029-02-28 may keep the 29th, 30th or 31st."""
    for index, spec in enumerate(specs):
        if spec.anchor_day is None:
            continue
        renewal = renewal_date(spec, today)
        if not anchor_fits(renewal, spec.anchor_day):
            fitting = [day for day in range(renewal.day, 32) if anchor_fits(renewal, day)]
            allowed = str(fitting[0]) if len(fitting) == 1 else f"{fitting[0]} to {fitting[-1]}"
            raise SpecError(
                f"subscriptions[{index}].anchor_day",
                f"{spec.anchor_day} is not allowed with renewal date {renewal.isoformat()}: the renewal date must be the "
                f"anchor day clamped to its month, and day {spec.anchor_day} of that month is "
                f"{on_anchor(renewal.year, renewal.month, spec.anchor_day).isoformat()}; use {allowed}, or omit it",
            )
