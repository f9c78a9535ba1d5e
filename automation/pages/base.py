"""What every portal page shares: alerts, form submission, checking where an action led, and the signed-in pages'
Billing and orders navigation.

This module imports no other page: an action names the page it leads to (`go_to(SubscriptionsPage)`), and each page
module imports only the pages it leads to, so the page modules never import each other in a circle."""

from __future__ import annotations

import re
from datetime import date
from typing import ClassVar, Self, TypeVar
from urllib.parse import urlparse

from playwright.sync_api import Locator, Page, Response

from ..profile import PortalProfile, default_profile
from . import paths


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


P = TypeVar("P", bound="BasePage")


class BasePage:
    """Any page: knows its Playwright page, its path, the portal's profile (every name it looks for), and how to
    submit a form and wait for what follows."""

    PATH: ClassVar[str] = ".*"  # where the page lives: a regular expression over the path (see paths)
    TITLE: ClassVar[str] = "the next page"  # how a message names the page, e.g. "the cart"

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

    def _description_list(self) -> dict[str, str]:
        """The page's description list as shown: each term → its definition."""
        terms = self.main.get_by_role("term").all_inner_texts()
        values = self.main.get_by_role("definition").all_inner_texts()
        return {t.strip(): v.strip() for t, v in zip(terms, values, strict=False)}

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

    def _arrived(self, destination: type[P], action: str) -> P:
        """`destination` as the page `action` led to; raises PortalRefused (the page's message) or UnexpectedPage
        when the browser shows something else."""
        if not self.landed_at(destination.PATH):
            raise self._refused_or_unexpected(action, destination.TITLE)
        return destination(self.page, self.profile)

    def _submit_to(self, control: Locator, destination: type[P], action: str) -> P:
        """Submit with `control` (named `action` in messages) and return `destination`, the page it leads to."""
        self._submit(control)
        return self._arrived(destination, action)


class PortalPage(BasePage):
    """A page of the signed-in portal, with the Billing and orders navigation."""

    ADDRESS: ClassVar[str | None] = None  # where `visit` goes, below the portal's base URL (a page with one address)

    def __init__(self, page: Page, profile: PortalProfile | None = None) -> None:
        super().__init__(page, profile)
        nav = self.profile.navigation
        self.billing_nav = page.get_by_role("navigation", name=nav.landmark)
        self.subscriptions_link = self.billing_nav.get_by_role("link", name=nav.subscriptions, exact=True)
        self.cart_link = self.billing_nav.get_by_role("link", name=nav.cart, exact=True)
        self.order_history_link = self.billing_nav.get_by_role("link", name=nav.order_history, exact=True)
        # Each navigation link by the path of the page it leads to, with its name for messages.
        self._nav_links = {
            paths.SUBSCRIPTIONS: (self.subscriptions_link, nav.subscriptions),
            paths.CART: (self.cart_link, nav.cart),
            paths.ORDER_HISTORY: (self.order_history_link, nav.order_history),
        }

    @classmethod
    def visit(cls, page: Page, base_url: str, profile: PortalProfile | None = None) -> Self:
        """Go straight to this page by its address (sign in first); raises UnexpectedPage when the portal shows
        something else (e.g. the sign-in form, once the session has ended)."""
        if cls.ADDRESS is None:
            raise TypeError(f"{cls.__name__} has no address of its own to visit: reach it through the page before it")
        here = cls(page, profile)
        here.check_response(page.goto(base_url.rstrip("/") + cls.ADDRESS))
        return here._arrived(cls, f"Open {cls.TITLE}")

    def go_to(self, destination: type[P]) -> P:
        """Billing and orders › the link to `destination`: go_to(SubscriptionsPage), go_to(CartPage) or
        go_to(OrderHistoryPage)."""
        if destination.PATH not in self._nav_links:
            raise ValueError(f"the Billing and orders navigation has no link to {destination.__name__}")
        link, name = self._nav_links[destination.PATH]
        return self._submit_to(link, destination, name)
