"""Billing and orders › Order history: every order of the account, one row each, as shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from playwright.sync_api import Page

from ..profile import PortalProfile, headers
from . import paths
from .base import PageError, PortalPage, iso_date
from .rows import ROWS_OF

# Every order row of every table in one round trip; the "No orders yet" note does not fill the header, so is left out.
_READ_ORDERS = "(tables, heads) => tables.flatMap((table) => (" + ROWS_OF + ")(table, heads))"


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

    PATH = ADDRESS = paths.ORDER_HISTORY
    TITLE = "the order history"

    def __init__(self, page: Page, profile: PortalProfile | None = None) -> None:
        super().__init__(page, profile)
        self.heading = page.get_by_role("heading", name=self.profile.order_history.heading, level=1)
        self.table = self.main.get_by_role("table")

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
        placed_on=iso_date(entry["times"].get("placed"), f"placed date of order {number}"),
        csn=cells.get("csn", ""),
        payment_method=cells.get("payment_method", ""),
        subscriptions=int(count),
        total=cells.get("total", ""),
        status=cells.get("status", ""),
    )
