"""The order confirmation: every order just placed and each renewed subscription with its renewal date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from playwright.sync_api import Page

from .base import PortalPage, iso_date
from .bulk_renew import METHOD_BY_LABEL

_SUMMARY = re.compile(r"CSN\s+(?P<csn>\S+)\s*·\s*(?P<currency>\S+)\s*·\s*(?P<label>[^·]+?)\s*·")

_READ_ORDERS = """(sections) => sections.map((section) => {
  const table = section.querySelector("table");
  const heads = Array.from(table?.tHead?.rows[0]?.cells || [], (c) => c.textContent.trim().toLowerCase());
  const rows = Array.from(table?.tBodies[0]?.rows || [], (row) => {
    const cells = {};
    heads.forEach((h, i) => {
      const cell = row.cells[i];
      if (!cell) return;
      const time = cell.querySelector("time");
      cells[h] = { text: cell.innerText.trim(), datetime: time ? time.getAttribute("datetime") : null };
    });
    return cells;
  });
  return {
    number: (section.querySelector('[data-testid="order-number"]')?.textContent || "").trim(),
    summary: (section.querySelector("p")?.innerText || "").trim(),
    rows,
  };
})"""


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

    PATH = r"/checkout/confirmation"

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.heading = page.get_by_role("heading", level=1)
        self.order_number_values = self.main.get_by_test_id("order-number")
        self.order_sections = self.main.get_by_role("region", name=re.compile(r"^Order "))

    def order_numbers(self) -> list[str]:
        """Every order number shown, in page order."""
        self.heading.wait_for()
        return [n.strip() for n in self.order_number_values.all_inner_texts()]

    def orders(self) -> list[ConfirmedOrder]:
        """Every order with its transaction and its renewed subscriptions."""
        self.heading.wait_for()
        raw: list[dict[str, Any]] = self.order_sections.evaluate_all(_READ_ORDERS)
        return [_order_from(entry) for entry in raw]

    def renewal_dates(self) -> dict[str, date]:
        """Subscription number → the renewal date shown for it."""
        return {line.number: line.renewal_date for order in self.orders() for line in order.lines}


def _order_from(entry: dict[str, Any]) -> ConfirmedOrder:
    summary = entry["summary"]
    match = _SUMMARY.search(summary)
    label = match["label"].strip() if match else ""
    lines = []
    for cells in entry["rows"]:
        number = cells.get("subscription number", {}).get("text", "")
        renewal = cells.get("renewal date", {}).get("datetime")
        through = cells.get("renewed through", {}).get("datetime")
        lines.append(
            ConfirmedLine(
                number=number,
                product=cells.get("product", {}).get("text", ""),
                renewal_date=iso_date(renewal, f"renewal date of {number} on the confirmation"),
                renewed_through=iso_date(through, f"renewed-through date of {number}") if through else None,
            )
        )
    return ConfirmedOrder(
        number=entry["number"],
        csn=match["csn"] if match else "",
        currency=match["currency"] if match else "",
        payment_method=METHOD_BY_LABEL.get(label, label),
        awaiting_payment="Awaiting payment" in summary,
        summary=summary,
        lines=tuple(lines),
    )
