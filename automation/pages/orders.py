"""Billing and orders › Order history: every order of the account, one row each, as shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from playwright.sync_api import Page

from ..profile import PortalProfile, headers
from . import paths
from .base import PageError, PortalPage, iso_date

# Reads every order row in one round trip. `heads` maps a header (lower case, spaces collapsed) to its field in the
# profile; a row that does not fill the header (the "no orders yet" note) is left out.
_READ_ORDERS = """(tables, heads) => tables.flatMap((table) => {
  const fields = Array.from(table.tHead?.rows[0]?.cells || [],
    (c) => heads[c.textContent.trim().replace(/\\s+/g, " ").toLowerCase()] || null);
  return Array.from(table.tBodies[0]?.rows || [])
    .filter((row) => row.cells.length === fields.length)
    .map((row) => {
      const cells = {};
      let placed = null;
      fields.forEach((f, i) => {
        if (!f) return;
        cells[f] = row.cells[i].innerText.trim();
        if (f === "placed") placed = row.cells[i].querySelector("time")?.getAttribute("datetime") ?? null;
      });
      return { cells, placed };
    });
})"""


@dataclass(frozen=True)
class HistoryOrder:
    """One row of the order history, as shown: labels and formatted money, not codes."""

    number: str
    placed_on: date
    csn: str
    payment_method: str
    subscriptions: int
    total: str
    status: str


class OrderHistoryPage(PortalPage):
    """`/orders`."""

    PATH = paths.ORDER_HISTORY

    def __init__(self, page: Page, profile: PortalProfile | None = None) -> None:
        super().__init__(page, profile)
        self.heading = page.get_by_role("heading", name=self.profile.order_history.heading, level=1)
        self.table = self.main.get_by_role("table")

    @classmethod
    def visit(cls, page: Page, base_url: str, profile: PortalProfile | None = None) -> OrderHistoryPage:
        """Go straight to the order history by its address (sign in first)."""
        history = cls(page, profile)
        history.check_response(page.goto(base_url.rstrip("/") + "/orders"))
        if not history.landed_at(cls.PATH):
            raise history._refused_or_unexpected(history.profile.navigation.order_history, "the order history")
        return history

    def orders(self) -> list[HistoryOrder]:
        """Every order listed, in page order (newest first)."""
        self.heading.wait_for()
        raw: list[dict[str, Any]] = self.table.evaluate_all(_READ_ORDERS, headers(self.profile.order_history.columns))
        return [_order_from(entry) for entry in raw]


def _order_from(entry: dict[str, Any]) -> HistoryOrder:
    cells: dict[str, str] = entry["cells"]
    number = cells.get("number", "")
    count = cells.get("subscriptions", "")
    if not count.isdigit():
        raise PageError(f"order {number} shows {count!r} under subscriptions in the order history, not a count")
    return HistoryOrder(
        number=number,
        placed_on=iso_date(entry["placed"], f"placed date of order {number}"),
        csn=cells.get("csn", ""),
        payment_method=cells.get("payment_method", ""),
        subscriptions=int(count),
        total=cells.get("total", ""),
        status=cells.get("status", ""),
    )
