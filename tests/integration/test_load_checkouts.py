"""Load, bounded and on loopback only: several accounts renew distinct subscriptions at the same time through the
real pages of a PortalStack (waitress, SQLite, outbox worker, mail catcher). Every order must be right, one email per
order, nothing twice. Throughput and Place order latency are reported (printed and in reports/load.json), not
asserted: speed targets belong to the benchmarks, and a loaded CI machine must not fail a correct portal.

Bounded: a fixed number of checkouts, per-request timeouts and an overall time limit; every thread stops by itself."""

from __future__ import annotations

import http.client
import json
import math
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from portal_browser import parse_html

from automation.clients import AccountData, Mailbox, MailboxTimeout, PortalAdmin, SubscriptionData, UnexpectedMessages
from mock_portal.catalog import product, tax_rate
from mock_portal.rules.pricing import transaction_totals
from mock_portal.rules.terms import add_term
from mock_portal.server import PortalStack

ACCOUNTS = 8  # one signed-in session each, all at once (a cart is per account, so one session per account)
PER_ACCOUNT = 12  # distinct subscriptions each, renewed one checkout at a time
TODAY = "2027-01-01"
TIME_LIMIT = 120.0  # seconds for all checkouts; past it the sessions stop and the test fails saying so
MAIL_WAIT = 30.0  # seconds for the outbox to deliver every confirmation
CONFIRMATIONS = 'subject:"Order confirmation"'
REQUEST_TIMEOUT = 30.0
REPORT = Path(__file__).resolve().parents[2] / "reports" / "load.json"


class TimeLimitExceeded(AssertionError):
    """The load run took longer than its bound."""


class Session:
    """One browser on loopback: its own keep-alive connection and session cookie; redirects are not followed."""

    def __init__(self, base_url: str, deadline: float) -> None:
        parts = urlsplit(base_url)
        assert parts.hostname in ("127.0.0.1", "localhost", "::1"), f"the load test runs on loopback only, not {base_url}"
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)
        self.cookie = ""
        self.deadline = deadline

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        """Status, Location and body of one request with this session's cookie."""
        if time.monotonic() > self.deadline:
            raise TimeLimitExceeded(f"the load run passed its {TIME_LIMIT:.0f} s limit")
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            if cookie.startswith("session="):
                self.cookie = cookie.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), text

    def form(self, html: str, button: str) -> dict[str, str]:
        """The fields a browser sends with the form holding this button: its hidden inputs."""
        doc = parse_html(html)
        forms = [f for f in doc.find_all("form") if f.find_all("button", text=button)]
        assert len(forms) == 1, f"expected one form with a {button!r} button, found {len(forms)}"
        return {el.attrs["name"]: el.attrs.get("value", "") for el in forms[0].find_all("input", type="hidden")}

    def close(self) -> None:
        self.connection.close()


@dataclass
class Renewal:
    """One checkout as the session saw it."""

    account_id: int
    subscription: str
    orders: list[str]
    place_order_seconds: float


@dataclass
class Run:
    renewals: list[Renewal] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, renewal: Renewal) -> None:
        with self.lock:
            self.renewals.append(renewal)


def renew_all(base_url: str, account: AccountData, run: Run, deadline: float) -> None:
    """Sign in through the form, then renew each subscription: Renew, open the checkout, Place order."""
    session = Session(base_url, deadline)
    try:
        user = account.user
        status, _, html = session.request("GET", "/login")
        fields = session.form(html, "Sign in") | {"email": user.email, "password": user.password}
        status, _, _ = session.request("POST", "/login", fields)
        assert status == 302, f"signing in as {user.email} answered {status}"
        csrf = session.form(session.request("GET", "/")[2], "Sign out")["csrf_token"]
        for number in account.numbers:
            status, _, _ = session.request("POST", "/cart", {"csrf_token": csrf, "subscription": number})
            assert status == 302, f"Renew {number} answered {status}"
            status, _, html = session.request("GET", "/checkout")
            fields = session.form(html, "Place order")
            if 'name="renew_now"' in html:
                fields["renew_now"] = "yes"  # the early ones: tick Renew now as a person must
            started = time.perf_counter()
            status, location, _ = session.request("POST", "/checkout", fields)
            took = time.perf_counter() - started
            assert status == 303, f"Place order for {number} answered {status}"
            orders = parse_qs(urlsplit(location).query).get("orders", [""])[0].split(",")
            run.add(Renewal(account.id, number, orders, took))
    finally:
        session.close()


def wait_for_mail(mail_api_url: str, expected: int) -> list[str]:
    """The confirmations' subjects once the outbox has sent `expected` (bounded by MAIL_WAIT) and no more came in the
    second after (two rounds of the outbox worker: a duplicate would show up then)."""
    with Mailbox(mail_api_url, timeout=REQUEST_TIMEOUT) as mailbox:
        try:
            found = mailbox.wait_for(CONFIRMATIONS, expected, timeout=MAIL_WAIT, settle=1.0)
        except (MailboxTimeout, UnexpectedMessages):
            found = mailbox.search(CONFIRMATIONS)  # too few or too many: the report and the assertions below say which
        return [m.subject for m in found]


