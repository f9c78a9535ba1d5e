"""Fixtures over a whole portal stack on real sockets (tests/integration): the portal, its mail catcher and test-control
API on free ports, the test-control and mailbox clients and the `renewals` CLI pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from automation import cli
from automation.clients import AccountData, Mailbox, PortalAdmin
from mock_portal.server import PortalStack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalStack]:
    """The portal, its mail catcher and the test-control API on free ports, with a private database (one per module)."""
    database = tmp_path_factory.mktemp("portal") / "portal.db"
    with PortalStack(
        port=0,
        smtp_port=0,
        mail_port=0,
        testing=True,
        database_url=f"sqlite:///{database}",
        seed_demo=False,
        # The sign-in limiter counts per client address across every portal in this process (other test modules too).
        config={"LOGIN_ATTEMPTS_PER_MINUTE": 1000, "LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE": 1000},
    ) as running:
        yield running


@pytest.fixture(scope="module")
def admin(stack: PortalStack) -> Iterator[PortalAdmin]:
    """The harness's client of the stack's test-control API."""
    with PortalAdmin(stack.base_url) as client:
        yield client


@pytest.fixture(scope="module")
def mailbox(stack: PortalStack) -> Iterator[Mailbox]:
    """The harness's client of the stack's mail catcher (its Mailpit-compatible API), the one the portal mails."""
    assert stack.mail_api_url is not None, "the stack was started without its mail catcher"
    with Mailbox(stack.mail_api_url) as client:
        yield client


@pytest.fixture
def renewals(stack: PortalStack, tmp_path: Path) -> Callable[..., Any]:
    """Run `renewals ARGS` against the stack as `account`'s user, saving its sign-in under tmp_path."""
    runner = CliRunner()

    def run(account: AccountData, *args: str) -> Any:
        env = {
            "RENEWALS_BASE_URL": stack.base_url,
            "RENEWALS_MAILBOX_URL": stack.mail_api_url or "",
            "RENEWALS_EMAIL": account.user.email,
            "RENEWALS_PASSWORD": account.user.password,
            "RENEWALS_STORAGE_STATE": str(tmp_path / "state.json"),
        }
        return runner.invoke(cli.app, list(args), env=env)

    return run
