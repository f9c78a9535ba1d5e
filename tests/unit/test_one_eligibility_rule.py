"""One rule for who may renew and which status shows: the bulk page, its Select all and the list's status filter
(SQL narrows, then the rules decide each row) agree with the check of each subscription on its own (describe), on
every row of a mixed account, on days at both window edges of its renewal dates and of its paid terms' ends."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mock_portal import create_app
from mock_portal.db import new_session
from mock_portal.models import Account, Subscription, User
from mock_portal.rules.eligibility import CLOSES_DAYS_AFTER, OPENS_DAYS_BEFORE
from mock_portal.rules.grouping import GroupKey
from mock_portal.rules.terms import add_term
from mock_portal.services.bulk import MOST_PER_GROUP, eligible_groups, selection, selection_size
from mock_portal.services.cart import add_to_cart
from mock_portal.services.listing import MAX_PER_PAGE, STATUSES, ListFilter, list_page
from mock_portal.services.orders import place_orders
from mock_portal.services.subscriptions import SubscriptionView, describe_all, owned_subscriptions
from mock_portal.testing.answers import CreatedAccount
from mock_portal.testing.storage import create_account

BASE = date(2027, 6, 15)
OFFSETS = [-200, -47, -46, -45, -44, -1, 0, 0, 0, 1, 89, 90, 91, 92, 300]  # renewal dates around BASE's window edges
# Days when some row's date in force sits on an edge of its window: the renewal date BASE (many rows have it) and the
# ends of terms paid from it, which are in force once today passes BASE; then one day either side of each edge.
IN_FORCE = [BASE, add_term(BASE, "annual"), add_term(BASE, "three_year")]
EDGES = [-OPENS_DAYS_BEFORE - 1, -OPENS_DAYS_BEFORE, 0, CLOSES_DAYS_AFTER, CLOSES_DAYS_AFTER + 1]
TODAYS = sorted({d + timedelta(days=k) for d in IN_FORCE for k in EDGES} | {BASE - timedelta(days=400)})
AWAITING = 6  # Konbini subscriptions renewed on BASE and not yet paid


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """One portal database for the module, inside an app context: its tests only read the one account below."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('one-rule')}/p.db"})
    with app.test_request_context():
        session = new_session(app)
        yield session
        session.close()
    app.extensions["db_sessionmaker"].kw["bind"].dispose()


