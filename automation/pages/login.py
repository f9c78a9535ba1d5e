"""The sign-in page and the account overview a user lands on."""

from __future__ import annotations

from playwright.sync_api import Page

from ..profile import PortalProfile
from . import paths
from .base import BasePage, PortalPage


class AccountHome(PortalPage):
    """The account overview, shown right after signing in."""

    PATH = ADDRESS = paths.HOME
    TITLE = "the account overview"

    def __init__(self, page: Page, profile: PortalProfile | None = None) -> None:
        super().__init__(page, profile)
        self.heading = page.get_by_role("heading", level=1)


class SignInPage(BasePage):
    """`/login`: Email, Password, Sign in."""

    PATH = paths.SIGN_IN
    TITLE = "the sign-in form"

    def __init__(self, page: Page, profile: PortalProfile | None = None) -> None:
        super().__init__(page, profile)
        names = self.profile.sign_in
        self.email = page.get_by_label(names.email, exact=True)
        self.password = page.get_by_label(names.password, exact=True)
        self.sign_in_button = page.get_by_role("button", name=names.submit, exact=True)

    @classmethod
    def visit(cls, page: Page, base_url: str, profile: PortalProfile | None = None) -> SignInPage:
        """Go to the portal's sign-in page."""
        sign_in = cls(page, profile)
        sign_in.check_response(page.goto(sign_in.profile.ask_for_language(base_url.rstrip("/") + "/login")))
        return sign_in

    def is_shown(self) -> bool:
        """Whether the browser shows the sign-in form (e.g. after being sent here from a protected page)."""
        return self.is_at(self.PATH) and self.sign_in_button.count() > 0

    def sign_in(self, email: str, password: str) -> AccountHome:
        """Sign in with email and password; raises PortalRefused with the portal's message if refused."""
        self.email.fill(email)
        self.password.fill(password)
        self._submit(self.sign_in_button)
        if self.is_at(self.PATH):
            raise self._refused_or_unexpected(self.profile.sign_in.submit, AccountHome.TITLE)
        return AccountHome(self.page, self.profile)
