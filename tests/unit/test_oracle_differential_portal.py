"""The harness's oracle (automation.rules) and the mock portal agree when the portal's own services do the work: generated
accounts (hypothesis) are created, judged and renewed twice, Konbini orders paid, and every verdict, date in force and
term end read back from the portal is the one the oracle expects."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from hypothesis import event, given, settings
from hypothesis import strategies as st
from oracle_vs_mock import anchors, as_verdict, on_anchor_day, years
from sqlalchemy import select
from sqlalchemy.orm import Session

from automation import rules as oracle
from mock_portal import create_app
from mock_portal.catalog import product, products
from mock_portal.db import new_session
from mock_portal.models import Account, Csn, Order, Subscription, User
from mock_portal.services.cart import add_to_cart
from mock_portal.services.orders import place_orders, record_payment
from mock_portal.services.subscriptions import describe_all
from mock_portal.testing.storage import create_account

THROUGH_THE_PORTAL = settings(max_examples=40, deadline=None)  # each example creates an account and places orders


# --- the same through the portal's own services: accounts, orders, Konbini payments ------------------------------


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One portal on its own database for the whole module (each example makes its own account)."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('oracle')}/p.db"})
    with app.app_context():
        yield app
    app.extensions["db_sessionmaker"].kw["bind"].dispose()


@st.composite
def accounts(draw: st.DrawFn) -> tuple[date, list[dict[str, Any]]]:
    """An account's today and up to three subscriptions renewing in one month (each on its own anchor day; February
    most often), most of them renewable, so that most examples get as far as two renewals."""
    year, month = draw(years), draw(st.sampled_from([2, 2, 2, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))
    specs = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "start": anchors.map(lambda anchor: (on_anchor_day(year, month, anchor), anchor)),
                    "term": st.sampled_from(["annual", "three_year", "annual", "three_year", "monthly"]),
                    "status": st.sampled_from(["active", "active", "active", "cancelled"]),
                    "product": st.sampled_from(sorted(products())),
                    "renewed": st.sampled_from([False, False, False, True]),
                    "payment_method": st.sampled_from(["credit_card", "paypal", "konbini"]),
                    "country": st.sampled_from(["US", "JP", "DE", "CH"]),
                }
            ),
            min_size=1,
            max_size=3,
        )
    )
    return date(year, month, 15) + timedelta(days=draw(st.integers(-105, 60))), specs


def _state(db: Session, sub: Subscription, today: date) -> tuple[oracle.Verdict, date]:
    """What the portal says of one subscription today: its verdict in the oracle's words, and the date in force."""
    (view,) = describe_all(db, [sub], today)
    return as_verdict(view.eligibility), view.anniversary.renewal_date


def _create(db: Session, today: date, specs: list[dict[str, Any]]) -> tuple[Account, list[Subscription]]:
    created = create_account(
        db,
        {
            "today": today.isoformat(),
            "subscriptions": [
                {
                    "renewal_date": s["start"][0].isoformat(),
                    "anchor_day": s["start"][1],
                    "currency": {"JP": "JPY", "DE": "EUR"}.get(s["country"], "USD"),
                    **{k: s[k] for k in ("term", "status", "product", "renewed", "payment_method", "country")},
                }
                for s in specs
            ],
        },
    )
    for spec, made in zip(specs, created.subscriptions, strict=True):
        renewal, anchor = spec["start"]
        through = oracle.term_end(renewal, spec["term"], anchor) if spec["renewed"] else None
        assert (made.renewed_through, made.anchor_day) == (through, anchor), f"created from {spec}"
    account = db.get(Account, created.id)
    assert account is not None
    by_number = {s.number: s for s in db.scalars(select(Subscription).where(Subscription.account_id == account.id))}
    return account, [by_number[made.number] for made in created.subscriptions]


def _key(sub: Subscription) -> oracle.TransactionKey:
    return oracle.TransactionKey(sub.csn, sub.currency, sub.payment_method)


