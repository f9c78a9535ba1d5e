"""Renewal flows: compose the page objects from sign-in to confirmation email and verify the renewal rules.

The CLI, the demo and the tests all call these, so there is one code path through the portal."""

from __future__ import annotations

from .checks import check_emails, verify_checkout, verify_dates
from .planning import MAX_PER_CHECKOUT, plan_checkouts
from .renewal import GroupFilter, Progress, group_filter, renew_many, renew_one
from .results import (
    RULE_DATES,
    RULE_EMAIL_LISTS,
    RULE_LIMIT,
    RULE_ONE_EMAIL,
    RULE_ORDER_PER_GROUP,
    RULE_RENEW_NOW,
    EmailFound,
    FlowError,
    RenewalResult,
    RenewedSubscription,
    RuleBroken,
)
from .session import SignInDetails, save_storage_state, sign_in

__all__ = [
    "MAX_PER_CHECKOUT",
    "RULE_DATES",
    "RULE_EMAIL_LISTS",
    "RULE_LIMIT",
    "RULE_ONE_EMAIL",
    "RULE_ORDER_PER_GROUP",
    "RULE_RENEW_NOW",
    "EmailFound",
    "FlowError",
    "GroupFilter",
    "Progress",
    "RenewalResult",
    "RenewedSubscription",
    "RuleBroken",
    "SignInDetails",
    "check_emails",
    "group_filter",
    "plan_checkouts",
    "renew_many",
    "renew_one",
    "save_storage_state",
    "sign_in",
    "verify_checkout",
    "verify_dates",
]
