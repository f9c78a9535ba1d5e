"""The `renewals` command: serve the portal, renew subscriptions through the browser, record the demo, check the setup.

The commands only parse options and print; the work happens in automation.runner, automation.doctor and
automation.demo.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from automation import report
from automation.browser import BrowserOptions
from automation.selection import Selection, SelectionError, build_selection
from automation.settings import RenewSettings, SettingsError, locale_profile, renew_settings

app = typer.Typer(
    name="renewals",
    help="Renew subscriptions on the account portal through a real browser, serve the mock portal, record the demo.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)

BROWSER = "Browser"
PORTAL = "Portal"

# Options shared by renew and bulk-renew; each has an environment-variable twin.
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

DEFAULT_BASE_URL = "http://127.0.0.1:5000"
DEFAULT_MAILBOX_URL = "http://127.0.0.1:8025"


def _selection(numbers: list[str] | None, **filters: object) -> Selection:
    try:
        return build_selection(numbers or [], **filters)  # type: ignore[arg-type]
    except SelectionError as error:
        raise typer.BadParameter(str(error), param_hint=error.hint) from None


def _settings(**options: object) -> RenewSettings:
    try:
        return renew_settings(**options)  # type: ignore[arg-type]
    except SettingsError as error:
        raise typer.BadParameter(str(error), param_hint=error.hint) from None


def _fail(message: str) -> typer.Exit:
    """Print one plain line (no markup, no hard wrapping) and return the exit for `raise`."""
    err.print(f"error: {message}", style="bold red", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(1)


def _say(line: str) -> None:
    err.print(line, markup=False, highlight=False)


def _renew(settings: RenewSettings, selection: Selection, *, bulk: bool) -> None:
    from automation import runner  # imports Playwright; --help stays fast without it

    try:
        outcome = runner.run(settings, selection, bulk=bulk, console=None if settings.json else err)
    except runner.CannotRun as problem:
        if settings.json:
            out.print_json(json.dumps({"ok": False, "error": str(problem)}))
        raise _fail(str(problem)) from None
    if settings.json:
        out.print_json(json.dumps(report.outcome_json(outcome)))
    else:
        report.print_outcome(out, outcome)
    if outcome.error:
        raise _fail(outcome.error)


@app.command()
def renew(
    numbers: Annotated[list[str], typer.Argument(metavar="NUMBER", help="12-digit subscription numbers; each is its own order.")],
    base_url: BaseUrl = DEFAULT_BASE_URL,
    email: Email = None,
    password: Password = None,
    mailbox_url: MailboxUrl = DEFAULT_MAILBOX_URL,
    browser_path: BrowserPath = None,
    connect: Connect = None,
    cdp: Cdp = None,
    headed: Headed = False,
    slowmo: Slowmo = 0,
    renew_now: RenewNow = True,
    storage_state: StorageState = None,
    json_output: JsonOut = False,
    trace: Trace = None,
    portal_profile: PortalProfileOpt = None,
    locale: LocaleOpt = None,
) -> None:
    """Renew subscriptions one at a time with their Renew button; check dates and the one email per order."""
    selection = _selection(numbers)
    settings = _settings(
        base_url=base_url, mailbox_url=mailbox_url, email=email, password=password,
        browser=BrowserOptions(browser_path=browser_path, connect=connect, cdp=cdp, headed=headed, slowmo=slowmo),
        renew_now=renew_now, storage_state=storage_state, json=json_output, trace=trace, portal_profile=portal_profile,
        locale=locale,
    )  # fmt: skip
    _renew(settings, selection, bulk=False)


@app.command("bulk-renew")
def bulk_renew(
    numbers: Annotated[
        list[str] | None,
        typer.Argument(metavar="NUMBER", help="12-digit subscription numbers, split into checkouts of ≤ 100."),
    ] = None,
    csn: Annotated[
        str | None, typer.Option(envvar="RENEWALS_CSN", help="Renew the eligible subscriptions of this 10-digit customer number.")
    ] = None,
    currency: Annotated[
        str | None, typer.Option(envvar="RENEWALS_CURRENCY", help="… in this currency (USD, EUR, GBP, JPY).")
    ] = None,
    payment_method: Annotated[
        str | None,
        typer.Option(
            envvar="RENEWALS_PAYMENT_METHOD",
            help="… paid this way: credit_card, paypal, direct_debit, konbini, atm_bank_transfer.",
        ),
    ] = None,
    all_eligible: Annotated[
        bool, typer.Option("--all-eligible", envvar="RENEWALS_ALL_ELIGIBLE", help="Renew every subscription the bulk page lists.")
    ] = False,
    base_url: BaseUrl = DEFAULT_BASE_URL,
    email: Email = None,
    password: Password = None,
    mailbox_url: MailboxUrl = DEFAULT_MAILBOX_URL,
    browser_path: BrowserPath = None,
    connect: Connect = None,
    cdp: Cdp = None,
    headed: Headed = False,
    slowmo: Slowmo = 0,
    renew_now: RenewNow = True,
    storage_state: StorageState = None,
    json_output: JsonOut = False,
    trace: Trace = None,
    portal_profile: PortalProfileOpt = None,
    locale: LocaleOpt = None,
) -> None:
    """Renew many subscriptions through Bulk actions › Renew: by numbers, by a filter, or --all-eligible."""
    selection = _selection(numbers, csn=csn, currency=currency, payment_method=payment_method, all_eligible=all_eligible)
    settings = _settings(
        base_url=base_url, mailbox_url=mailbox_url, email=email, password=password,
        browser=BrowserOptions(browser_path=browser_path, connect=connect, cdp=cdp, headed=headed, slowmo=slowmo),
        renew_now=renew_now, storage_state=storage_state, json=json_output, trace=trace, portal_profile=portal_profile,
        locale=locale,
    )  # fmt: skip
    _renew(settings, selection, bulk=True)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(envvar="PORTAL_HOST", help="Address to listen on [default: 127.0.0.1].")] = None,
    port: Annotated[
        int | None, typer.Option(envvar="PORTAL_PORT", min=0, max=65535, help="Portal port, 0 = any free [default: 5000].")
    ] = None,
    smtp_port: Annotated[
        int | None, typer.Option(envvar="PORTAL_SMTP_PORT", min=0, max=65535, help="SMTP catcher port [default: 1025].")
    ] = None,
    mail_port: Annotated[
        int | None, typer.Option(envvar="PORTAL_MAIL_PORT", min=0, max=65535, help="Mail API and inbox port [default: 8025].")
    ] = None,
    mail_host: Annotated[
        str | None,
        typer.Option(
            envvar="PORTAL_MAIL_HOST",
            help="Address of the mail API and SMTP catcher; --host alone moves only the portal [default: 127.0.0.1].",
        ),
    ] = None,
    allowed_hosts: Annotated[
        str | None,
        typer.Option(
            envvar="PORTAL_ALLOWED_HOSTS",
            help="Comma-separated host names, besides loopback, the test and mail APIs answer to (else 421); "
            "they are unauthenticated, so allow only the names you use.",
        ),
    ] = None,
    smtp_host: Annotated[
        str | None, typer.Option(envvar="PORTAL_SMTP_HOST", help="Send mail to this SMTP server (e.g. Mailpit), not the catcher.")
    ] = None,
    mail_api_url: Annotated[
        str | None, typer.Option(envvar="PORTAL_MAIL_API_URL", help="With --smtp-host: that server's API URL, to print.")
    ] = None,
    testing: Annotated[
        bool, typer.Option("--testing", envvar="PORTAL_TESTING", help="Mount the test-control API under /__test__/.")
    ] = False,
    database_url: Annotated[
        str | None, typer.Option(envvar="PORTAL_DATABASE_URL", help="SQLAlchemy URL [default: sqlite:///instance/portal.db].")
    ] = None,
    keep_data: Annotated[
        bool, typer.Option("--keep-data", envvar="PORTAL_KEEP_DATA", help="Keep the database instead of starting fresh.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", envvar="PORTAL_FORCE", help="Allow --testing on an address other machines can reach.")
    ] = False,
) -> None:
    """Run the local mock portal, its SMTP catcher and mail API, with the demo account."""
    from automation.local_portal import serve as serve_mock

    values = {"--host": host, "--port": port, "--smtp-port": smtp_port, "--mail-port": mail_port, "--mail-host": mail_host,
              "--allowed-hosts": allowed_hosts, "--smtp-host": smtp_host, "--mail-api-url": mail_api_url,
              "--database-url": database_url}  # fmt: skip
    flags = {"--testing": testing, "--keep-data": keep_data, "--force": force}
    argv = ["serve"]
    argv += [part for flag, value in values.items() if value is not None for part in (flag, str(value))]
    argv += [flag for flag, on in flags.items() if on]
    raise typer.Exit(serve_mock(argv))


@app.command()
def demo(
    headed: Annotated[bool, typer.Option("--headed", envvar="RENEWALS_DEMO_HEADED", help="Show the browser window.")] = False,
    slowmo: Annotated[
        float, typer.Option(envvar="RENEWALS_DEMO_SLOWMO", min=0, help="Milliseconds to pause between actions.")
    ] = 0,
    out_dir: Annotated[
        Path,
        typer.Option("--out", envvar="RENEWALS_DEMO_OUT", help="Where the video, trace and summary.json go.", file_okay=False),
    ] = Path("artifacts/demo"),
    no_video: Annotated[
        bool, typer.Option("--no-video", envvar="RENEWALS_DEMO_NO_VIDEO", help="Skip the video recording.")
    ] = False,
    seed: Annotated[
        int | None, typer.Option(envvar="RENEWALS_DEMO_SEED", help="Seed for the demo account's made-up data.")
    ] = None,
    portal_profile: PortalProfileOpt = None,
    locale: LocaleOpt = None,
) -> None:
    """Record the narrated renewal demo: one early renewal, a bulk renewal over two groups, the inbox."""
    from automation.browser import BrowserNotFound
    from automation.demo import DemoOptions, run_demo
    from automation.flows import FlowError, RuleBroken

    try:
        profile = locale_profile(locale, portal_profile)
    except SettingsError as error:
        raise typer.BadParameter(str(error), param_hint=error.hint) from None
    browser = replace(BrowserOptions.from_env(), headed=headed, slowmo=slowmo)
    options = DemoOptions(out=out_dir, browser=browser, video=not no_video, seed=seed, profile=profile)
    try:
        result = run_demo(options, say=_say)
    except (RuleBroken, FlowError, BrowserNotFound) as error:
        raise _fail(str(error)) from None
    out.print(report.renewal_table([result.single, result.bulk]))
    out.print(report.counts_line([result.single, result.bulk]), style="green", highlight=False)
    for what, path in (("video", result.video), ("trace", result.trace), ("summary", result.summary)):
        if path is not None:
            out.print(f"{what:>8}: {path}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def doctor(
    base_url: BaseUrl = DEFAULT_BASE_URL,
    mailbox_url: MailboxUrl = DEFAULT_MAILBOX_URL,
    browser_path: BrowserPath = None,
    connect: Connect = None,
    cdp: Cdp = None,
    headed: Headed = False,
) -> None:
    """Which browser, ffmpeg, ports and portal would be used, and what is missing with the fix. Exit 1 without a browser."""
    from automation import doctor as checks

    options = BrowserOptions(browser_path=browser_path, connect=connect, cdp=cdp, headed=headed)
    result = checks.run(base_url, mailbox_url, options)
    out.print(report.doctor_table(result))
    out.print(report.doctor_verdict(result))
    raise typer.Exit(0 if result.browser_usable else 1)
