"""The `renewals` options, each declared once with its environment-variable twin, help text and default.

`renew` and `bulk-renew` share the options of a renewal run: they are the fields of RenewOptions, and
`@with_renew_options` puts them into a command's signature (for Typer, which reads options from it) and hands the
command one RenewOptions. Imports nothing heavy: `renewals --help` must not load Playwright."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Any, get_type_hints

import typer

from automation.browser_options import BrowserOptions
from automation.settings import RenewSettings, renew_settings

BROWSER = "Browser"
PORTAL = "Portal"
DEFAULT_BASE_URL = "http://127.0.0.1:5000"
DEFAULT_MAILBOX_URL = "http://127.0.0.1:8025"

BaseUrl = Annotated[str, typer.Option(envvar="RENEWALS_BASE_URL", help="The portal's address.", rich_help_panel=PORTAL)]
MailboxUrl = Annotated[
    str, typer.Option(envvar="RENEWALS_MAILBOX_URL", help="Mailpit-compatible mail API.", rich_help_panel=PORTAL)
]
Email = Annotated[
    str | None, typer.Option(envvar="RENEWALS_EMAIL", help="Portal user's email (required).", rich_help_panel=PORTAL)
]
Password = Annotated[
    str | None,
    typer.Option(
        envvar="RENEWALS_PASSWORD", help="Portal user's password (required).", show_default=False, rich_help_panel=PORTAL
    ),
]
BrowserPath = Annotated[
    str | None, typer.Option(envvar="RENEWALS_BROWSER_PATH", help="Chromium/Chrome executable to use.", rich_help_panel=BROWSER)
]
Connect = Annotated[
    str | None,
    typer.Option(envvar="RENEWALS_CONNECT", help="ws:// endpoint of a `playwright run-server`.", rich_help_panel=BROWSER),
]
Cdp = Annotated[
    str | None,
    typer.Option(
        envvar="RENEWALS_CDP", help="http:// endpoint of a Chromium with --remote-debugging-port.", rich_help_panel=BROWSER
    ),
]
Headed = Annotated[
    bool, typer.Option("--headed", envvar="RENEWALS_HEADED", help="Show the browser window.", rich_help_panel=BROWSER)
]
Slowmo = Annotated[
    float, typer.Option(envvar="RENEWALS_SLOWMO", min=0, help="Milliseconds to pause between actions.", rich_help_panel=BROWSER)
]
RenewNow = Annotated[
    bool,
    typer.Option(envvar="RENEWALS_RENEW_NOW", help="Tick Renew now at checkout for early renewals."),
]
StorageState = Annotated[
    Path | None,
    typer.Option(
        envvar="RENEWALS_STORAGE_STATE",
        help="Saved sign-in to reuse and update; by default .renewals/HOST-PORT-EMAIL.json.",
        dir_okay=False,
    ),
]
PortalProfileOpt = Annotated[
    str | None,
    typer.Option(
        "--portal-profile",
        envvar="RENEWALS_PORTAL_PROFILE",
        metavar="PATH",
        help="The portal's profile (TOML: its names, labels, date and money formats), or a shipped one's name; "
        "default: the mock portal in English (mock-en).",
        rich_help_panel=PORTAL,
    ),
]
LocaleOpt = Annotated[
    str | None,
    typer.Option(
        "--locale",
        envvar="RENEWALS_LOCALE",
        metavar="LOCALE",
        help="The portal's language: en, fr or ja. Picks that language's bundled profile (unless --portal-profile "
        "names one) and the browser's locale.",
        rich_help_panel=PORTAL,
    ),
]
JsonOut = Annotated[bool, typer.Option("--json", envvar="RENEWALS_JSON", help="Print the result as JSON instead of tables.")]
Trace = Annotated[
    Path | None,
    typer.Option(
        envvar="RENEWALS_TRACE",
        help="Write a Playwright trace (.zip) here; open it with `playwright show-trace`.",
        dir_okay=False,
    ),
]


@dataclass(frozen=True)
class RenewOptions:
    """The options of a renewal run, shared by `renew` and `bulk-renew`, in the order `--help` lists them."""

    base_url: BaseUrl = DEFAULT_BASE_URL
    email: Email = None
    password: Password = None
    mailbox_url: MailboxUrl = DEFAULT_MAILBOX_URL
    browser_path: BrowserPath = None
    connect: Connect = None
    cdp: Cdp = None
    headed: Headed = False
    slowmo: Slowmo = 0
    renew_now: RenewNow = True
    storage_state: StorageState = None
    json_output: JsonOut = False
    trace: Trace = None
    portal_profile: PortalProfileOpt = None
    locale: LocaleOpt = None

    def settings(self) -> RenewSettings:
        """The run's settings, checked; raises SettingsError naming the flag that is missing or malformed."""
        browser = BrowserOptions(
            browser_path=self.browser_path, connect=self.connect, cdp=self.cdp, headed=self.headed, slowmo=self.slowmo
        )
        return renew_settings(
            base_url=self.base_url, mailbox_url=self.mailbox_url, email=self.email, password=self.password,
            browser=browser, renew_now=self.renew_now, storage_state=self.storage_state, json=self.json_output,
            trace=self.trace, portal_profile=self.portal_profile, locale=self.locale,
        )  # fmt: skip


def _renew_parameters() -> list[inspect.Parameter]:
    """RenewOptions' fields as keyword parameters, their Annotated[…, typer.Option(…)] types included."""
    hints = get_type_hints(RenewOptions, include_extras=True)
    return [
        inspect.Parameter(field.name, inspect.Parameter.KEYWORD_ONLY, default=field.default, annotation=hints[field.name])
        for field in fields(RenewOptions)
    ]


def with_renew_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command every RenewOptions flag after its own parameters; it receives them as `options: RenewOptions`."""
    own = [p for name, p in inspect.signature(command, eval_str=True).parameters.items() if name != "options"]
    shared = _renew_parameters()
    names = {p.name for p in shared}

    @functools.wraps(command)
    def wrapper(**given: Any) -> None:
        options = RenewOptions(**{name: value for name, value in given.items() if name in names})
        command(**{name: value for name, value in given.items() if name not in names}, options=options)

    # Typer builds the command's options from its signature; functools.wraps would show it the command's own.
    wrapper.__signature__ = inspect.Signature([*own, *shared])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in [*own, *shared]}
    return wrapper
