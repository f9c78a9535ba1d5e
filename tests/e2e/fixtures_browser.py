"""The browser: pytest-playwright's own fixtures, launched as automation.browser says (its Chromium, or a remote one
with --connect / --cdp), contexts in the profile's language and a shorter default timeout."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright

from automation.browser import launch_browser as launch_remote_or_local
from automation.browser import launch_kwargs
from automation.browser_options import BrowserOptions
from automation.profile import PortalProfile


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
