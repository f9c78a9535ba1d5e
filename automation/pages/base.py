"""What every signed-in portal page shares: the Billing and orders navigation, alerts, and form submission."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from playwright.sync_api import Locator, Page

if TYPE_CHECKING:
    from .subscriptions import SubscriptionsPage


class PageError(Exception):
    """The browser did not end up where the action leads; the message says where it is and what it shows."""


class PortalRefused(PageError):
    """The portal answered an action with a message instead of the next page (nothing was done)."""

    def __init__(self, action: str, message: str, url: str) -> None:
        super().__init__(f"{action}: the portal refused: {message} (at {url})")
        self.action, self.message, self.url = action, message, url


class UnexpectedPage(PageError):
    """An action led somewhere other than the page it normally leads to."""


def iso_date(value: str | None, what: str) -> date:
    """Read a `<time datetime="YYYY-MM-DD">` value."""
    if not value:
        raise PageError(f"{what} has no <time datetime> value")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise PageError(f"{what} has datetime={value!r}, which is not YYYY-MM-DD") from None


class BasePage:
    """Any page: knows its Playwright page, its path, and how to submit a form and wait for what follows."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.main = page.get_by_role("main")
        self.alerts = self.main.get_by_role("alert")

    @property
    def path(self) -> str:
        """The path of the page the browser shows now."""
        return urlparse(self.page.url).path

    def is_at(self, pattern: str) -> bool:
        """Whether the current path matches the regular expression `pattern` in full."""
        return re.fullmatch(pattern, self.path) is not None

    def alert(self) -> str | None:
        """The text of the page's alert messages (errors, flashes), or None when there is none."""
        texts = [t.strip() for t in self.alerts.all_inner_texts() if t.strip()]
        return " ".join(texts) or None

    def _submit(self, control: Locator) -> None:
        """Click a control that submits a form or follows a link, and wait for the next document to load."""
        with self.page.expect_navigation():
            control.click()

    def _refused_or_unexpected(self, action: str, expected: str) -> PageError:
        message = self.alert()
        if message:
            return PortalRefused(action, message, self.page.url)
        return UnexpectedPage(f"{action}: expected {expected}, but the browser shows {self.page.url} ({self.page.title()!r})")


class PortalPage(BasePage):
    """A page of the signed-in portal, with the Billing and orders navigation."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.billing_nav = page.get_by_role("navigation", name="Billing and orders")
        self.subscriptions_link = self.billing_nav.get_by_role("link", name="Subscriptions and contracts", exact=True)
        self.cart_link = self.billing_nav.get_by_role("link", name="Cart", exact=True)

    def go_to_subscriptions(self) -> SubscriptionsPage:
        """Billing and orders › Subscriptions and contracts."""
        from .subscriptions import SubscriptionsPage

        self._submit(self.subscriptions_link)
        if not self.is_at(SubscriptionsPage.PATH):
            raise self._refused_or_unexpected("Subscriptions and contracts", "the subscriptions list")
        return SubscriptionsPage(self.page)
