"""The sign-in page and the account overview a user lands on."""

from __future__ import annotations

from playwright.sync_api import Page

from .base import BasePage, PortalPage


class AccountHome(PortalPage):
    """The account overview, shown right after signing in."""

    PATH = r"/"

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.heading = page.get_by_role("heading", level=1)


class SignInPage(BasePage):
    """`/login`: Email, Password, Sign in."""

    PATH = r"/login"

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.email = page.get_by_label("Email", exact=True)
        self.password = page.get_by_label("Password", exact=True)
        self.sign_in_button = page.get_by_role("button", name="Sign in", exact=True)

    @classmethod
    def visit(cls, page: Page, base_url: str) -> SignInPage:
        """Go to the portal's sign-in page."""
        sign_in = cls(page)
        sign_in.check_response(page.goto(base_url.rstrip("/") + "/login"))
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
            raise self._refused_or_unexpected("Sign in", "the account overview")
        return AccountHome(self.page)
