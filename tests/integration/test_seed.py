"""The demo account is the same on every run and shows every case the demo needs, each with its reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from mock_portal import create_app
from mock_portal.clock import today_for
from mock_portal.db import new_session
from mock_portal.models import Account, Subscription, User
from mock_portal.seed import DemoAccount, load_scenario, seed_demo
from mock_portal.server import PortalStack, PortalStackError
from mock_portal.services.subscriptions import SubscriptionView, account_subscriptions, describe_all


@pytest.fixture
def fresh_app(tmp_path: Path, portal_env: None) -> Iterator[Flask]:
    """A portal on an empty database of its own, inside an app context."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/demo.db"})
    with app.app_context():
        yield app
    app.extensions["db_sessionmaker"].kw["bind"].dispose()


@pytest.fixture
def demo(fresh_app: Flask) -> DemoAccount:
    """The demo, seeded into the fresh database."""
    db = new_session(fresh_app)
    try:
        return seed_demo(db)
    finally:
        db.close()


def views_by_case(app: Flask, demo: DemoAccount) -> dict[str, SubscriptionView]:
    db = new_session(app)
    account = db.get(Account, demo.account_id)
    assert account is not None
    views = {v.number: v for v in describe_all(db, account_subscriptions(db, demo.account_id), today_for(account))}
    db.close()
    return {case: views[number] for case, number in demo.subscriptions.items()}


def test_the_demo_is_identical_in_two_fresh_databases(tmp_path: Path, portal_env: None) -> None:
    seeded = []
    for run in ("first", "second"):
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/{run}.db"})
        with app.app_context():
            db = new_session(app)
            demo = seed_demo(db)
            user = db.scalar(select(User).where(User.account_id == demo.account_id))
            assert user is not None
            seeded.append((demo, user.name))
            db.close()

    assert seeded[0] == seeded[1], "the fixed seed must give the same company, names, CSNs and numbers"


def test_the_demo_signs_in_with_the_scenario_credentials(demo: DemoAccount) -> None:
    scenario = load_scenario()

    assert (demo.email, demo.password) == (scenario["email"], scenario["password"]) == (
        "demo@portal.example", "Renew-Demo-2026",
    )  # fmt: skip


def test_each_demo_case_shows_its_reason(fresh_app: Flask, demo: DemoAccount) -> None:
    views = views_by_case(fresh_app, demo)

    for case, expected in demo.expected_reasons.items():
        eligibility = views[case].eligibility
        if expected is None:
            assert eligibility.eligible, f"{case} should be renewable, got {eligibility.message}"
        else:
            assert eligibility.message and eligibility.message.startswith(expected), f"{case}: {eligibility.message}"


def test_the_demo_covers_every_reason_a_subscription_cannot_be_renewed(demo: DemoAccount) -> None:
    reasons = {r for r in demo.expected_reasons.values() if r}

    assert reasons == {
        "Renewal opens on", "Renewal closed on", "Renews automatically", "Cancelled", "No longer sold",
        "Already renewed through",
    }  # fmt: skip


def test_the_demo_has_two_bulk_groups_to_renew_across(fresh_app: Flask, demo: DemoAccount) -> None:
    views = views_by_case(fresh_app, demo)

    def group(case: str) -> tuple[str, str, str]:
        sub = views[case].sub
        return sub.csn, sub.currency, sub.payment_method

    assert {group(c) for c in ("bulk_a1", "bulk_a2", "bulk_a3")} == {(demo.csns["A"], "USD", "credit_card")}
    assert {group(c) for c in ("bulk_b1", "bulk_b2")} == {(demo.csns["B"], "EUR", "paypal")}
    assert group("konbini") == (demo.csns["J"], "JPY", "konbini")
    single = views["single_early"]
    assert (single.sub.term, single.sub.payment_method, single.sub.currency) == ("annual", "credit_card", "USD")
    assert (single.anniversary.renewal_date - today_for(Account(today=None))).days == 30


def test_seeding_again_returns_the_existing_demo(fresh_app: Flask, demo: DemoAccount) -> None:
    db = new_session(fresh_app)
    again = seed_demo(db)
    count = len(db.scalars(select(Subscription).where(Subscription.account_id == demo.account_id)).all())
    db.close()

    assert again == demo
    assert count == len(demo.subscriptions)


def test_another_seed_gives_other_numbers_for_the_same_cases(tmp_path: Path, portal_env: None, demo: DemoAccount) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/other.db"})
    with app.app_context():
        db = new_session(app)
        other = seed_demo(db, seed=7)
        db.close()

    assert other.subscriptions.keys() == demo.subscriptions.keys()
    assert set(other.subscriptions.values()).isdisjoint(demo.subscriptions.values())


def demo_user_locale(app: Flask, demo: DemoAccount) -> str:
    db = new_session(app)
    try:
        user = db.scalar(select(User).where(User.email == demo.email))
        assert user is not None
        return user.locale
    finally:
        db.close()


def test_the_demo_user_speaks_the_locale_asked_for_and_a_kept_demo_is_switched_to_it(fresh_app: Flask) -> None:
    db = new_session(fresh_app)
    french = seed_demo(db, locale="fr")
    db.close()
    assert demo_user_locale(fresh_app, french) == "fr"

    db = new_session(fresh_app)
    again = seed_demo(db, locale="ja")
    db.close()

    assert again.account_id == french.account_id and demo_user_locale(fresh_app, again) == "ja"


def test_a_demo_locale_the_portal_does_not_speak_is_refused_naming_the_flag(tmp_path: Path, portal_env: None) -> None:
    with pytest.raises(PortalStackError, match=r"'de'.*en, fr, ja.*--demo-locale / PORTAL_DEMO_LOCALE"):
        PortalStack(port=0, smtp_port=0, mail_port=0, database_url=f"sqlite:///{tmp_path}/d.db", demo_locale="de")
