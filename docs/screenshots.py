"""Take the README's screenshots of the subscriptions page in each language: `python docs/screenshots.py [fr ja …]`.

Starts a private portal with the demo account speaking that language, signs in, and saves
docs/subscriptions-<locale>.png."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from automation.browser import launch_browser
from automation.browser_options import BrowserOptions
from automation.local_portal import LocalPortal
from automation.pages import SignInPage, SubscriptionsPage
from automation.profile import load_profile
from automation.profiles import bundled_profile

DOCS = Path(__file__).resolve().parent


def shoot(locale: str) -> Path:
    profile = load_profile(bundled_profile(locale))
    target = DOCS / f"subscriptions-{locale}.png"
    with (
        tempfile.TemporaryDirectory() as workdir,
        LocalPortal(f"sqlite:///{workdir}/p.db", demo=True, demo_locale=locale) as portal,
    ):
        demo = portal.demo
        assert demo is not None
        with sync_playwright() as pw:
            browser = launch_browser(pw, BrowserOptions())
            page = browser.new_context(viewport={"width": 1280, "height": 900}, locale=profile.locale).new_page()
            home = SignInPage.visit(page, portal.base_url, profile).sign_in(demo.email, demo.password)
            home.go_to(SubscriptionsPage)
            page.screenshot(path=str(target), full_page=False)
            browser.close()
    return target


if __name__ == "__main__":
    for code in sys.argv[1:] or ["fr", "ja"]:
        print(shoot(code))
