"""The portal under test: the one given by --base-url and --mailbox-url, else a private one per xdist worker; its
test-control API (admin), its mailbox, and the profile that names what its pages show."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from automation.clients import Mailbox, PortalAdmin
from automation.local_portal import LocalPortal
from automation.profile import PortalProfile

PROFILE = pytest.StashKey[PortalProfile]()


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
def admin(portal: Portal) -> Iterator[PortalAdmin]:
    """The portal's test-control API."""
    with PortalAdmin(portal.base_url) as client:
        yield client


@pytest.fixture(scope="session")
def mailbox(portal: Portal) -> Iterator[Mailbox]:
    """The mail catcher (or Mailpit) every test shares: search it with `to:<the test's user>`."""
    with Mailbox(portal.mailbox_url) as client:
        yield client


@pytest.fixture(scope="session")
def profile(pytestconfig: pytest.Config) -> PortalProfile:
    """The portal's vocabulary (--portal-profile, or --portal-locale's bundled one): page objects and flows take every
    name from it, and its locale is the language of the browser and of every account's users."""
    return pytestconfig.stash[PROFILE]
