"""What the `renewals` command-line test modules share: plain 80-column output, a runner, and a valid sign-in.

The fixtures' functions are named apart from the fixtures (`name=`), so a test module imports them without a test's
`invoke` argument shadowing the import."""

from __future__ import annotations

from typing import Any

import pytest
import typer
import typer.rich_utils
from rich.console import Console
from typer.testing import CliRunner

from automation import cli

NUMBER = "123456789012"
SIGN_IN = {"RENEWALS_EMAIL": "qa@example.com", "RENEWALS_PASSWORD": "secret"}


@pytest.fixture(autouse=True)
def plain_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """80 columns and no colour, whatever the terminal or CI says, so assertions see plain text."""
    monkeypatch.setattr(cli, "out", Console(width=80, color_system=None, force_terminal=False))
    monkeypatch.setattr(cli, "err", Console(width=80, color_system=None, force_terminal=False, stderr=True))
    monkeypatch.setattr(typer.rich_utils, "MAX_WIDTH", 200)  # help and error panels: no wrapping inside names
    monkeypatch.setattr(typer.rich_utils, "COLOR_SYSTEM", None)
    for name in (
        "RENEWALS_EMAIL",
        "RENEWALS_PASSWORD",
        "RENEWALS_BASE_URL",
        "RENEWALS_BROWSER_PATH",
        "RENEWALS_CONNECT",
        "RENEWALS_CDP",
        "RENEWALS_LOCALE",
        "RENEWALS_PORTAL_PROFILE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(name="invoke")
def invoke_fixture() -> Any:
    """Run `renewals ARGS` with extra environment variables; returns Typer's Result."""
    runner_ = CliRunner()
    return lambda *args, env=None: runner_.invoke(cli.app, list(args), env=env)
