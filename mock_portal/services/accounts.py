"""Create accounts, users, CSNs and subscriptions from a validated spec: the one path for tests, API and demo."""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from faker import Faker
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from ..addresses import AddressError, mailbox
from ..catalog import products, tax_rates
from ..config import DATE_FORM, calendar_date
from ..i18n import DEFAULT_LOCALE, LOCALES
from ..models import Account, Csn, Subscription, User
from ..rules.money import CURRENCY_EXPONENTS
from ..rules.payment import PAYMENT_METHODS, is_manual_only
from ..rules.terms import TERMS, add_term, anchor_fits, on_anchor

MAX_SUBSCRIPTIONS = 10_000
MAX_USERS = 20
MAX_SEATS = 10_000
MAX_DAYS = 3650
STATUSES = ("active", "expired", "cancelled")
EURO_COUNTRIES = frozenset({"AT", "BE", "DE", "ES", "FI", "FR", "GR", "IE", "IT", "LU", "NL", "PT"})
COUNTRY_CURRENCIES = {"US": "USD", "GB": "GBP", "JP": "JPY"} | dict.fromkeys(EURO_COUNTRIES, "EUR")
# Fast enough to create hundreds of accounts in a test run; these are throwaway test credentials.
PASSWORD_METHOD = "pbkdf2:sha256:50000"
PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CREATE_ATTEMPTS = 3

ACCOUNT_FIELDS = frozenset({"name", "country", "today", "users", "subscriptions"})
USER_FIELDS = frozenset({"email", "password", "name", "locale"})
SUBSCRIPTION_FIELDS = frozenset(
    {
        "product", "csn", "country", "currency", "payment_method", "term", "seats", "status",
        "auto_renew", "renewal_date", "renewal_in_days", "renewed", "anchor_day",
    }
)  # fmt: skip

_CSN = re.compile(r"[0-9]{10}")  # not \d: that takes any script's digits
# The OpenAPI document's outline of an address; the rule itself is addresses.mailbox (email-validator's).
EMAIL_PATTERN = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+"


