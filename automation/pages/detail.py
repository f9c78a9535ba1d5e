"""One subscription's page: its facts, its renewal date, and the same Renew action as the list."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Page

from ..profile import PortalProfile
from . import paths
from .base import PortalPage, iso_date
from .cart import CartPage


class SubscriptionDetailPage(PortalPage):
    """`/subscriptions/<number>`, also where a reminder email's link lands."""

    PATH = paths.DETAIL
    TITLE = "the subscription's page"

    def __init__(self, page: Page, profile: PortalProfile | None = None) -> None:
        super().__init__(page, profile)
        self.heading = page.get_by_role("heading", level=1)
        self.renewal_date_value = self.main.get_by_test_id("renewal-date")
        self.renew_button = self.main.get_by_role("button", name=self.profile.detail.renew, exact=True)
        self.reason_text = self.main.get_by_test_id("renewal-reason")

    def product(self) -> str:
        """The product name (the page's heading)."""
        return self.heading.inner_text().strip()

    def facts(self) -> dict[str, str]:
        """The subscription's facts as shown: Subscription number, CSN, Term, Seats, Payment method, …"""
        self.heading.wait_for()
        return self._description_list()

    def number(self) -> str:
        """The subscription number shown on the page."""
        return self.facts().get(self.profile.detail.facts.number, "")

    def renewal_date(self) -> date:
        """The renewal date shown."""
        time = self.renewal_date_value.get_by_role("time")
        return iso_date(time.get_attribute("datetime"), "renewal date on the subscription page")

    def has_renew(self) -> bool:
        """Whether the page offers Renew."""
        self.heading.wait_for()
        return self.renew_button.count() > 0

    def reason(self) -> str | None:
        """Why the subscription can't be renewed, as shown; None when it offers Renew."""
        if self.has_renew() or self.reason_text.count() == 0:
            return None
        return self.reason_text.first.inner_text().strip()

    def renew(self) -> CartPage:
        """Choose Renew; the renewal goes into the cart."""
        return self._submit_to(self.renew_button, CartPage, self.profile.detail.renew)
