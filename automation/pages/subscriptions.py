"""Billing and orders › Subscriptions and contracts: the list, Renew per row, and the Bulk actions menu."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from playwright.sync_api import Locator, Page

from ..profile import PortalProfile, headers, text_regex
from . import paths
from .base import PageError, PortalPage, iso_date
from .bulk_renew import BulkRenewPage
from .cart import CartPage
from .detail import SubscriptionDetailPage
from .rows import ROWS_OF


@dataclass(frozen=True)
class SubscriptionRow:
    """One row of the subscriptions table, as shown (labels, not codes)."""

    number: str
    product: str
    csn: str
    term: str
    seats: int
    payment_method: str
    renewal_date: date
    status: str
    can_renew: bool
    reason: str | None


# Reads every row of the list, and whether a next page follows, in one round trip (called on the main landmark).
# `names.heads` maps a header to its field in the profile, `names.pagination` is the pagination landmark's name.
_READ_ROWS = (
    """(mains, names) => {
  const main = mains[0];
  if (!main) return null;
  const nav = Array.from(main.querySelectorAll("nav")).find((n) => n.getAttribute("aria-label") === names.pagination);
  const next = Boolean(nav && nav.querySelector('a[rel="next"]'));
  return { rows: ("""
    + ROWS_OF
    + """)(main.querySelector("table"), names.heads), next };
}"""
)


class SubscriptionsPage(PortalPage):
    """The list of the account's subscriptions."""

    PATH = ADDRESS = paths.SUBSCRIPTIONS
    TITLE = "the subscriptions list"

    def __init__(self, page: Page, profile: PortalProfile | None = None) -> None:
        super().__init__(page, profile)
        names = self.profile.subscriptions
        self.heading = page.get_by_role("heading", name=names.heading, level=1)
        self.table = self.main.get_by_role("table")
        self.rows = self.table.get_by_role("row")
        self.bulk_actions = page.get_by_role("button", name=names.bulk_actions, exact=True)
        self.bulk_menu = page.get_by_role("menu")
        self.bulk_renew_item = self.bulk_menu.get_by_role("menuitem", name=names.bulk_renew, exact=True)
        self.today_note = self.main.get_by_text(text_regex(names.today, named=False, whole=False))
        self.filters = self.main.get_by_role("search", name=names.filters)
        self.search_box = self.filters.get_by_label(names.search)
        self.apply_filters = self.filters.get_by_role("button", name=names.apply_filters)
        pagination = self.main.get_by_role("navigation", name=names.pagination)
        self.next_page_link = pagination.get_by_role("link", name=names.next_page)
        # The numbers the list showed when `subscriptions()` last read it, and at which URL (a search or another
        # page of the list, even through this same object, makes them stale).
        self._shown: tuple[str, frozenset[str]] | None = None

    def row(self, number: str) -> Locator:
        """The table row of subscription `number`."""
        return self.rows.filter(has=self.page.get_by_role("cell", name=number, exact=True))

    def _existing_row(self, number: str) -> Locator:
        row = self.row(number)
        if self._shown is not None and self._shown[0] == self.page.url and number in self._shown[1]:
            return row  # read on this very page a moment ago
        if row.count() == 0:  # on another page of a long list: look it up as a person would
            self.search(number)
            row = self.row(number)
        if row.count() == 0:
            raise PageError(f"subscription {number} is not in the list at {self.page.url}")
        return row

    def search(self, text: str) -> SubscriptionsPage:
        """Search the list by subscription number or product name."""
        self.search_box.fill(text)
        self._submit(self.apply_filters)
        return SubscriptionsPage(self.page, self.profile)

    def today(self) -> date | None:
        """The account's "today" as the page states it, or None when the page does not say."""
        stated: list[str | None] = self.today_note.evaluate_all(
            "(notes) => notes.map((note) => note.querySelector('time')?.getAttribute('datetime') ?? null)"
        )
        return iso_date(stated[0], "today") if stated else None

    def renewal_date(self, number: str) -> date:
        """The renewal date shown for subscription `number`."""
        cell = self._existing_row(number).get_by_test_id("renewal-date")
        return iso_date(cell.get_by_role("time").get_attribute("datetime"), f"renewal date of {number}")

    def has_renew(self, number: str) -> bool:
        """Whether the row of `number` offers Renew."""
        return self._renew_button(number).count() > 0

    def reason(self, number: str) -> str | None:
        """Why `number` can't be renewed, as shown in its row; None when it offers Renew."""
        if self.has_renew(number):
            return None
        text = self._existing_row(number).get_by_role("cell").last.inner_text().strip()
        return text or None

    def subscriptions(self, all_pages: bool = False) -> list[SubscriptionRow]:
        """Every row of this page, read at once; with `all_pages`, also those of the following pages."""
        names = {"heads": headers(self.profile.subscriptions.columns), "pagination": self.profile.subscriptions.pagination}
        read: dict[str, Any] | None = self.main.evaluate_all(_READ_ROWS, names)
        if read is None:
            raise PageError(f"the subscriptions list is not shown at {self.page.url} (no main landmark)")
        rows = [_row_from(entry, self.profile.subscriptions.renew) for entry in read["rows"]]
        self._shown = (self.page.url, frozenset(row.number for row in rows))
        if all_pages and read["next"]:
            self._submit(self.next_page_link)
            rows += self.subscriptions(all_pages=True)
        return rows

    def renew(self, number: str) -> CartPage:
        """Choose Renew on the row of `number`; the renewal goes into the cart."""
        return self._submit_to(self._renew_button(number), CartPage, f"{self.profile.subscriptions.renew} {number}")

    def open(self, number: str) -> SubscriptionDetailPage:
        """Select the product of `number` to open its detail page."""
        self._submit(self._existing_row(number).get_by_role("link").first)
        return SubscriptionDetailPage(self.page, self.profile)

    def open_bulk_renew(self) -> BulkRenewPage:
        """Bulk actions › Renew."""
        names = self.profile.subscriptions
        self.bulk_actions.click()
        return self._submit_to(self.bulk_renew_item, BulkRenewPage, f"{names.bulk_actions} › {names.bulk_renew}")

    def renew_button_of(self, number: str) -> Locator:
        """The Renew button in the row of `number` on this page, as a locator (for web-first expectations)."""
        return self.row(number).get_by_role("button", name=self.profile.subscriptions.renew, exact=True)

    def _renew_button(self, number: str) -> Locator:
        return self._existing_row(number).get_by_role("button", name=self.profile.subscriptions.renew, exact=True)


def _row_from(entry: dict[str, Any], renew: str) -> SubscriptionRow:
    cells: dict[str, str] = entry["cells"]
    number = cells.get("number", "")
    can_renew = renew in entry["buttons"]
    reason = None if can_renew else (cells.get("renewal") or None)
    return SubscriptionRow(
        number=number,
        product=cells.get("product", ""),
        csn=cells.get("csn", ""),
        term=cells.get("term", ""),
        seats=int(cells.get("seats") or 0),
        payment_method=cells.get("payment_method", ""),
        renewal_date=iso_date(entry["times"].get("renewal_date"), f"renewal date of {number}"),
        status=cells.get("status", ""),
        can_renew=can_renew,
        reason=reason,
    )