def _renew(
    db: Session, account: Account, today: date, renewing: dict[str, tuple[Subscription, oracle.SubscriptionFacts, int]]
) -> None:
    """Renew these subscriptions in one checkout; check orders, money, dates and pending payments against the oracle,
    pay the Konbini / ATM orders, and leave each one's facts as they now are in `renewing`."""
    user = db.scalar(select(User).where(User.account_id == account.id))
    assert user is not None
    add_to_cart(db, account.id, [sub for sub, _, _ in renewing.values()])
    numbers = place_orders(db, account, user, renew_now=True)

    orders = list(db.scalars(select(Order).where(Order.number.in_(numbers))))
    groups = oracle.transactions(renewing.values(), lambda item: _key(item[0]))
    assert sorted(sorted(line.subscription_number for line in o.lines) for o in orders) == sorted(
        sorted(sub.number for sub, _, _ in items) for items in groups.values()
    ), "one order per (CSN, currency, payment method)"
    for order in orders:
        csn = db.get(Csn, order.csn)
        assert csn is not None
        lines = [(renewing[n][0].product_code, renewing[n][0].term, renewing[n][0].seats) for n in (
            line.subscription_number for line in order.lines)]  # fmt: skip
        ours = oracle.load_catalog().totals(lines, csn.country, order.currency)
        assert (order.subtotal_minor, order.tax_minor, order.total_minor) == (ours.subtotal, ours.tax, ours.total)
        for line in order.lines:
            sub, facts, anchor = renewing[line.subscription_number]
            in_force = oracle.date_in_force(facts.renewal_date, facts.renewed_through, today)
            assert line.renewal_date == in_force, "the renewal date never moves (R2)"
            assert line.renews_through == oracle.term_end(in_force, facts.term, anchor), f"{facts}, anchor {anchor}"
            if line.renews_through.month == 2 and line.renews_through.day >= 28:
                event(f"renewed through {line.renews_through:%d %B}")
            if order.status == "awaiting_payment":
                pending = oracle.SubscriptionFacts(in_force, facts.term, awaiting_payment=True)
                assert _state(db, sub, today)[0] == oracle.judge(pending, today), "a Konbini / ATM order awaits payment"
            renewing[sub.number] = (
                sub,
                oracle.SubscriptionFacts(in_force, facts.term, renewed_through=line.renews_through),
                anchor,
            )
        if order.status == "awaiting_payment":
            record_payment(db, order)


@THROUGH_THE_PORTAL
@given(drawn=accounts())
def test_the_portal_creates_judges_and_renews_as_the_oracle_expects(
    shared_app: Flask, drawn: tuple[date, list[dict[str, Any]]]
) -> None:
    today, specs = drawn
    db = new_session(shared_app)
    try:
        account, subs = _create(db, today, specs)
        renewing = {}
        for spec, sub in zip(specs, subs, strict=True):
            renewal, anchor = spec["start"]
            facts = oracle.SubscriptionFacts(
                renewal, spec["term"], cancelled=spec["status"] == "cancelled",
                product_sold=product(spec["product"]).sold, renewed_through=sub.renewed_through,
            )  # fmt: skip
            verdict, in_force = _state(db, sub, today)
            assert verdict == oracle.judge(facts, today), f"{facts} on {today}"
            assert in_force == oracle.date_in_force(renewal, sub.renewed_through, today)
            if verdict.eligible:
                renewing[sub.number] = (sub, facts, anchor)

        # Renew every renewable one, then again on the first one's next date: each term ends where the oracle says.
        for round_ in range(2):
            if not renewing:
                event(f"renewed in {round_} round(s)")
                return
            _renew(db, account, today, renewing)
            paid_through = next(iter(renewing.values()))[1].renewed_through
            assert paid_through is not None
            today = account.today = paid_through
            db.commit()
            for number, (sub, facts, _) in list(renewing.items()):
                verdict, in_force = _state(db, sub, today)
                assert verdict == oracle.judge(facts, today), f"{facts} on {today}"
                assert in_force == oracle.date_in_force(facts.renewal_date, facts.renewed_through, today)
                if not verdict.eligible:
                    del renewing[number]
        event("renewed in 2 rounds")
    finally:
        db.close()
