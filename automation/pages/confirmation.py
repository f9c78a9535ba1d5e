"""The order confirmation: every order just placed and each renewed subscription with its renewal date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from playwright.sync_api import Page

from ..profile import PortalProfile, headers, text_regex
from . import paths
from .base import PortalPage, iso_date
from .rows import ROWS_OF

# Each order's region: its number, its summary (the first paragraph) and the rows of its table.
_READ_ORDERS = (
    """(sections, heads) => sections.map((section) => ({
  number: (section.querySelector('[data-testid="order-number"]')?.textContent || "").trim(),
  summary: (section.querySelector("p")?.innerText || "").trim(),
  rows: ("""
    + ROWS_OF
    + """)(section.querySelector("table"), heads),
}))"""
)


@dataclass(frozen=True)
class ConfirmedLine:
    """One renewed subscription of an order."""

    number: str
    product: str
    renewal_date: date
    renewed_through: date | None


@dataclass(frozen=True)
class ConfirmedOrder:
    """One order (one transaction) on the confirmation page."""

    number: str
    csn: str
    currency: str
    payment_method: str
    awaiting_payment: bool
    summary: str
    lines: tuple[ConfirmedLine, ...]

    @property
    def subscription_numbers(self) -> list[str]:
        """The subscriptions this order renewed."""
        return [line.number for line in self.lines]


class ConfirmationPage(PortalPage):
    """`/checkout/confirmation`."""

    PATH = paths.CONFIRMATION
    TITLE = "the order confirmation"

    def __init__(self, page: Page, profile: PortalProfile | None = None) -> None:
        super().__init__(page, profile)
        self.heading = page.get_by_role("heading", level=1)
        self.order_number_values = self.main.get_by_test_id("order-number")
        order_region = text_regex(self.profile.confirmation.order, {"order": r"\S+"}, named=False)
        self.order_sections = self.main.get_by_role("region", name=order_region)

    def order_numbers(self) -> list[str]:
        """Every order number shown, in page order."""
        self.heading.wait_for()
        return [n.strip() for n in self.order_number_values.all_inner_texts()]

    def orders(self) -> list[ConfirmedOrder]:
        """Every order with its transaction and its renewed subscriptions."""
        self.heading.wait_for()
        raw: list[dict[str, Any]] = self.order_sections.evaluate_all(_READ_ORDERS, headers(self.profile.confirmation.columns))
        return [_order_from(entry, self.profile) for entry in raw]

    def renewal_dates(self) -> dict[str, date]:
        """Subscription number → the renewal date shown for it."""
        return {line.number: line.renewal_date for order in self.orders() for line in order.lines}


def _order_from(entry: dict[str, Any], profile: PortalProfile) -> ConfirmedOrder:
    summary = entry["summary"]
    match = profile.transaction_regex(whole=False).search(summary)
    label = match["payment_method"].strip() if match else ""
    lines = []
    for row in entry["rows"]:
        number = row["cells"].get("number", "")
        renewal = row["times"].get("renewal_date")
        through = row["times"].get("renewed_through") or row["times"].get("renews_through_once_paid")
        lines.append(
            ConfirmedLine(
                number=number,
                product=row["cells"].get("product", ""),
                renewal_date=iso_date(renewal, f"renewal date of {number} on the confirmation"),
                renewed_through=iso_date(through, f"renewed-through date of {number}") if through else None,
            )
        )
    return ConfirmedOrder(
        number=entry["number"],
        csn=match["csn"] if match else "",
        currency=match["currency"] if match else "",
        payment_method=profile.payment_code(label),
        awaiting_payment=profile.order_statuses.awaiting_payment in summary,
        summary=summary,
        lines=tuple(lines),
    )
