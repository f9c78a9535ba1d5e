"""Part 4: the portal's own time for the subscriptions list and the bulk page of large accounts, in-process (Flask's
test client against the WSGI app: no browser, no socket), with a profile of the slowest page as evidence."""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from benchmarks.common import Figure, Part, Target, load, median
from mock_portal import create_app, sessions
from mock_portal.db import new_session
from mock_portal.models import User
from mock_portal.testing.answers import CreatedAccount
from mock_portal.testing.storage import create_account

_PATH_PREFIX = re.compile(r"(?<!\S)\S*/(?:site-packages|" + re.escape(Path(__file__).resolve().parents[1].name) + r")/")
LIST_TARGET = Target("<", 100, "ms")  # for the list of a 10,000-subscription account
LIST_TARGET_SIZE = 10_000
_ITEMS = {"<tr": "table rows", 'type="checkbox"': "checkboxes"}
LIST_SIZES = (10, 1_000, 10_000)
BULK_SIZE = 5_000
TODAY = date(2030, 3, 1)
# A mix a large customer has: several countries (so CSNs and currencies), payment methods, statuses, and renewal
# dates spread over a year and a half, so filters and the eligibility window cut real slices.
_COUNTRIES = ("US", "GB", "DE")
_METHODS = ("credit_card", "paypal", "direct_debit")
_STATUSES = ("active", "active", "active", "expired", "cancelled")