def nearest_rank(values: list[float], percentile: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percentile / 100 * len(ordered)) - 1)]


def expected_total(sub: SubscriptionData) -> int:
    unit = product(sub.product).unit_price_minor(sub.term, sub.currency)
    return transaction_totals([(unit, sub.seats)], tax_rate("US"), sub.currency).total_minor


@pytest.fixture
def load_admin(stack: PortalStack) -> Iterator[PortalAdmin]:
    """The stack's test-control client with the load run's request timeout: the portal answers it while loaded."""
    with PortalAdmin(stack.base_url, timeout=REQUEST_TIMEOUT) as client:
        yield client


def test_concurrent_checkouts_of_distinct_subscriptions_each_make_one_correct_order_and_one_email(
    stack: PortalStack, load_admin: PortalAdmin
) -> None:
    base, mail = stack.base_url, stack.mail_api_url
    assert mail is not None
    # Early (Renew now) and late renewals, annual and three-year, so each checkout path is loaded.
    specs = [
        {"renewal_in_days": 30 if i % 2 else -10, "term": "three_year" if i % 3 == 0 else "annual", "currency": "USD"}
        for i in range(PER_ACCOUNT)
    ]
    accounts = [load_admin.create_account(specs, today=TODAY) for _ in range(ACCOUNTS)]

    run = Run()
    deadline = time.monotonic() + TIME_LIMIT
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=ACCOUNTS, thread_name_prefix="load") as pool:
        futures = [pool.submit(renew_all, base, account, run, deadline) for account in accounts]
        for future in futures:
            future.result(timeout=TIME_LIMIT + REQUEST_TIMEOUT)
    elapsed = time.perf_counter() - started

    checkouts = ACCOUNTS * PER_ACCOUNT
    orders = {a.id: load_admin.orders(a.id) for a in accounts}
    all_orders = [o for listed in orders.values() for o in listed]
    subjects = wait_for_mail(mail, len(all_orders))
    order_counts = Counter(o.number for o in all_orders)
    renewed = Counter(n for o in all_orders for n in o.subscriptions)
    mailed = Counter(s.removeprefix("Order confirmation ") for s in subjects)
    latencies = [r.place_order_seconds for r in run.renewals]
    report = {
        "accounts": ACCOUNTS,
        "concurrent_sessions": ACCOUNTS,
        "checkouts": len(run.renewals),
        "seconds": round(elapsed, 3),
        "checkouts_per_second": round(len(run.renewals) / elapsed, 2),
        "place_order_ms": {
            "p50": round(nearest_rank(latencies, 50) * 1000, 1),
            "p95": round(nearest_rank(latencies, 95) * 1000, 1),
            "max": round(max(latencies) * 1000, 1),
        },
        "orders": len(all_orders),
        "emails": len(subjects),
        "duplicate_orders": sum(n - 1 for n in renewed.values() if n > 1) + sum(n - 1 for n in order_counts.values() if n > 1),
        "duplicate_emails": sum(n - 1 for n in mailed.values() if n > 1),
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"load: {json.dumps(report)}")

    assert len(run.renewals) == checkouts
    assert report["duplicate_orders"] == 0, f"a subscription or order number came twice: {renewed.most_common(3)}"
    assert len(all_orders) == checkouts, f"{checkouts} checkouts made {len(all_orders)} orders"
    for account in accounts:
        placed = {r.subscription: r.orders for r in run.renewals if r.account_id == account.id}
        by_number = {o.number: o for o in orders[account.id]}
        states = {s.number: s for s in load_admin.subscriptions(account.id)}
        for sub in account.subscriptions:
            (number,) = placed[sub.number]
            order = by_number[number]
            assert order.subscriptions == [sub.number], f"order {number} holds {order.subscriptions}"
            assert (order.status, order.currency) == ("complete", sub.currency)
            assert order.total_minor == expected_total(sub), f"order {number}: total {order.total_minor}"
            paid_through = add_term(sub.renewal_date, sub.term)
            state = states[sub.number]
            assert paid_through in (state.renewed_through, state.renewal_date), f"{sub.number}: {state}"
            assert not state.eligible, f"{sub.number} is still renewable after its order"
    assert report["duplicate_emails"] == 0, f"an order was confirmed twice: {mailed.most_common(3)}"
    assert set(mailed) == set(order_counts), (
        f"emails ≠ orders: {len(subjects)} emails for {len(all_orders)} orders; "
        f"unmailed {sorted(set(order_counts) - set(mailed))[:5]}, unknown {sorted(set(mailed) - set(order_counts))[:5]}"
    )
