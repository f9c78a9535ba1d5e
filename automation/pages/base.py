"""What every signed-in portal page shares: the Billing and orders navigation, alerts, and form submission."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from playwright.sync_api import Locator, Page, Response

from ..profile import PortalProfile, default_profile
from . import paths

if TYPE_CHECKING:
    from .orders import OrderHistoryPage
    from .subscriptions import SubscriptionsPage


class PageError(Exception):
    """The browser did not end up where the action leads; the message says where it is and what it shows."""


class PortalRefused(PageError):
    """The portal answered an action with a message instead of the next page (nothing was done); `status` is the
    HTTP status of that answer when known."""

    def __init__(self, action: str, message: str, url: str, status: int | None = None) -> None:
        super().__init__(f"{action}: the portal refused: {message} (at {url})")
        self.action, self.message, self.url, self.status = action, message, url, status


class PortalServerError(PageError):
    """The portal answered a request with a server error (5xx); the message names the status, method and path."""

    def __init__(self, status: int, method: str, path: str, message: str) -> None:
        super().__init__(f"the portal answered {status} on {method} {path} ({message})")
        self.status, self.method, self.path, self.message = status, method, path, message


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
    """Any page: knows its Playwright page, its path, the portal's profile (every name it looks for), and how to
    submit a form and wait for what follows."""

    def __init__(self, page: Page, profile: PortalProfile | None = None) -> None:
        self.page = page
        self.profile = profile or default_profile()
        self.main = page.get_by_role("main")
        self.alerts = self.main.get_by_role("alert")
        self.status: int | None = None  # HTTP status of the last document this object loaded

    @property
    def path(self) -> str:
        """The path of the page the browser shows now."""
        return urlparse(self.page.url).path

    def is_at(self, pattern: str) -> bool:
        """Whether the current path matches the regular expression `pattern` in full."""
        return re.fullmatch(pattern, self.path) is not None

    def landed_at(self, pattern: str) -> bool:
        """Whether the last submit reached `pattern` as a page, not as a refusal (a 4xx error page at that URL)."""
        return (self.status is None or self.status < 400) and self.is_at(pattern)

    def alert(self) -> str | None:
        """The text of the page's alert messages (errors, flashes) on one line, or None when there is none."""
        texts = [" ".join(t.split()) for t in self.alerts.all_inner_texts() if t.strip()]
        return " ".join(texts) or None

    def _submit(self, control: Locator) -> None:
        """Click a control that submits a form or follows a link, and wait for the next document to load;
        raises PortalServerError when the portal answers with a server error."""
        with self.page.expect_navigation() as navigation:
            control.click()
        self.check_response(navigation.value)

    def check_response(self, response: Response | None) -> None:
        """Keep the status of the document just loaded (e.g. by `page.goto`); a server error raises PortalServerError."""
        self.status = response.status if response is not None else None
        if response is not None and response.status >= 500:
            message = self.alert() or repr(self.page.title())
            raise PortalServerError(response.status, response.request.method, urlparse(response.url).path, message)

    def _refused_or_unexpected(self, action: str, expected: str) -> PageError:
        message = self.alert()
        if message:
            return PortalRefused(action, message, self.page.url, self.status)
        return UnexpectedPage(f"{action}: expected {expected}, but the browser shows {self.page.url} ({self.page.title()!r})")


class PortalPage(BasePage):
    """A page of the signed-in portal, with the Billing and orders navigation."""

    def __init__(self, page: Page, profile: PortalProfile | None = None) -> None:
        super().__init__(page, profile)
        nav = self.profile.navigation
        self.billing_nav = page.get_by_role("navigation", name=nav.landmark)
        self.subscriptions_link = self.billing_nav.get_by_role("link", name=nav.subscriptions, exact=True)
        self.cart_link = self.billing_nav.get_by_role("link", name=nav.cart, exact=True)
        self.order_history_link = self.billing_nav.get_by_role("link", name=nav.order_history, exact=True)

    def go_to_subscriptions(self) -> SubscriptionsPage:
        """Billing and orders › Subscriptions and contracts."""
        from .subscriptions import SubscriptionsPage  # the one page every other leads back to: imported when used

        self._submit(self.subscriptions_link)
        if not self.landed_at(paths.SUBSCRIPTIONS):
            raise self._refused_or_unexpected(self.profile.navigation.subscriptions, "the subscriptions list")
        return SubscriptionsPage(self.page, self.profile)

    def go_to_order_history(self) -> OrderHistoryPage:
        """Billing and orders › Order history."""
        from .orders import OrderHistoryPage

        self._submit(self.order_history_link)
        if not self.landed_at(OrderHistoryPage.PATH):
            raise self._refused_or_unexpected(self.profile.navigation.order_history, "the order history")
        return OrderHistoryPage(self.page, self.profile)
