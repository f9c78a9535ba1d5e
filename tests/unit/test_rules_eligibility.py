"""R1, R2 and the reference's other conditions, on the pure eligibility rules."""

from datetime import date, timedelta

import pytest

from mock_portal.rules.eligibility import (
    Anniversary,
    check_eligibility,
    current_anniversary,
    display_status,
    is_early,
    renewed_term,
)

D = date(2027, 3, 15)


def eligibility(today: date, **overrides):  # type: ignore[no-untyped-def]
    args = dict(anniversary=Anniversary(D), today=today, term="annual", status="active", product_sold=True)
    args.update(overrides)
    return check_eligibility(**args)


@pytest.mark.parametrize(
    ("offset", "renewable"),
    [(-91, False), (-90, True), (-1, True), (0, True), (1, True), (45, True), (46, False)],
)
def test_renewal_window_runs_from_90_days_before_to_45_days_after_inclusive(offset: int, renewable: bool) -> None:
    assert eligibility(D + timedelta(days=offset)).eligible is renewable


def test_before_the_window_the_reason_says_when_renewal_opens() -> None:
    result = eligibility(D - timedelta(days=91))
    assert result.message == f"Renewal opens on {(D - timedelta(days=90)).isoformat()}"


def test_after_the_window_the_reason_says_when_renewal_closed() -> None:
    result = eligibility(D + timedelta(days=46))
    assert result.message == f"Renewal closed on {(D + timedelta(days=45)).isoformat()}"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"status": "cancelled"}, "Cancelled"),
        ({"product_sold": False}, "No longer sold"),
        ({"term": "monthly"}, "Renews automatically"),
        ({"anniversary": Anniversary(D, date(2028, 3, 15))}, "Already renewed through 2028-03-15"),
        ({"awaiting_payment": True}, "Awaiting payment"),
    ],
)
def test_each_other_condition_blocks_renewal_with_its_reason(overrides: dict, reason: str) -> None:
    result = eligibility(D, **overrides)
    assert not result.eligible
    assert result.message == reason


def test_an_expired_subscription_is_still_renewable_inside_the_late_window() -> None:
    assert eligibility(D + timedelta(days=10), status="expired").eligible


@pytest.mark.parametrize("paid_offset", [-90, -30, 0, 20, 45])
def test_renewal_keeps_the_anniversary_whenever_it_is_paid(paid_offset: int) -> None:
    paid = renewed_term(current_anniversary(D, None, D + timedelta(days=paid_offset)), "annual")
    assert paid == Anniversary(D, date(2028, 3, 15))


def test_after_today_passes_the_old_date_the_next_date_is_old_date_plus_term() -> None:
    assert current_anniversary(D, date(2028, 3, 15), D) == Anniversary(D, date(2028, 3, 15))
    assert current_anniversary(D, date(2028, 3, 15), D + timedelta(days=1)) == Anniversary(date(2028, 3, 15), None)


def test_renewal_is_early_only_before_the_renewal_date() -> None:
    assert is_early(Anniversary(D), D - timedelta(days=1))
    assert not is_early(Anniversary(D), D)
    assert not is_early(Anniversary(D), D + timedelta(days=1))


@pytest.mark.parametrize(
    ("stored", "renewed_through", "offset", "shown"),
    [
        ("active", None, -1, "active"),
        ("active", None, 1, "expired"),
        ("active", date(2028, 3, 15), 0, "active"),
        ("cancelled", None, -1, "cancelled"),
        ("expired", None, -5, "expired"),
    ],
)
def test_status_shown_follows_the_date_and_payment(stored: str, renewed_through, offset: int, shown: str) -> None:  # type: ignore[no-untyped-def]
    assert display_status(stored, Anniversary(D, renewed_through), D + timedelta(days=offset)) == shown
