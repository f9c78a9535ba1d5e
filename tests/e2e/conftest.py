"""End-to-end fixtures on pytest-playwright: the portal, its test-control API and mailbox, fresh accounts, signed-in pages.

pytest-playwright owns the browser, contexts, pages and artifacts (`--headed`, `--slowmo`, `--video`, `--tracing`,
`--screenshot`, `--output`, `--base-url`); the suite only points it at the Chromium `automation.browser` finds and at
a portal: the embedded one started per xdist worker, or a running one given by `--base-url` and `--mailbox-url`.

This file holds the suite's options and hooks, and gathers its fixtures by name from the modules beside it:
fixtures_browser (the browser), fixtures_portal (the portal, admin, mailbox, profile), fixtures_accounts (accounts and
their emails) and fixtures_pages (signing in, page objects).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fixtures_accounts import account, account_spec, confirmation_emails, create_account, make_account, today  # noqa: F401 (fixtures)
from fixtures_browser import browser_context_args, browser_type_launch_args, context, launch_browser  # noqa: F401 (fixtures)
from fixtures_pages import saved_sign_in, sign_in_as, sign_in_page, signed_in, storage_state, subscriptions_page  # noqa: F401 (fixtures)
from fixtures_portal import PROFILE, admin, base_url, mailbox, portal, profile  # noqa: F401 (fixtures)

from automation.profile import default_profile
from automation.settings import PROFILE_HINT, SettingsError, locale_profile

E2E_DIR = Path(__file__).parent

LOCALE_HINT = "--portal-locale / RENEWALS_PORTAL_LOCALE"
RETRIES_ENV = "RENEWALS_E2E_RETRIES"


# --- options, marker, order ---------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("renewals e2e", "Renewal harness end-to-end suite")
    group.addoption(
        "--mailbox-url",
        default=os.environ.get("RENEWALS_MAILBOX_URL") or None,
        help="Mailpit-compatible mail API of the portal given by --base-url, e.g. http://127.0.0.1:8025 "
        "(env RENEWALS_MAILBOX_URL). Without --base-url the suite starts its own portal and catcher.",
    )
    group.addoption(
        "--connect",
        default=os.environ.get("RENEWALS_CONNECT") or None,
        metavar="WS_URL",
        help="Run the browser on a Playwright server (`playwright run-server`), e.g. ws://127.0.0.1:3000/ "
        "(env RENEWALS_CONNECT).",
    )
    group.addoption(
        "--cdp",
        default=os.environ.get("RENEWALS_CDP") or None,
        metavar="HTTP_URL",
        help="Attach to a Chromium started with --remote-debugging-port, e.g. http://127.0.0.1:9222 (env RENEWALS_CDP).",
    )
    group.addoption(
        "--portal-profile",
        default=os.environ.get("RENEWALS_PORTAL_PROFILE") or None,
        metavar="PATH",
        help="The portal's profile: a TOML file naming what its pages show, or a shipped profile's name "
        "(env RENEWALS_PORTAL_PROFILE; default mock-en, the mock portal in English).",
    )
    group.addoption(
        "--portal-locale",
        default=os.environ.get("RENEWALS_PORTAL_LOCALE") or None,
        metavar="LOCALE",
        help="Run the suite against the portal in this language: en, fr or ja (env RENEWALS_PORTAL_LOCALE). "
        "Short for --portal-profile mock-LOCALE; browsers ask for it and every account's users speak it.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the `locales` marker, take RENEWALS_E2E_RETRIES as --reruns, and read the portal's profile once: a bad
    one, or a --portal-profile of another language than --portal-locale, stops the run before any test."""
    _reruns_from_env(config)
    config.addinivalue_line(
        "markers", "locales: one of the few e2e tests `make test` also runs in every other language (-m locales)"
    )
    try:
        chosen = locale_profile(
            config.getoption("--portal-locale", default=None),
            config.getoption("--portal-profile", default=None),
            locale_flag=LOCALE_HINT,
            profile_flag=PROFILE_HINT,
        )
    except SettingsError as error:
        raise pytest.UsageError(f"{error.hint}: {error}") from None
    config.stash[PROFILE] = chosen or default_profile()


def _reruns_from_env(config: pytest.Config) -> None:
    """RENEWALS_E2E_RETRIES is the env twin of pytest-rerunfailures' --reruns (default none: a flaky test is a bug);
    a --reruns on the command line wins."""
    value = os.environ.get(RETRIES_ENV, "").strip()
    if not value or config.getoption("reruns", default=None) is not None:
        return
    try:
        reruns = int(value)
    except ValueError:
        raise pytest.UsageError(f"{RETRIES_ENV}={value!r} is not a whole number; use e.g. {RETRIES_ENV}=2") from None
    config.option.reruns = reruns


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the e2e tests (for -m e2e)."""
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)


# --- reruns (pytest-rerunfailures: --reruns N / RENEWALS_E2E_RETRIES) -----------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Give a test that passed or failed after reruns the property e2e_failed_attempts (JUnit XML reads properties
    from the teardown report, hence tryfirst)."""
    failed_attempts = getattr(report, "rerun", 0)  # set by pytest-rerunfailures on each attempt's reports
    if report.when != "teardown" or report.outcome == "rerun" or not failed_attempts:
        return
    # Under xdist the worker and then the controller see the same report: add the property once.
    if all(name != "e2e_failed_attempts" for name, _ in report.user_properties):
        report.user_properties.append(("e2e_failed_attempts", failed_attempts))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name the tests that passed only on a rerun: they are flaky, and a flaky test is a bug to fix."""
    flaky = [
        f"{report.nodeid} (failed {report.rerun} time(s) first)"
        for report in terminalreporter.stats.get("passed", [])
        if getattr(report, "rerun", 0)
    ]
    if flaky:
        terminalreporter.write_sep("=", "e2e tests that passed only on a rerun (flaky)", yellow=True)
        for line in flaky:
            terminalreporter.write_line(line)
