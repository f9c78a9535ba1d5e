"""Signing in once through the flows, then reusing the storage state, and the page objects a test starts from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from automation.clients import AccountData
from automation.flows import sign_in
from automation.pages import PortalPage, SignInPage, SubscriptionsPage
from automation.profile import PortalProfile

SignInAs = Callable[..., PortalPage]


# --- signing in: once, through the flows, then reused by storage state -------------------------------------


@pytest.fixture
def storage_state(tmp_path: Path) -> Path:
    """Where the test's sign-in is saved; pass it to the flows (`storage_state=`) so they reuse it."""
    return tmp_path / "storage-state.json"


@pytest.fixture
def sign_in_as(page: Page, base_url: str, storage_state: Path, profile: PortalProfile) -> SignInAs:
    """Factory: sign a user of an account in on the test's page through the flows' sign_in, saving the state."""

    def sign(account: AccountData, user: int = 0) -> PortalPage:
        return sign_in(page, base_url, account.users[user], storage_state, profile=profile)

    return sign


@pytest.fixture
def signed_in(sign_in_as: SignInAs, account: AccountData) -> PortalPage:
    """The test's page, signed in as its account's first user, on the account overview."""
    return sign_in_as(account)


@pytest.fixture(scope="session")
def saved_sign_in(
    browser: Browser, base_url: str, tmp_path_factory: pytest.TempPathFactory, profile: PortalProfile
) -> Callable[[AccountData], Path]:
    """Factory for read-only modules: sign a user in once in a throwaway context and return the storage state,
    which the module passes to every context through `browser_context_args`."""

    def save(account: AccountData) -> Path:
        state = tmp_path_factory.mktemp("signed-in") / "storage-state.json"
        context = browser.new_context(base_url=base_url, locale=profile.locale)
        try:
            sign_in(context.new_page(), base_url, account.user, state, profile=profile)
        finally:
            context.close()
        return state

    return save


# --- page objects -----------------------------------------------------------------------------------------


@pytest.fixture
def sign_in_page(page: Page, base_url: str, profile: PortalProfile) -> SignInPage:
    """The sign-in page, nobody signed in."""
    return SignInPage.visit(page, base_url, profile)


@pytest.fixture
def subscriptions_page(signed_in: PortalPage) -> SubscriptionsPage:
    """Billing and orders › Subscriptions and contracts of the test's account."""
    return signed_in.go_to(SubscriptionsPage)
