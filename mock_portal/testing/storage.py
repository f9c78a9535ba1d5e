"""Create accounts, users, CSNs and subscriptions from a spec: the one path for tests, the test API and the demo.
The spec is checked (spec), what it leaves out made up (generation), then everything is inserted in one transaction."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from typing import Any

from faker import Faker
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from ..models import Account, Csn, Subscription, User
from ..security import PASSWORD_METHOD
from .answers import CreatedAccount, CreatedSubscription, CreatedUser
from .fields import SpecError, parse
from .generation import Generator, check_anchors, shared_fake
from .spec import DEFAULT_COUNTRY, AccountSpec, SubscriptionSpec, UserSpec

CREATE_ATTEMPTS = 3
_CHUNK = 500  # well under SQLite's limit on bound parameters


def create_account(
    db: Session,
    spec: AccountSpec | Any,
    *,
    default_today: date | None = None,
    rng: random.Random | None = None,
    fake: Faker | None = None,
) -> CreatedAccount:
    """Check `spec` (an AccountSpec, or the test API's JSON body), fill the gaps with unique data, insert and commit it.

    `default_today` is the portal's today, used when the spec has no "today" of its own. Pass a seeded `rng`
    and `fake` for a reproducible account (the demo); by default numbers come from the OS's randomness, so
    parallel test workers don't collide. Raises SpecError for a bad spec; nothing is written then.
    """
    account = spec if isinstance(spec, AccountSpec) else parse(AccountSpec, spec)
    gen = Generator(rng or random.SystemRandom(), fake or shared_fake())
    today = account.today or default_today or date.today()
    check_anchors(account.subscriptions or [], today)
    # Generated values are decided once, so a retry after a collision with a concurrent writer is the same
    # account apart from the numbers that collided.
    company = account.name or gen.fake.company()
    user_specs = account.users or [UserSpec()]
    users = gen.users(user_specs)
    for attempt in range(CREATE_ATTEMPTS):
        try:
            return _insert(db, gen, account, company, today, user_specs, users)
        except IntegrityError:
            db.rollback()
            if attempt == CREATE_ATTEMPTS - 1:
                raise
        except BaseException:
            db.rollback()
            raise
    raise AssertionError("unreachable")


def _insert(
    db: Session,
    gen: Generator,
    spec: AccountSpec,
    company: str,
    today: date,
    user_specs: list[UserSpec],
    users: list[CreatedUser],
) -> CreatedAccount:
    country = spec.country or DEFAULT_COUNTRY
    account = Account(name=company, country=country, today=spec.today)
    db.add(account)
    db.flush()  # takes SQLite's write lock, so the uniqueness checks below hold until commit

    users = _unused_emails(db, gen, user_specs, users)
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
    sub_specs = spec.subscriptions or []
    csn_country = spec.csn_countries()
    csns = _assign_csns(db, gen, country, sub_specs, csn_country)
    numbers = _fresh(db, Subscription.number, gen.subscription_number, len(sub_specs), set())
    subs = [
        gen.subscription(sub, number, csn, csn_country[csn], today)
        for sub, number, csn in zip(sub_specs, numbers, csns, strict=True)
    ]
    db.add_all(Csn(number=n, account_id=account.id, country=c) for n, c in csn_country.items())
    db.flush()
    if subs:
        db.execute(insert(Subscription), [_row(account.id, s) for s in subs])
    db.commit()
    return CreatedAccount(
        id=account.id, name=company, country=country, today=spec.today, csns=list(csn_country), users=users, subscriptions=subs
    )


def _unused_emails(db: Session, gen: Generator, specs: list[UserSpec], users: list[CreatedUser]) -> list[CreatedUser]:
    """Refuse a given email already in use; a made-up one that is taken is made up again."""
    taken = _existing(db, func.lower(User.email), [u.email.lower() for u in users])
    kept = []
    for i, (spec, user) in enumerate(zip(specs, users, strict=True)):
        if user.email.lower() in taken:
            if spec.email is not None:
                raise SpecError(f"users[{i}].email", f"{user.email!r} is already in use; choose another email or omit it")
            user = user.model_copy(update={"email": gen.person()[1]})
        kept.append(user)
    return kept


def _assign_csns(
    db: Session, gen: Generator, country: str, specs: list[SubscriptionSpec], csn_country: dict[str, str]
) -> list[str]:
    """Each subscription's CSN; refuses CSNs of other accounts, and `csn_country` gains the new ones."""
    foreign = _existing(db, Csn.number, list(csn_country))
    for index, sub in enumerate(specs):
        if sub.csn in foreign:
            raise SpecError(
                f"subscriptions[{index}].csn",
                f"CSN {sub.csn} belongs to another account; omit csn or choose a new 10-digit number",
            )
    # Subscriptions without a CSN share the account's first CSN of their country (made up if there is none).
    shared: dict[str, str] = {}
    for number, land in csn_country.items():
        shared.setdefault(land, number)
    csns = []
    for sub in specs:
        land = sub.country or country
        if sub.csn is None and land not in shared:
            shared[land] = _fresh(db, Csn.number, gen.csn, 1, set(csn_country))[0]
            csn_country[shared[land]] = land
        csns.append(sub.csn or shared[land])
    if not csn_country:
        csn_country[_fresh(db, Csn.number, gen.csn, 1, set())[0]] = country
    return csns


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
