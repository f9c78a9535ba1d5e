"""What a renewal flow returns, and the errors it raises: a broken rule, or a step of the UI that failed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

# The rules a flow checks, as named in failures (see ../shared/reference/manual-renewal.md).
RULE_DATES = "R2/R6 renewal date unchanged"
RULE_ONE_EMAIL = "R8 one confirmation email per transaction"
RULE_EMAIL_LISTS = "R8 confirmation email lists each renewal with its unchanged date"
RULE_LIMIT = "R7 at most 100 per checkout"
RULE_ORDER_PER_GROUP = "R8 one order per (CSN, currency, payment method)"
RULE_RENEW_NOW = "R6 an early renewal needs Renew now"


class RuleBroken(Exception):
    """The portal broke a renewal rule; the message starts with the rule's name."""

    def __init__(self, rule: str, details: str) -> None:
        super().__init__(f"{rule}: {details}")
        self.rule, self.details = rule, details


class FlowError(Exception):
    """A step of the UI could not be done; the message names the step and says what the page showed."""

    def __init__(self, step: str, details: str) -> None:
        super().__init__(f"{step}: {details}")
        self.step, self.details = step, details


@dataclass(frozen=True)
class RenewedSubscription:
    """One renewed subscription: its order and its renewal date before and after.

    `date_after` is the renewal date the confirmation shows for the renewed term (must equal `date_before`);
    `listed_after` is the date the list shows afterwards: the same date, or, once today has passed it, the next
    anniversary `renewed_through` (the old date + one term, never the payment date + one term)."""

    number: str
    order: str
    date_before: date
    date_after: date
    renewed_through: date | None
    listed_after: date


@dataclass(frozen=True)
class EmailFound:
    """A confirmation email found in the mailbox."""

    id: str
    subject: str


@dataclass
class RenewalResult:
    """The outcome of a renewal flow in which every checked rule held."""

    orders: list[str] = field(default_factory=list)
    subscriptions: list[RenewedSubscription] = field(default_factory=list)
    emails: dict[str, list[EmailFound]] = field(default_factory=dict)
    checkouts: int = 0
    durations: dict[str, float] = field(default_factory=dict)

    def subscription(self, number: str) -> RenewedSubscription:
        """The result for one subscription number."""
        for renewed in self.subscriptions:
            if renewed.number == number:
                return renewed
        raise KeyError(f"subscription {number} was not renewed by this flow")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (dates as YYYY-MM-DD), e.g. for summary.json."""
        return {
            "orders": list(self.orders),
            "checkouts": self.checkouts,
            "subscriptions": [
                {
                    "number": s.number,
                    "order": s.order,
                    "date_before": s.date_before.isoformat(),
                    "date_after": s.date_after.isoformat(),
                    "renewed_through": s.renewed_through.isoformat() if s.renewed_through else None,
                    "listed_after": s.listed_after.isoformat(),
                }
                for s in self.subscriptions
            ],
            "emails": {order: [{"id": e.id, "subject": e.subject} for e in found] for order, found in self.emails.items()},
            "durations": {step: round(seconds, 3) for step, seconds in self.durations.items()},
        }