class SpecError(ValueError):
    """A spec that can't be created; `field` is where (e.g. `subscriptions[3].currency`), the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class CreatedUser:
    """A user as created, with the password in clear so a test can sign in."""

    email: str
    password: str
    name: str
    locale: str = DEFAULT_LOCALE  # the language of the user's pages and emails


@dataclass(frozen=True)
class CreatedSubscription:
    """A subscription as stored."""

    number: str
    product: str
    product_name: str
    csn: str
    currency: str
    payment_method: str
    term: str
    seats: int
    status: str
    auto_renew: bool
    renewal_date: date
    renewed_through: date | None
    anchor_day: int  # the day of the month the anniversary keeps (see rules.terms.add_term)


@dataclass(frozen=True)
class CreatedAccount:
    """What was created: the account, its CSNs, users and subscriptions (in the spec's order)."""

    id: int
    name: str
    country: str
    today: date | None
    csns: list[str]
    users: list[CreatedUser]
    subscriptions: list[CreatedSubscription] = field(repr=False)


def default_currency(country: str) -> str:
    """The currency a customer in `country` pays in (USD where the catalog has no local currency)."""
    return COUNTRY_CURRENCIES.get(country, "USD")


# --- validation: plain Python, each error naming the field, the bad value and what is allowed -------------


def _object(value: Any, where: str, allowed: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SpecError(where or "body", f"must be a JSON object, got {_show(value)}")
    for key in value:
        if key not in allowed:
            raise SpecError(
                _join(where, str(key)), f"unknown field; allowed fields are {', '.join(sorted(allowed))}"
            )
    return value


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, bool | None) else {True: "true", False: "false", None: "null"}[value]
    return text if len(text) <= 60 else text[:57] + "..."


def _choice(value: Any, where: str, allowed: Iterable[str]) -> str:
    options = sorted(allowed)
    if isinstance(value, str) and value in options:
        return value
    raise SpecError(where, f"{_show(value)} is not allowed; use one of {', '.join(options)}")


def _integer(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON has one number type: 3.0 is the integer 3
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    raise SpecError(where, f"{_show(value)} is not allowed; use a whole number from {low} to {high}")


def _boolean(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    raise SpecError(where, f"{_show(value)} is not allowed; use true or false")


def parse_date(value: Any, where: str) -> date:
    """A "YYYY-MM-DD" string in config's date span (the one PORTAL_TODAY takes), or a SpecError naming `where`."""
    parsed = calendar_date(value)
    if parsed is None:
        raise SpecError(where, f"{_show(value)} is not a date; use {DATE_FORM}")
    return parsed


def _is_text(value: Any) -> bool:
    """A str the database can store: JSON may carry lone surrogates ("\\ud800"), which UTF-8 can't encode."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _string(value: Any, where: str, max_length: int) -> str:
    if _is_text(value) and value.strip() and len(value) <= max_length:
        return str(value).strip()
    raise SpecError(where, f"{_show(value)} is not allowed; use a non-empty string of at most {max_length} characters")


@dataclass
class _UserSpec:
    email: str | None
    password: str | None
    name: str | None
    locale: str


@dataclass
class _SubSpec:
    index: int
    product: str | None
    csn: str | None
    country: str | None
    currency: str | None
    payment_method: str | None
    term: str | None
    seats: int | None
    status: str | None
    auto_renew: bool | None
    renewal_date: date | None
    renewal_in_days: int | None
    renewed: bool
    anchor_day: int | None


def _parse_user(raw: Any, where: str) -> _UserSpec:
    spec = _object(raw, where, USER_FIELDS)
    email = spec.get("email")
    if email is not None:
        email = _parse_email(email, f"{where}.email")
    password = spec.get("password")
    if password is not None:
        _string(password, f"{where}.password", 200)  # refuses blank; the spaces a person typed are kept
    name = spec.get("name")
    locale = spec.get("locale")
    return _UserSpec(
        email,
        password,
        None if name is None else _string(name, f"{where}.name", 200),
        DEFAULT_LOCALE if locale is None else _choice(locale, f"{where}.locale", LOCALES),
    )


def _parse_email(value: Any, where: str) -> str:
    """Exactly one mailbox, kept as given: a stored address is later one SMTP recipient, never a list."""
    if not _is_text(value):
        raise SpecError(where, f"{_show(value)} is not an email address; use one address such as name@example.com")
    try:
        return mailbox(value)
    except AddressError as exc:
        reason = str(exc).rstrip(".")
        raise SpecError(
            where, f"{_show(value)} is not one email address ({reason}); use one address such as name@example.com"
        ) from None


def _parse_subscription(raw: Any, index: int) -> _SubSpec:
    where = f"subscriptions[{index}]"
    spec = _object(raw, where, SUBSCRIPTION_FIELDS)

    def get(key: str, parse: Callable[[Any, str], Any]) -> Any:
        value = spec.get(key)
        return None if value is None else parse(value, f"{where}.{key}")

    if spec.get("renewal_date") is not None and spec.get("renewal_in_days") is not None:
        raise SpecError(
            f"{where}.renewal_date",
            "renewal_date and renewal_in_days are mutually exclusive; give one of them "
            f"(got {_show(spec['renewal_date'])} and {_show(spec['renewal_in_days'])})",
        )
    parsed = _SubSpec(
        index=index,
        product=get("product", lambda v, w: _choice(v, w, products())),
        csn=get("csn", _parse_csn),
        country=get("country", _parse_country),
        currency=get("currency", lambda v, w: _choice(v, w, CURRENCY_EXPONENTS)),
        payment_method=get("payment_method", lambda v, w: _choice(v, w, PAYMENT_METHODS)),
        term=get("term", lambda v, w: _choice(v, w, TERMS)),
        seats=get("seats", lambda v, w: _integer(v, w, 1, MAX_SEATS)),
        status=get("status", lambda v, w: _choice(v, w, STATUSES)),
        auto_renew=get("auto_renew", _boolean),
        renewal_date=get("renewal_date", parse_date),
        renewal_in_days=get("renewal_in_days", lambda v, w: _integer(v, w, -MAX_DAYS, MAX_DAYS)),
        renewed=bool(get("renewed", _boolean)),
        anchor_day=get("anchor_day", lambda v, w: _integer(v, w, 1, 31)),
    )
    if parsed.auto_renew and parsed.payment_method and is_manual_only(parsed.payment_method):
        raise SpecError(
            f"{where}.auto_renew",
            f"true is not allowed with payment_method {parsed.payment_method!r}: Konbini and ATM bank transfer "
            "can't renew automatically (R4); set auto_renew to false or choose another payment method",
        )
    return parsed


def _parse_csn(value: Any, where: str) -> str:
    if isinstance(value, str) and _CSN.fullmatch(value):
        return value
    raise SpecError(where, f"{_show(value)} is not a CSN; use a string of exactly 10 digits")


def _parse_country(value: Any, where: str) -> str:
    return _choice(value, where, tax_rates())


# --- generation ---------------------------------------------------------------------------------------------


class _Generator:
    """Unique-looking data from one RNG and one Faker, so a seeded pair gives the same account every time."""

    def __init__(self, rng: random.Random, fake: Faker) -> None:
        self.rng, self.fake = rng, fake

    def csn(self) -> str:
        return str(self.rng.randrange(10**9, 10**10))

    def subscription_number(self) -> str:
        return str(self.rng.randrange(10**11, 10**12))

    def password(self) -> str:
        return "".join(self.rng.choice(PASSWORD_ALPHABET) for _ in range(16))

    def person(self) -> tuple[str, str]:
        first, last = self.fake.first_name(), self.fake.last_name()
        local = ".".join(re.sub(r"[^a-z]", "", part.lower()) or "user" for part in (first, last))
        return f"{first} {last}", f"{local}.{self.rng.getrandbits(24):06x}@example.com"


_default_fake: Faker | None = None
_default_fake_lock = threading.Lock()


def _shared_fake() -> Faker:
    global _default_fake
    with _default_fake_lock:
        if _default_fake is None:
            _default_fake = Faker("en_US")  # building one costs ~60 ms; share it
        return _default_fake


def create_account(
    db: Session,
    spec: Any,
    *,
    default_today: date | None = None,
    rng: random.Random | None = None,
    fake: Faker | None = None,
) -> CreatedAccount:
    """Validate `spec` (the test API's JSON body), fill the gaps with unique data, insert and commit it.

    `default_today` is the portal's today, used when the spec has no "today" of its own. Pass a seeded `rng`
    and `fake` for a reproducible account (the demo); by default numbers come from the OS's randomness, so
    parallel test workers don't collide. Raises SpecError for a bad spec; nothing is written then.
    """
    body = _object(spec, "", ACCOUNT_FIELDS)
    name = None if body.get("name") is None else _string(body["name"], "name", 200)
    country = "US" if body.get("country") is None else _parse_country(body["country"], "country")
    clock = None if body.get("today") is None else parse_date(body["today"], "today")
    users_raw = body.get("users")
    if users_raw is not None and not (isinstance(users_raw, list) and 1 <= len(users_raw) <= MAX_USERS):
        raise SpecError("users", f"must be a list of 1 to {MAX_USERS} users, got {_show(users_raw)}")
    user_specs = [_parse_user(u, f"users[{i}]") for i, u in enumerate(users_raw or [{}])]
    subs_raw = body.get("subscriptions")
    if subs_raw is None:
        subs_raw = []
    if not isinstance(subs_raw, list) or len(subs_raw) > MAX_SUBSCRIPTIONS:
        shown = f"{len(subs_raw)} items" if isinstance(subs_raw, list) else _show(subs_raw)
        raise SpecError("subscriptions", f"must be a list of at most {MAX_SUBSCRIPTIONS} subscriptions, got {shown}")
    sub_specs = [_parse_subscription(s, i) for i, s in enumerate(subs_raw)]
    _check_duplicate_emails(user_specs)
    csn_country = _given_csns(sub_specs, country)

    gen = _Generator(rng or random.SystemRandom(), fake or _shared_fake())
    today = clock or default_today or date.today()
    _check_anchors(sub_specs, today)
    # Generated values are decided once, so a retry after a collision with a concurrent writer is the same
    # account apart from the numbers that collided.
    company = name or gen.fake.company()
    people = [gen.person() for _ in user_specs]
    passwords = [u.password or gen.password() for u in user_specs]
    for attempt in range(CREATE_ATTEMPTS):
        try:
            return _insert(
                db, gen, company, country, clock, today, user_specs, people, passwords, sub_specs, dict(csn_country)
            )
        except IntegrityError:
            db.rollback()
            if attempt == CREATE_ATTEMPTS - 1:
                raise
        except BaseException:
            db.rollback()
            raise
    raise AssertionError("unreachable")


def _check_duplicate_emails(user_specs: list[_UserSpec]) -> None:
    seen: set[str] = set()
    for i, user in enumerate(user_specs):
        if user.email is None:
            continue
        if user.email.lower() in seen:
            raise SpecError(f"users[{i}].email", f"{user.email!r} appears twice; give each user its own email")
        seen.add(user.email.lower())


def _insert(
    db: Session,
    gen: _Generator,
    company: str,
    country: str,
    clock: date | None,
    today: date,
    user_specs: list[_UserSpec],
    people: list[tuple[str, str]],
    passwords: list[str],
    sub_specs: list[_SubSpec],
    csn_country: dict[str, str],
) -> CreatedAccount:
    account = Account(name=company, country=country, today=clock)
    db.add(account)
    db.flush()  # takes SQLite's write lock, so the uniqueness checks below hold until commit

    emails = [u.email or person[1] for u, person in zip(user_specs, people, strict=True)]
    taken = _existing(db, func.lower(User.email), [e.lower() for e in emails])
    for i, (user, email) in enumerate(zip(user_specs, emails, strict=True)):
        if email.lower() in taken:
            if user.email is not None:
                raise SpecError(f"users[{i}].email", f"{email!r} is already in use; choose another email or omit it")
            emails[i] = gen.person()[1]
    users = [
        CreatedUser(email, password, spec.name or person[0], spec.locale)
        for spec, email, password, person in zip(user_specs, emails, passwords, people, strict=True)
    ]
    db.add_all(
        User(
            account_id=account.id,
            email=u.email,
            name=u.name,
            password_hash=generate_password_hash(u.password, method=PASSWORD_METHOD),
            locale=u.locale,
        )
        for u in users
    )

    _assign_csns(db, gen, country, sub_specs, csn_country)
    subs = _build_subscriptions(db, gen, account.id, today, csn_country, sub_specs)
    db.add_all(Csn(number=n, account_id=account.id, country=c) for n, c in csn_country.items())
    db.flush()
    if subs:
        db.execute(insert(Subscription), [_row(account.id, s) for s in subs])
    db.commit()
    return CreatedAccount(account.id, company, country, clock, list(csn_country), users, subs)


def _renewal_date(sub: _SubSpec, today: date) -> date:
    if sub.renewal_date is not None:
        return sub.renewal_date
    return today + timedelta(days=30 if sub.renewal_in_days is None else sub.renewal_in_days)


def _check_anchors(sub_specs: list[_SubSpec], today: date) -> None:
    """A renewal date must be its anchor day clamped to its month: 2029-02-28 may keep the 29th, 30th or 31st."""
    for sub in sub_specs:
        if sub.anchor_day is None:
            continue
        renewal = _renewal_date(sub, today)
        if not anchor_fits(renewal, sub.anchor_day):
            fitting = [day for day in range(renewal.day, 32) if anchor_fits(renewal, day)]
            allowed = str(fitting[0]) if len(fitting) == 1 else f"{fitting[0]} to {fitting[-1]}"
            raise SpecError(
                f"subscriptions[{sub.index}].anchor_day",
                f"{sub.anchor_day} is not allowed with renewal date {renewal.isoformat()}: the renewal date must be the "
                f"anchor day clamped to its month, and day {sub.anchor_day} of that month is "
                f"{on_anchor(renewal.year, renewal.month, sub.anchor_day).isoformat()}; use {allowed}, or omit it",
            )


def _given_csns(sub_specs: list[_SubSpec], country: str) -> dict[str, str]:
    """The CSNs the spec names, in order, with their countries (a subscription's country, else the account's)."""
    csn_country: dict[str, str] = {}
    for sub in sub_specs:
        if sub.csn is None:
            continue
        wanted = sub.country or csn_country.get(sub.csn, country)
        if csn_country.setdefault(sub.csn, wanted) != wanted:
            raise SpecError(
                f"subscriptions[{sub.index}].country",
                f"{wanted!r} conflicts with CSN {sub.csn}'s country {csn_country[sub.csn]!r}; one CSN has one country",
            )
    return csn_country


def _assign_csns(
    db: Session, gen: _Generator, country: str, sub_specs: list[_SubSpec], csn_country: dict[str, str]
) -> None:
    """Refuse CSNs of other accounts and give every subscription a CSN; `csn_country` gains the new ones."""
    foreign = _existing(db, Csn.number, list(csn_country))
    for sub in sub_specs:
        if sub.csn in foreign:
            raise SpecError(
                f"subscriptions[{sub.index}].csn",
                f"CSN {sub.csn} belongs to another account; omit csn or choose a new 10-digit number",
            )
    # Subscriptions without a CSN share the account's first CSN of their country (made up if there is none).
    shared: dict[str, str] = {}
    for number, land in csn_country.items():
        shared.setdefault(land, number)
    for sub in sub_specs:
        if sub.csn is None:
            land = sub.country or country
            if land not in shared:
                shared[land] = _fresh(db, Csn.number, gen.csn, 1, set(csn_country))[0]
                csn_country[shared[land]] = land
            sub.csn = shared[land]
    if not csn_country:
        csn_country[_fresh(db, Csn.number, gen.csn, 1, set())[0]] = country


def _build_subscriptions(
    db: Session,
    gen: _Generator,
    account_id: int,
    today: date,
    csn_country: dict[str, str],
    sub_specs: list[_SubSpec],
) -> list[CreatedSubscription]:
    sold = sorted(code for code, p in products().items() if p.sold)
    numbers = _fresh(db, Subscription.number, gen.subscription_number, len(sub_specs), set())
    rng = gen.rng
    created = []
    for sub, number in zip(sub_specs, numbers, strict=True):
        assert sub.csn is not None
        term = sub.term or "annual"
        method = sub.payment_method or "credit_card"
        renewal = _renewal_date(sub, today)
        anchor = renewal.day if sub.anchor_day is None else sub.anchor_day
        code = sub.product or rng.choice(sold)
        created.append(
            CreatedSubscription(
                number=number,
                product=code,
                product_name=products()[code].name,
                csn=sub.csn,
                currency=sub.currency or default_currency(csn_country[sub.csn]),
                payment_method=method,
                term=term,
                seats=sub.seats if sub.seats is not None else rng.randint(1, 10),
                status=sub.status or "active",
                auto_renew=bool(sub.auto_renew),
                renewal_date=renewal,
                renewed_through=add_term(renewal, term, anchor) if sub.renewed else None,
                anchor_day=anchor,
            )
        )
    return created


def _row(account_id: int, sub: CreatedSubscription) -> dict[str, Any]:
    return {
        "number": sub.number,
        "account_id": account_id,
        "csn": sub.csn,
        "product_code": sub.product,
        "currency": sub.currency,
        "payment_method": sub.payment_method,
        "term": sub.term,
        "seats": sub.seats,
        "renewal_date": sub.renewal_date,
        "renewed_through": sub.renewed_through,
        "anchor_day": sub.anchor_day,
        "auto_renew": sub.auto_renew,
        "status": sub.status,
    }


_CHUNK = 500  # well under SQLite's limit on bound parameters


def _existing(db: Session, column: Any, values: list[str]) -> set[str]:
    """Which of `values` the column already holds, in a few queries."""
    found: set[str] = set()
    for start in range(0, len(values), _CHUNK):
        found.update(db.scalars(select(column).where(column.in_(values[start : start + _CHUNK]))))
    return found


def _fresh(db: Session, column: Any, make: Callable[[], str], count: int, avoid: set[str]) -> list[str]:
    """`count` new values unused in the column and in `avoid`, checked against the database in bulk."""
    chosen: list[str] = []
    used = set(avoid)
    while len(chosen) < count:
        batch: list[str] = []
        while len(batch) < count - len(chosen):
            value = make()
            if value not in used:
                used.add(value)
                batch.append(value)
        taken = _existing(db, column, batch)
        chosen += [v for v in batch if v not in taken]
    return chosen
