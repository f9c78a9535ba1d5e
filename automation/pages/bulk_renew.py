"""Bulk actions › Renew: eligible subscriptions grouped by CSN, currency and payment method, selected for one checkout."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Locator, Page

from ..profile import PortalProfile, text_regex
from . import paths
from .base import PageError, PortalPage
from .cart import CartPage

_READ_GROUPS = """(sets) => sets.map((fs) => ({
  legend: (fs.querySelector("legend")?.textContent || "").trim(),
  total: Number(fs.dataset.total || 0),
  labels: Array.from(fs.querySelectorAll('input[type="checkbox"]'), (box) =>
    Array.from(box.labels || [], (l) => l.textContent.trim()).join(" ")),
}))"""


@dataclass(frozen=True)
class BulkGroup:
    """One fieldset: a transaction's (CSN, currency, payment method) and its eligible subscriptions in page order."""

    csn: str
    currency: str
    payment_method: str
    numbers: tuple[str, ...]
    total: int = 0  # eligible in the group, shown or not (a big group shows only its first rows)
    method_label: str = ""  # the payment method as the page labels it

    @property
    def shown_whole(self) -> bool:
        """Whether the page lists every member of the group."""
        return self.total <= len(self.numbers)

    @property
    def key(self) -> tuple[str, str, str]:
        """(CSN, currency, payment method code): what makes one transaction."""
        return (self.csn, self.currency, self.payment_method)

    @property
    def payment_method_label(self) -> str:
        """The payment method as the portal shows it."""
        return self.method_label or self.payment_method


class BulkRenewPage(PortalPage):
    """The Renew subscriptions page."""

    PATH = ADDRESS = paths.BULK_RENEW
    TITLE = "the Renew subscriptions page"

    def __init__(self, page: Page, profile: PortalProfile | None = None) -> None:
        super().__init__(page, profile)
        names = self.profile.bulk
        self._count = text_regex(names.selected_count, {"count": r"\d+"})
        self.heading = page.get_by_role("heading", name=names.heading, level=1)
        self.fieldsets = self.main.get_by_role("group")
        self.live_count = self.main.get_by_text(text_regex(names.selected_count, {"count": r"\d+"}, named=False))
        limit = text_regex(names.limit_warning, {"limit": r"\d+"}, named=False, whole=False)
        self.limit_warning = self.main.get_by_role("alert").filter(has_text=limit)
        self.renew_selected_button = self.main.get_by_role("button", name=names.renew_selected, exact=True)
        self.show_more_link = self.main.get_by_role("link", name=text_regex(names.show_more, {"count": r"\d+"}, named=False))

    def group(self, csn: str, currency: str, payment_method: str) -> Locator:
        """The fieldset whose legend names this CSN, currency and payment method (code or label)."""
        name = self.profile.transaction_regex(named=False, csn=csn, currency=currency, payment_method=payment_method)
        return self.main.get_by_role("group", name=name)

    def checkbox(self, number: str, group: tuple[str, str, str] | None = None) -> Locator:
        """The checkbox of subscription `number` (its label holds the number); naming its group makes the lookup cheaper."""
        scope = self.group(*group) if group else self.main
        return scope.get_by_label(number)

    def groups(self) -> list[BulkGroup]:
        """Every group on the page with its subscription numbers."""
        self.heading.wait_for()
        raw: list[dict[str, Any]] = self.fieldsets.evaluate_all(_READ_GROUPS)
        return [_group_from(entry, self.profile) for entry in raw]

    def select(self, numbers: Iterable[str], group: tuple[str, str, str] | None = None) -> None:
        """Tick the checkbox of each subscription (optionally all in one group: (CSN, currency, payment method))."""
        for number in numbers:
            self.checkbox(number, group).check()

    def unselect(self, numbers: Iterable[str], group: tuple[str, str, str] | None = None) -> None:
        """Untick the checkbox of each subscription."""
        for number in numbers:
            self.checkbox(number, group).uncheck()

    def select_all(self, csn: str, currency: str, payment_method: str) -> None:
        """Tick Select all in one group."""
        select_all = self.profile.bulk.select_all
        self.group(csn, currency, payment_method).get_by_role("checkbox", name=select_all, exact=True).check()

    def selected_count(self) -> int:
        """The live count of selected subscriptions."""
        text = self.live_count.inner_text()
        match = self._count.match(text)
        if match is None:
            raise PageError(f"the selection count reads {text!r}, not {self.profile.bulk.selected_count!r}")
        return int(match["count"])

    def error(self) -> str | None:
        """The page's refusal (from the server) or its live over-the-limit warning; None when neither shows."""
        message = self.alert()
        if message:
            return message
        if self.limit_warning.count() and self.limit_warning.first.is_visible():
            return self.limit_warning.first.inner_text().strip()
        return None

    def show_more(self) -> BulkRenewPage:
        """Follow "Show up to 500 per group" when a group shows only its first rows; this page when none does."""
        if self.show_more_link.count() == 0:
            return self
        return self._submit_to(self.show_more_link.first, BulkRenewPage, self.profile.bulk.show_more)

    def renew_selected(self) -> CartPage:
        """Renew selected: the selection goes into the cart; raises PortalRefused with the page's message if refused."""
        return self._submit_to(self.renew_selected_button, CartPage, self.profile.bulk.renew_selected)


def _group_from(entry: dict[str, Any], profile: PortalProfile) -> BulkGroup:
    legend = entry["legend"]
    match = profile.transaction_regex().match(legend)
    if match is None:
        raise PageError(f"group legend {legend!r} does not read {profile.transaction!r}")
    label = match["payment_method"].strip()
    numbers = []
    for text in entry["labels"]:
        number = re.match(r"\s*([0-9]+)", text)
        if number:  # the Select all box has no number
            numbers.append(number.group(1))
    total = int(entry.get("total") or 0) or len(numbers)
    return BulkGroup(match["csn"], match["currency"], profile.payment_code(label), tuple(numbers), total, label)