def mixed_spec(size: int) -> dict[str, Any]:
    """An account of `size` subscriptions of every kind (about a third renewable today)."""
    subs = [
        {
            "country": _COUNTRIES[i % 3],
            "payment_method": _METHODS[(i // 3) % 3],
            "status": _STATUSES[i % 5],
            "renewal_in_days": (i * 37) % 540 - 180,
        }
        for i in range(size)
    ]
    return {"today": TODAY.isoformat(), "subscriptions": subs}


def eligible_spec(size: int) -> dict[str, Any]:
    """An account of `size` subscriptions all renewable today, in three groups (one per payment method)."""
    subs = [
        {"payment_method": _METHODS[i % 3], "status": "active", "term": "annual", "renewal_in_days": (i * 7) % 120 - 40}
        for i in range(size)
    ]
    return {"country": "US", "today": TODAY.isoformat(), "subscriptions": subs}


@dataclass(frozen=True)
class Page:
    """One request to time: a figure key, what it shows, the URL, and the account it is signed in as."""

    key: str
    measure: str
    url: str
    account: str
    size: int
    filtered: bool = False
    item: str = "<tr"  # what one rendered row looks like in the HTML, to count them


class Portal:
    """A portal app on its own SQLite file, with accounts created through testing.storage.create_account and clients signed in."""

    def __init__(self, folder: Path) -> None:
        self.app: Flask = create_app(
            {"TESTING": False, "DATABASE_URL": f"sqlite:///{folder}/bench.db", "SMTP_PORT": 9, "PUBLIC_URL": "http://x"}
        )
        self.accounts: dict[str, CreatedAccount] = {}
        self.clients: dict[str, FlaskClient] = {}
        self.create_seconds: dict[str, float] = {}
        self.last_rows = 0  # rows (table rows, or checkboxes) in the last page fetched

    def add(self, name: str, spec: dict[str, Any]) -> CreatedAccount:
        """Create an account (timed) and a test client signed in as its first user."""
        db = new_session(self.app)
        try:
            started = time.perf_counter()
            account = create_account(db, spec)
            self.create_seconds[name] = time.perf_counter() - started
            user_id = db.scalar(select(User.id).where(User.email == account.users[0].email))
            assert user_id is not None
            token = sessions.start(db, user_id, sessions.policy(self.app.config))  # a session as sign-in opens one
        finally:
            db.close()
        client = self.app.test_client()
        with client.session_transaction() as session:
            session["sid"] = token
        self.accounts[name], self.clients[name] = account, client
        return account

    def get(self, page: Page) -> tuple[float, float]:
        """Server time of one GET in ms, wall-clock and this thread's CPU (the CPU figure is what a busy machine
        can't inflate); a status other than 200 is an error naming the URL."""
        started, cpu = time.perf_counter(), time.thread_time()
        response = self.clients[page.account].get(page.url)
        elapsed, cpu = (time.perf_counter() - started) * 1000, (time.thread_time() - cpu) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"GET {page.url} as account {page.account!r} answered {response.status_code}, not 200")
        self.last_rows = response.get_data(as_text=True).count(page.item)
        return elapsed, cpu

    def close(self) -> None:
        """Release the database file."""
        self.app.extensions["db_sessionmaker"].kw["bind"].dispose()


def pages_for(portal: Portal, list_sizes: Sequence[int], bulk_size: int) -> list[Page]:
    """The requests part 4 times: the list per size, the biggest list filtered three ways, and the bulk page."""
    pages = [Page(f"list_{n}", f"subscriptions page, {n:,} subscriptions", "/subscriptions", f"list_{n}", n) for n in list_sizes]
    biggest = max(list_sizes)
    account = portal.accounts[f"list_{biggest}"]
    some = account.subscriptions[len(account.subscriptions) // 2]
    for key, query, what in (
        ("status", "status=expired", "status = expired"),
        ("csn", f"csn={some.csn}", "one CSN"),
        ("q", f"q={some.number[:6]}", "search by number"),
    ):
        measure = f"… {biggest:,}, filtered: {what}"
        pages.append(Page(f"list_{biggest}_{key}", measure, f"/subscriptions?{query}", f"list_{biggest}", biggest, True))
    bulk = f"bulk_{bulk_size}"
    pages.append(Page(bulk, f"bulk page, {bulk_size:,} eligible", "/bulk/renew", bulk, bulk_size, item='type="checkbox"'))
    return pages


def profile(portal: Portal, page: Page, top: int = 15) -> str:
    """CPU profile of one request (so other processes' load does not show): the portal's own functions by cumulative
    time, then the hottest functions anywhere by their own time."""
    profiler = cProfile.Profile(time.thread_time)
    profiler.enable()
    portal.get(page)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"mock_portal", top)
    stats.sort_stats("tottime").print_stats(top)
    return "\n".join(_trim(line) for line in out.getvalue().splitlines() if line.strip())


def _trim(line: str) -> str:
    """Drop the folders before site-packages/ or the project's root from a pstats line."""
    return _PATH_PREFIX.sub("", line)


def measure(runs: int, list_sizes: Sequence[int] = LIST_SIZES, bulk_size: int = BULK_SIZE, folder: Path | None = None) -> Part:
    """Part 4: median server time of each page over `runs` requests after one warm-up request."""
    part = Part(4, "Portal server time (in-process, no browser)", load_before=load())
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-portal-") as scratch:
        portal = Portal(folder or Path(scratch))
        try:
            for n in list_sizes:
                portal.add(f"list_{n}", mixed_spec(n))
            portal.add(f"bulk_{bulk_size}", eligible_spec(bulk_size))
            pages = pages_for(portal, list_sizes, bulk_size)
            cpu: dict[str, float] = {}
            rows: dict[str, int] = {}
            for page in pages:
                before = load()
                portal.get(page)  # compiles the templates and warms SQLite's page cache
                rows[page.key] = portal.last_rows
                timings = [portal.get(page) for _ in range(runs)]
                wall = [t[0] for t in timings]
                cpu[page.key] = median([t[1] for t in timings])
                target = LIST_TARGET if page.size == LIST_TARGET_SIZE and not page.filtered else None
                part.figures.append(
                    Figure(
                        page.key, page.measure, median(wall), "ms", wall, target, before, load(),
                        note=f"CPU {cpu[page.key]:.0f} ms; {rows[page.key]:,} {_ITEMS[page.item]} rendered",
                    )
                )  # fmt: skip
            # The page with the target, and the slowest page, are profiled as evidence for what to fix.
            profiled = {p.key: p for p in (pages[len(list_sizes) - 1], max(pages, key=lambda p: cpu[p.key]))}
            part.details = {
                "how": "Flask test client calling the WSGI app in this process (no browser, no socket); median of the "
                "runs after one warm-up request; cpu_ms is this thread's CPU time, which other processes' load "
                "does not inflate",
                "today": TODAY.isoformat(),
                "cpu_ms": {k: round(v, 1) for k, v in cpu.items()},
                "rows_rendered": rows,
                "create_account_seconds": {k: round(v, 3) for k, v in portal.create_seconds.items()},
                "rows_per_page": "portal default (100)",
                "profiles": {key: profile(portal, page) for key, page in profiled.items()},
            }
        finally:
            portal.close()
    part.seconds = time.perf_counter() - started
    part.load_after = load()
    return part
