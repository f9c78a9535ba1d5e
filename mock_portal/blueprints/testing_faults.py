"""Fault injection through the test-control API (testing mode only): per account (payment declined, SMTP
unavailable) and portal-wide (latency and server errors on chosen routes)."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response
from sqlalchemy import select

from .. import faults, outbox
from ..db import session as db_session
from ..models import Account
from ..testing.answers import AccountFaults, PortalFaults
from ..testing.controls import AccountFaultsSpec, ErrorRule, LatencyRule, NoFields, PortalFaultsSpec, RuleSpec
from .testing_api import _fail, answer, checked_body, known_account

bp = Blueprint("testing_faults", __name__, url_prefix="/__test__")


def _account_faults(account: Account) -> AccountFaults:
    return AccountFaults(
        id=account.id, payment_declined=account.fault_payment_declined, smtp_unavailable=account.fault_smtp_unavailable
    )


def _portal_faults() -> PortalFaults:
    # The answer model reads the rules in force as they are: no hand-made dict to keep in step with either.
    return PortalFaults.model_validate(faults.current(), from_attributes=True)


@bp.get("/accounts/<int:account_id>/faults")
def get_account_faults(account_id: int) -> Response:
    """The faults injected on the account."""
    return answer(_account_faults(known_account(account_id)))


@bp.put("/accounts/<int:account_id>/faults")
def set_account_faults(account_id: int) -> Response:
    """Set or lift the account's faults; an omitted one is unchanged. Lifting the SMTP fault makes its waiting
    emails due at once, so the outbox sends each of them (once) on its next round."""
    account = known_account(account_id)
    spec = checked_body(AccountFaultsSpec, required=True)
    sent = spec.model_fields_set
    lifted = account.fault_smtp_unavailable and "smtp_unavailable" in sent and not spec.smtp_unavailable
    if "payment_declined" in sent:
        account.fault_payment_declined = spec.payment_declined
    if "smtp_unavailable" in sent:
        account.fault_smtp_unavailable = spec.smtp_unavailable
    db = db_session()
    db.commit()
    if lifted:
        outbox.retry_now(db, account.id)
    return answer(_account_faults(account))


def _methods(rule: RuleSpec) -> tuple[str, ...] | None:
    return tuple(dict.fromkeys(rule.methods)) if rule.methods else None  # None: omitted, every method


def _latency(rule: LatencyRule) -> faults.Latency:
    return faults.Latency(route=rule.route, methods=_methods(rule), account_id=rule.account_id, ms=rule.ms)


def _error(rule: ErrorRule) -> faults.ErrorRule:
    return faults.ErrorRule(route=rule.route, methods=_methods(rule), account_id=rule.account_id, status=rule.status)


@bp.get("/faults")
def get_portal_faults() -> Response:
    """The portal-wide faults in force."""
    return answer(_portal_faults())


@bp.put("/faults")
def set_portal_faults() -> Response:
    """Replace the latency or error rules (a list sent replaces that list; an omitted one is kept)."""
    spec = checked_body(PortalFaultsSpec, required=True)
    new = faults.current()
    if "latency" in spec.model_fields_set:
        new = replace(new, latency=tuple(_latency(rule) for rule in spec.latency))
    if "errors" in spec.model_fields_set:
        new = replace(new, errors=tuple(_error(rule) for rule in spec.errors))
    if wanted := new.account_ids():
        found = set(db_session().scalars(select(Account.id).where(Account.id.in_(wanted))))
        if missing := sorted(wanted - found):
            _fail(404, f"No account {missing[0]}; a rule's account_id must name an account of this portal.")
    faults.set_faults(new)
    return answer(_portal_faults())


@bp.delete("/faults")
def clear_portal_faults() -> Response:
    """Lift every portal-wide fault."""
    checked_body(NoFields, required=False)
    faults.set_faults(faults.PortalFaults())
    return answer(_portal_faults())
