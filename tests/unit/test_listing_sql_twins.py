"""The SQL filters of long lists agree with the pure rules they mirror (eligibility, status) on every row."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mock_portal.models import Subscription
from mock_portal.services.listing import eligible, status_is
from mock_portal.services.subscriptions import describe_all

BASE = date(2027, 6, 15)
OFFSETS = [-200, -47, -46, -45, -44, -1, 0, 1, 89, 90, 91, 92, 300]  # around both window edges


@pytest.fixture
def mixed_account(seed_account):  # type: ignore[no-untyped-def]
    """300 subscriptions spread over every case: dates around the window edges, terms, statuses, paid terms."""
    rng = random.Random(20270615)
    subs = [
        {
            "renewal_date": (BASE + timedelta(days=rng.choice(OFFSETS))).isoformat(),
            "term": rng.choice(["annual", "annual", "three_year", "monthly"]),
            "status": rng.choice(["active", "active", "active", "expired", "cancelled"]),
            "product": rng.choice(["ACD", "RVT", "ACDLT"]),
            "renewed": rng.random() < 0.25,
        }
        for _ in range(300)
    ]
    return seed_account(today=BASE.isoformat(), subscriptions=subs)


@pytest.mark.parametrize("shift", [-400, -45, -1, 0, 1, 46, 90, 366, 400])
def test_sql_eligibility_and_status_match_the_rules_for_every_row(db: Session, mixed_account, shift: int) -> None:  # type: ignore[no-untyped-def]
    today = BASE + timedelta(days=shift)
    subs = list(db.scalars(select(Subscription).where(Subscription.account_id == mixed_account.id)))
    views = {v.number: v for v in describe_all(db, subs, today)}
    in_sql = set(db.scalars(select(Subscription.number).where(Subscription.account_id == mixed_account.id, eligible(today))))
    assert in_sql == {n for n, v in views.items() if v.eligibility.eligible}, "SQL eligibility differs from R1 rules"
    for status in ("active", "expired", "cancelled"):
        matched = set(
            db.scalars(select(Subscription.number).where(Subscription.account_id == mixed_account.id, status_is(status, today)))
        )
        assert matched == {n for n, v in views.items() if v.status == status}, f"SQL status {status!r} differs"
