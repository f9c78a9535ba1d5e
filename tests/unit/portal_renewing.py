"""What the single-renewal test modules share: the accounts' day, and renewing subscriptions through to a placed order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from portal_browser import Browser, Page

TODAY = date(2027, 1, 1)


def renew_and_check_out(browser: Browser, numbers: Sequence[str], *, renew_now: bool) -> Page:
    """Renew each subscription into the cart, open checkout and place the order; the page that answers."""
    for number in numbers:
        assert browser.renew(number).path == "/cart"
    assert browser.get("/checkout").status == 200
    return browser.place_order(renew_now=renew_now)
