"""The `renewals` command: serve the portal, renew subscriptions through the browser, record the demo, check the setup.

The commands only parse options and print; the work happens in automation.runner, automation.doctor and
automation.demo.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from automation.browser_options import BrowserOptions
from automation.cli_options import (
    DEFAULT_BASE_URL,
    DEFAULT_MAILBOX_URL,
    BaseUrl,
    BrowserPath,
    Cdp,
    Connect,
    Headed,
    LocaleOpt,
    MailboxUrl,
    PortalProfileOpt,
    RenewOptions,
    with_renew_options,
)
from automation.selection import Selection, SelectionError, build_selection
from automation.settings import RenewSettings, SettingsError, locale_profile

if TYPE_CHECKING:
    from rich.console import Console

    out: Console  # standard output; made on first use by __getattr__ below
    err: Console  # standard error, for progress and errors

app = typer.Typer(
    name="renewals",
    help="Renew subscriptions on the account portal through a real browser, serve the mock portal, record the demo.",
    no_args_is_help=True,
    add_completion=False,
)


def __getattr__(name: str) -> Console:
    """Make `out` and `err` on first use: Rich costs ~40 ms of import that `--help` and option errors need not pay."""
    if name not in ("out", "err"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rich.console import Console

    console = Console(stderr=name == "err")
    globals()[name] = console  # later lookups, and monkeypatch.setattr in tests, see this one
    return console


def _out() -> Console:
    return globals()["out"] if "out" in globals() else __getattr__("out")


def _err() -> Console:
    return globals()["err"] if "err" in globals() else __getattr__("err")


def _selection(numbers: list[str] | None, **filters: object) -> Selection:
    try:
        return build_selection(numbers or [], **filters)  # type: ignore[arg-type]
    except SelectionError as error:
        raise typer.BadParameter(str(error), param_hint=error.hint) from None


def _settings(options: RenewOptions) -> RenewSettings:
    try:
        return options.settings()
    except SettingsError as error:
        raise typer.BadParameter(str(error), param_hint=error.hint) from None


def _fail(message: str) -> typer.Exit:
    """Print one plain line (no markup, no hard wrapping) and return the exit for `raise`."""
    _err().print(f"error: {message}", style="bold red", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(1)


def _say(line: str) -> None:
    _err().print(line, markup=False, highlight=False)


def _renew(settings: RenewSettings, selection: Selection, *, bulk: bool) -> None:
    from automation import report, runner  # runner imports Playwright, report Rich; --help stays fast without them

    try:
        outcome = runner.run(settings, selection, bulk=bulk, console=None if settings.json else _err())
    except runner.CannotRun as problem:
        if settings.json:
            _out().print_json(json.dumps({"ok": False, "error": str(problem)}))
        raise _fail(str(problem)) from None
    if settings.json:
        _out().print_json(json.dumps(report.outcome_json(outcome)))
    else:
        report.print_outcome(_out(), outcome)
    if outcome.error:
        raise _fail(outcome.error)


@app.command()
@with_renew_options
def renew(
    numbers: Annotated[list[str], typer.Argument(metavar="NUMBER", help="12-digit subscription numbers; each is its own order.")],
    *,
    options: RenewOptions,
) -> None:
    """Renew subscriptions one at a time with their Renew button; check dates and the one email per order."""
    selection = _selection(numbers)
    _renew(_settings(options), selection, bulk=False)


@app.command("bulk-renew")
@with_renew_options
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
    *,
    options: RenewOptions,
) -> None:
    """Renew many subscriptions through Bulk actions › Renew: by numbers, by a filter, or --all-eligible."""
    selection = _selection(numbers, csn=csn, currency=currency, payment_method=payment_method, all_eligible=all_eligible)
    _renew(_settings(options), selection, bulk=True)


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
    from automation import report
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
    _out().print(report.renewal_table([result.single, result.bulk]))
    _out().print(report.counts_line([result.single, result.bulk]), style="green", highlight=False)
    for what, path in (("video", result.video), ("trace", result.trace), ("summary", result.summary)):
        if path is not None:
            _out().print(f"{what:>8}: {path}", markup=False, highlight=False, soft_wrap=True)


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
    from automation import report

    options = BrowserOptions(browser_path=browser_path, connect=connect, cdp=cdp, headed=headed)
    result = checks.run(base_url, mailbox_url, options)
    _out().print(report.doctor_table(result))
    _out().print(report.doctor_verdict(result))
    raise typer.Exit(0 if result.browser_usable else 1)