@pytest.fixture(scope="module")
def mixed_account(db: Session) -> CreatedAccount:
    """300 subscriptions of every kind (dates around the window edges, terms, statuses, retired products, paid terms,
    three currencies and payment methods), a few of them with a Konbini order awaiting payment."""
    rng = random.Random(20270615)
    subs = [
        {
            "renewal_date": (BASE + timedelta(days=rng.choice(OFFSETS))).isoformat(),
            "term": rng.choice(["annual", "annual", "three_year", "monthly"]),
            "status": rng.choice(["active", "active", "active", "expired", "cancelled"]),
            "product": rng.choice(["ACD", "RVT", "ACDLT"]),
            "renewed": rng.random() < 0.25,
            "country": country,
            "payment_method": rng.choice(methods),
        }
        for country, methods in [("US", ["credit_card", "paypal"]), ("GB", ["direct_debit"])]
        for _ in range(150 - AWAITING // 2)
    ]
    subs += [{"country": "JP", "payment_method": "konbini", "renewal_date": BASE.isoformat()} for _ in range(AWAITING)]
    account = create_account(db, {"today": BASE.isoformat(), "subscriptions": subs})
    konbini = [s.number for s in account.subscriptions if s.payment_method == "konbini"]
    add_to_cart(db, account.id, owned_subscriptions(db, account.id, konbini))
    user = db.scalar(select(User).where(User.account_id == account.id))
    assert user is not None
    place_orders(db, db.get_one(Account, account.id), user, renew_now=True)
    return account


def each_on_its_own(db: Session, account_id: int, today: date) -> dict[str, SubscriptionView]:
    """Every subscription as its own page, the cart and checkout see it."""
    subs = list(db.scalars(select(Subscription).where(Subscription.account_id == account_id)))
    return {v.number: v for v in describe_all(db, subs, today)}


def group_of(view: SubscriptionView) -> GroupKey:
    return GroupKey(view.sub.csn, view.sub.currency, view.sub.payment_method)


def test_the_account_holds_every_case(db: Session, mixed_account: CreatedAccount) -> None:
    views = each_on_its_own(db, mixed_account.id, BASE).values()
    reasons = {v.eligibility.reason for v in views}
    assert {None, "Cancelled", "No longer sold", "Renews automatically", "Already renewed through"} <= reasons
    assert {"Awaiting payment", "Renewal opens on", "Renewal closed on"} <= reasons, reasons
    assert {v.status for v in views} == set(STATUSES)


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_the_bulk_page_offers_exactly_the_subscriptions_each_ones_check_says_are_renewable(
    db: Session, mixed_account: CreatedAccount, today: date
) -> None:
    views = each_on_its_own(db, mixed_account.id, today)
    renewable = {n for n, v in views.items() if v.eligibility.eligible}

    groups = eligible_groups(db, mixed_account.id, today, ListFilter(), MOST_PER_GROUP)

    offered = {v.number for g in groups for v in g.views}
    assert offered == renewable, (
        f"on {today} the bulk page and each subscription's check disagree: offered but not renewable "
        f"{sorted(offered - renewable)}, renewable but not offered {sorted(renewable - offered)}"
    )
    expected_totals = Counter(group_of(views[n]) for n in renewable)
    assert {g.key: g.total for g in groups} == dict(expected_totals), "R7 group counts must count the renewable"
    assert [g.key for g in groups] == sorted(expected_totals), "groups come sorted by CSN, currency, payment method"
    every_group = [g.key for g in groups]
    assert selection_size(db, mixed_account.id, today, [], every_group) == len(renewable)
    assert {s.number for s in selection(db, mixed_account.id, today, sorted(views), [])} == renewable


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_the_status_filter_keeps_exactly_the_subscriptions_showing_that_status(
    db: Session, mixed_account: CreatedAccount, today: date
) -> None:
    views = each_on_its_own(db, mixed_account.id, today)
    for status in STATUSES:
        showing = {n for n, v in views.items() if v.status == status}

        rows, slice_ = list_page(db, mixed_account.id, today, ListFilter(status=status), 1, MAX_PER_PAGE)
        bulk = eligible_groups(db, mixed_account.id, today, ListFilter(status=status), MOST_PER_GROUP)
        on_bulk = {v.number for g in bulk for v in g.views}

        assert {s.number for s in rows} == showing and slice_.total == len(showing), f"status={status} on {today}"
        assert on_bulk == {n for n in showing if views[n].eligibility.eligible}, f"bulk status={status} on {today}"


def test_a_status_filtered_list_pages_through_its_rows_in_list_order(db: Session, mixed_account: CreatedAccount) -> None:
    today = BASE + timedelta(days=1)  # past BASE: expired rows and rolled paid terms alike
    whole, _ = list_page(db, mixed_account.id, today, ListFilter(status="expired"), 1, MAX_PER_PAGE)
    pages = [list_page(db, mixed_account.id, today, ListFilter(status="expired"), p, 7) for p in range(1, 40)]

    assert len(whole) > 14, "the case needs several pages"
    assert [s.number for rows, _ in pages[: pages[0][1].pages] for s in rows] == [s.number for s in whole]
    assert [(s.renewal_date, s.number) for s in whole] == sorted((s.renewal_date, s.number) for s in whole)
    past_the_end, last = pages[-1]
    assert last.page == last.pages and [s.number for s in past_the_end] == [s.number for s in pages[last.pages - 1][0]]
