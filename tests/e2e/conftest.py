"""End-to-end fixtures on pytest-playwright: the portal, its test-control API and mailbox, fresh accounts, signed-in pages.

pytest-playwright owns the browser, contexts, pages and artifacts (`--headed`, `--slowmo`, `--video`, `--tracing`,
`--screenshot`, `--output`, `--base-url`); this file only points it at the Chromium `automation.browser` finds and at
a portal: the embedded one started per xdist worker, or a running one given by `--base-url` and `--mailbox-url`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright

from automation.browser import BrowserOptions, launch_kwargs
from automation.browser import launch_browser as launch_remote_or_local
from automation.clients import AccountData, Mailbox, MailboxTimeout, Message, PortalAdmin, UnexpectedMessages
from automation.flows import RULE_ONE_EMAIL, sign_in
from automation.local_portal import LocalPortal
from automation.pages import PortalPage, SignInPage, SubscriptionsPage
from automation.profile import PortalProfile, default_profile
from automation.settings import PROFILE_HINT, SettingsError, locale_profile

E2E_DIR = Path(__file__).parent
# Every account made here lives on this date (its own clock), so the window edges are the same whatever day CI runs.
TODAY = date(2030, 3, 1)
EMAIL_TIMEOUT, EMAIL_SETTLE = 10.0, 0.5

LOCALE_HINT = "--portal-locale / RENEWALS_PORTAL_LOCALE"
RETRIES_ENV = "RENEWALS_E2E_RETRIES"
PROFILE = pytest.StashKey[PortalProfile]()

MakeAccount = Callable[..., AccountData]
SignInAs = Callable[..., PortalPage]
ConfirmationEmails = Callable[[AccountData, int], list[Message]]


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


# --- the browser: pytest-playwright's, launched as automation.browser says ------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any], pytestconfig: pytest.Config) -> dict[str, Any]:
    """The Chromium and flags automation.browser finds (RENEWALS_BROWSER_PATH, …); --headed and --slowmo win."""
    options = BrowserOptions.from_env()
    # A headed run needs the full browser, not Playwright's headless shell: find it for the mode we launch in.
    options = dataclasses.replace(options, headed=options.headed or bool(pytestconfig.getoption("--headed")))
    return {**launch_kwargs(options), **browser_type_launch_args}


@pytest.fixture(scope="session")
def launch_browser(
    launch_browser: Callable[..., Browser], playwright: Playwright, pytestconfig: pytest.Config
) -> Callable[..., Browser]:
    """pytest-playwright's launcher, or a remote browser (--connect / --cdp) attached the way the CLI does it."""
    remote = dataclasses.replace(
        BrowserOptions.from_env(), connect=pytestconfig.getoption("--connect"), cdp=pytestconfig.getoption("--cdp")
    )
    if not (remote.connect or remote.cdp):
        return launch_browser
    return lambda **_: launch_remote_or_local(playwright, remote)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], profile: PortalProfile) -> dict[str, Any]:
    """pytest-playwright's context arguments, with the profile's locale: the browser asks the portal for its language
    (Accept-Language), as a person's browser would."""
    return {**browser_context_args, "locale": profile.locale}


@pytest.fixture
def context(context: BrowserContext) -> BrowserContext:
    """pytest-playwright's context, failing a stuck action after 15 s rather than 30."""
    context.set_default_timeout(15_000)
    return context


# --- the portal --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Portal:
    """Where the portal and its mail API are; `embedded` when this worker started them itself."""

    base_url: str
    mailbox_url: str
    embedded: bool


@pytest.fixture(scope="session")
def portal(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """The running portal given by --base-url (with --mailbox-url), else a private one for this worker.

    One stack per xdist worker: its own SQLite file and mail catcher on free ports, so workers never wait on
    each other's database lock; isolation between tests still comes from each test's own account."""
    given = pytestconfig.getoption("--base-url", default=None)
    if given:
        mailbox_url = pytestconfig.getoption("--mailbox-url", default=None) or os.environ.get("RENEWALS_MAILBOX_URL")
        if not mailbox_url:
            pytest.fail(
                f"--base-url {given} needs the portal's mail API too: pass --mailbox-url (or RENEWALS_MAILBOX_URL), "
                "e.g. http://127.0.0.1:8025; the portal must run with --testing",
                pytrace=False,
            )
        yield Portal(given.rstrip("/"), mailbox_url.rstrip("/"), embedded=False)
        return
    database = tmp_path_factory.mktemp("portal") / "portal.db"
    with LocalPortal(f"sqlite:///{database}") as stack:
        yield Portal(stack.base_url, stack.mailbox_url, embedded=True)


@pytest.fixture(scope="session")
def base_url(portal: Portal) -> str:
    """pytest-playwright's base_url (contexts get it, so `page.goto("/cart")` works): the portal in use."""
    return portal.base_url


@pytest.fixture(scope="session")
def admin(portal: Portal) -> PortalAdmin:
    """The portal's test-control API."""
    return PortalAdmin(portal.base_url)


@pytest.fixture(scope="session")
def mailbox(portal: Portal) -> Mailbox:
    """The mail catcher (or Mailpit) every test shares: search it with `to:<the test's user>`."""
    return Mailbox(portal.mailbox_url)


@pytest.fixture(scope="session")
def profile(pytestconfig: pytest.Config) -> PortalProfile:
    """The portal's vocabulary (--portal-profile, or --portal-locale's bundled one): page objects and flows take every
    name from it, and its locale is the language of the browser and of every account's users."""
    return pytestconfig.stash[PROFILE]


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
