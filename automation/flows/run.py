"""One flow's run: its steps timed and their failures named, the list read before, a checkout placed and checked,
and the dates and emails checked at the end; renew_one and renew_many are made of these."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ..clients import Mailbox
from ..pages import (
    CartPage,
    ConfirmationPage,
    ConfirmedOrder,
    PageError,
    PaymentDeclined,
    PortalPage,
    PortalRefused,
    SubscriptionRow,
    SubscriptionsPage,
    UnexpectedPage,
)
from ..profile import PortalProfile
from .checks import check_emails, show_numbers, verify_checkout, verify_dates
from .results import RULE_RENEW_NOW, FlowError, RenewalResult, RuleBroken


class FlowRun:
    """One flow's shared state: where it is, what it saw before, what it ordered, and how long each step took."""

    def __init__(
        self,
        page: Page,
        base_url: str,
        mailbox: Mailbox,
        renew_now: bool,
        email_timeout: float,
        email_settle: float,
        profile: PortalProfile | None,
    ) -> None:
        self.page, self.base_url, self.mailbox, self.renew_now = page, base_url, mailbox, renew_now
        self.profile = profile
        self.email_timeout, self.email_settle = email_timeout, email_settle
        self.started = time.perf_counter()
        self.result = RenewalResult()
        self.before: dict[str, SubscriptionRow] = {}
        self.orders: list[ConfirmedOrder] = []

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time a step; turn a page or Playwright failure inside it into a FlowError naming the step."""
        start = time.perf_counter()
        try:
            yield
        except (RuleBroken, FlowError):
            raise
        except PortalRefused as error:
            raise FlowError(name, f"{error.action} refused: {error.message}") from error
        except PageError as error:
            raise FlowError(name, str(error)) from error
        except PlaywrightTimeout as error:
            raise FlowError(
                name,
                f"the portal did not answer within the browser's timeout ({_first_line(error)}) while at "
                f"{self.page.url}: it is slow or stuck; check the portal, or allow more time",
            ) from error
        except PlaywrightError as error:
            raise FlowError(name, f"{_first_line(error)} (page: {self.page.url})") from error
        finally:
            self.result.durations[name] = self.result.durations.get(name, 0.0) + time.perf_counter() - start

    def read_before(self, portal: PortalPage, numbers: Sequence[str]) -> SubscriptionsPage:
        """Open the list and keep every row; the requested numbers must be there and offer Renew."""
        subscriptions = portal.go_to(SubscriptionsPage)
        self.before = {row.number: row for row in subscriptions.subscriptions(all_pages=True)}
        missing = [n for n in numbers if n not in self.before]
        if missing:
            raise FlowError("read dates before", f"not in this account: {', '.join(missing)}")
        for number in numbers:
            row = self.before[number]
            if not row.can_renew:
                raise FlowError("read dates before", f"subscription {number} can't be renewed: {row.reason}")
        return subscriptions

    def check_out(self, step: str, cart: CartPage, chunk: Sequence[str]) -> ConfirmationPage:
        """Cart → Check out → (Renew now) → Place order; then check what was ordered against the cart."""
        lines = cart.lines()
        in_cart = [line.number for line in lines]
        if sorted(in_cart) != sorted(chunk):
            raise FlowError(step, f"the cart holds {show_numbers(in_cart)}, expected {show_numbers(chunk)}")
        checkout = cart.check_out()
        if checkout.needs_renew_now():
            if not self.renew_now:
                try:
                    message = checkout.place_order_expecting_refusal()
                except UnexpectedPage as accepted:
                    raise RuleBroken(RULE_RENEW_NOW, f"{step}: {accepted}") from accepted
                raise FlowError(step, f"checkout refused: {message} (Renew now was not allowed)")
            checkout.tick_renew_now()
        try:
            confirmation = checkout.place_order()
        except PaymentDeclined as declined:
            raise FlowError(step, f"place order: payment declined: {declined.message}") from declined
        except PortalRefused as refused:
            raise FlowError(step, f"checkout refused: {refused.message}") from refused
        orders = confirmation.orders()
        verify_checkout(step, lines, orders)
        self.orders += orders
        self.result.orders += [order.number for order in orders]
        self.result.checkouts += 1
        return confirmation

    def finish(self) -> RenewalResult:
        """Go back to the list by its address, check the dates and the confirmation emails; return the result.

        The mail API is watched from another thread while the browser reads the dates, so the wait for the emails
        (and the settle time that shows no second one came) overlaps the reading instead of following it."""
        mail_watch = ThreadPoolExecutor(max_workers=1, thread_name_prefix="confirmation-emails")
        no_longer_needed = threading.Event()  # set when the dates fail first: the watch stops instead of waiting on
        emails = mail_watch.submit(
            check_emails, self.mailbox, self.orders, self.email_timeout, self.email_settle, no_longer_needed, self.profile
        )
        try:
            with self.step("read dates after"):
                subscriptions = SubscriptionsPage.visit(self.page, self.base_url, self.profile)
                after = {row.number: row for row in subscriptions.subscriptions(all_pages=True)}
                today = subscriptions.today()
            self.result.subscriptions = verify_dates(self.orders, self.before, after, today, self.profile)
            with self.step("confirmation emails"):
                self.result.emails = emails.result()
        finally:
            no_longer_needed.set()
            mail_watch.shutdown(wait=True)  # at once: the watch has returned, or stops on the event
        self.result.durations["total"] = time.perf_counter() - self.started
        return self.result


def _first_line(error: Exception) -> str:
    """Playwright's messages go on with call logs; the first line says what happened."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
