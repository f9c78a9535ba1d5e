"""Data: one fresh account per test (Faker fills whatever its spec omits) on the suite's own day, and the order
confirmations its user receives."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from automation.clients import AccountData, Mailbox, MailboxTimeout, Message, PortalAdmin, UnexpectedMessages
from automation.flows import RULE_ONE_EMAIL
from automation.profile import PortalProfile

# Every account made here lives on this date (its own clock), so the window edges are the same whatever day CI runs.
TODAY = date(2030, 3, 1)
EMAIL_TIMEOUT, EMAIL_SETTLE = 10.0, 0.5

MakeAccount = Callable[..., AccountData]
ConfirmationEmails = Callable[[AccountData, int], list[Message]]


@pytest.fixture(scope="session")
def today() -> date:
    """The day every account's clock shows unless a test says otherwise."""
    return TODAY


# --- data: one fresh account per test ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def create_account(admin: PortalAdmin, profile: PortalProfile) -> MakeAccount:
    """Create an account from a test-control API spec (`subscriptions`, `country`, `users`, `today`, `locale`); TODAY
    and users speaking the profile's language by default."""

    def create(**spec: Any) -> AccountData:
        subscriptions = spec.pop("subscriptions", [{}])
        spec.setdefault("today", TODAY)
        spec.setdefault("locale", profile.language)
        return admin.create_account(subscriptions, **spec)

    return create


@pytest.fixture
def make_account(create_account: MakeAccount, request: pytest.FixtureRequest) -> Iterator[MakeAccount]:
    """Factory: a fresh account with unique Faker data per call (the portal fills whatever the spec omits).

    Nothing is deleted afterwards: isolation comes from fresh data, not from wiping. Each account made is
    recorded on the test's report (JUnit properties), so a failure leads to its data in the portal and inbox."""
    made: list[AccountData] = []

    def make(**spec: Any) -> AccountData:
        account = create_account(**spec)
        made.append(account)
        return account

    yield make
    for account in made:
        request.node.user_properties.append(("account", f"{account.id} {account.user.email}"))


@pytest.fixture
def account_spec() -> dict[str, Any]:
    """The spec of the test's `account`; a module or a parametrize overrides it."""
    return {"subscriptions": [{}]}


@pytest.fixture
def account(make_account: MakeAccount, account_spec: dict[str, Any]) -> AccountData:
    """The test's own account, made from `account_spec`."""
    return make_account(**account_spec)


# --- mail ---------------------------------------------------------------------------------------------------


@pytest.fixture
def confirmation_emails(mailbox: Mailbox, profile: PortalProfile) -> ConfirmationEmails:
    """Factory: wait for exactly `count` order confirmations to the account's user (none more arrive in the
    settle time) and return them; a different count fails naming R8."""

    def read(account: AccountData, count: int) -> list[Message]:
        query = f'to:{account.user.email} subject:"{profile.confirmation_subject_prefix()}"'
        try:
            found = mailbox.wait_for(query, count, timeout=EMAIL_TIMEOUT, settle=EMAIL_SETTLE)
        except (MailboxTimeout, UnexpectedMessages) as error:
            raise AssertionError(f"{RULE_ONE_EMAIL}: {error}") from None
        return [mailbox.get(summary.id) for summary in found]

    return read
