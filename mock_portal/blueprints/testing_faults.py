"""Fault injection through the test-control API (testing mode only): per account (payment declined, SMTP
unavailable) and portal-wide (latency and server errors on chosen routes)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from sqlalchemy import select

from .. import faults, outbox
from ..db import session as db_session
from ..models import Account
from .testing_api import _account, _fail, _object_body

bp = Blueprint("testing_faults", __name__, url_prefix="/__test__")
ACCOUNT_FAULTS = ("payment_declined", "smtp_unavailable")


def _account_faults(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "payment_declined": account.fault_payment_declined,
        "smtp_unavailable": account.fault_smtp_unavailable,
    }


@bp.get("/accounts/<int:account_id>/faults")
def get_account_faults(account_id: int) -> Response:
    """The faults injected on the account."""
    return jsonify(_account_faults(_account(account_id)))


@bp.put("/accounts/<int:account_id>/faults")
def set_account_faults(account_id: int) -> Response:
    """Set or lift the account's faults; an omitted one is unchanged. Lifting the SMTP fault makes its waiting
    emails due at once, so the outbox sends each of them (once) on its next round."""
    account = _account(account_id)
    body = _object_body(set(ACCOUNT_FAULTS), required=True)
    for key in ACCOUNT_FAULTS:
        if key in body and not isinstance(body[key], bool):
            _fail(400, f"{key}: must be true or false, got {faults.shown(body[key])}")
    lifted = account.fault_smtp_unavailable and body.get("smtp_unavailable") is False
    account.fault_payment_declined = body.get("payment_declined", account.fault_payment_declined)
    account.fault_smtp_unavailable = body.get("smtp_unavailable", account.fault_smtp_unavailable)
    db = db_session()
    db.commit()
    if lifted:
        outbox.retry_now(db, account.id)
    return jsonify(_account_faults(account))


@bp.get("/faults")
def get_portal_faults() -> Response:
    """The portal-wide faults in force."""
    return jsonify(faults.current().to_json())


@bp.put("/faults")
def set_portal_faults() -> Response:
    """Replace the latency or error rules (a list sent replaces that list; an omitted one is kept)."""
    body = _object_body({"latency", "errors"}, required=True)
    try:
        new = faults.updated(faults.current(), body)
    except faults.FaultSpecError as exc:
        _fail(400, str(exc))
    if wanted := new.account_ids():
        found = set(db_session().scalars(select(Account.id).where(Account.id.in_(wanted))))
        if missing := sorted(wanted - found):
            _fail(404, f"No account {missing[0]}; a rule's account_id must name an account of this portal.")
    faults.set_faults(new)
    return jsonify(new.to_json())


@bp.delete("/faults")
def clear_portal_faults() -> Response:
    """Lift every portal-wide fault."""
    _object_body(set(), required=False)
    faults.set_faults(faults.PortalFaults())
    return jsonify(faults.current().to_json())
