"""`make soak`: mixed traffic against a real portal process for a while; requests, errors, p95 and the portal's RSS.

    python -m benchmarks.soak [--duration SECONDS] [--warmup SECONDS] [--workers N] [--out FILE]

The portal runs as `python -m mock_portal --testing` on loopback with free ports, so its RSS is its own. Each worker
loops over four kinds of work: a stranger's sign-in with an email never seen before, from another loopback address
(401, or 429 once the limiter steps in: both are right answers); a user's session (sign in, the subscriptions list
and its second page, order history, sign out); a renewal (Renew, checkout, place the order, confirmation); mail API
reads. An error is a 5xx, a refused connection, a timeout or any status the step doesn't expect. RSS is sampled from
/proc once a second; the growth is measured from the end of the warm-up to the end, and must stay under 10 %."""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import httpx

from automation.clients import AccountData, ClientError, Mailbox, MessageNotFound, PortalAdmin
from benchmarks.portal_process import Portal
from benchmarks.soak_figures import Report, Tally

MAX_DURATION = 300.0  # `make soak` is bounded
T = TypeVar("T")
ACCOUNT_SIZE = 400  # renewable subscriptions per soak account; a worker takes a new account when one runs out
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"')


def _env_float(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    try:
        return float(text) if text else default
    except ValueError:
        raise SystemExit(f"error: {name}={text!r} is not a number of seconds") from None


class UnexpectedAnswer(Exception):
    """A step got a status it doesn't expect; counted as an error."""


class Worker:
    """One client: its own cookies, its own soak account, a turn at each kind of work."""

    def __init__(self, number: int, portal: Portal, tally: Tally, stop: threading.Event) -> None:
        self.number, self.portal, self.tally, self.stop = number, portal, tally, stop
        self.web = httpx.Client(base_url=portal.base_url, timeout=30, follow_redirects=False)
        # Strangers come from another loopback address, as an attacker would from another machine: the portal limits
        # failed sign-ins per address, and they must not lock out the users at 127.0.0.1.
        elsewhere = httpx.HTTPTransport(local_address=f"127.0.0.{2 + number % 250}")
        self.stranger_web = httpx.Client(base_url=portal.base_url, timeout=30, transport=elsewhere)
        self.admin = PortalAdmin(portal.base_url, timeout=30)
        self.mail = Mailbox(portal.mail_url, timeout=30)
        self.strangers = itertools.count()
        self.account: AccountData | None = None
        self.renewable: list[str] = []

    def call(self, client: httpx.Client, method: str, path: str, expect: tuple[int, ...], **kwargs: Any) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            self.tally.record(method, type(exc).__name__, time.perf_counter() - started)
            raise UnexpectedAnswer(f"{method} {path.split('?')[0]}: {type(exc).__name__}: {exc}") from exc
        self.tally.record(method, response.status_code, time.perf_counter() - started)
        if response.status_code not in expect:
            raise UnexpectedAnswer(f"{method} {path.split('?')[0]}: {response.status_code}, expected {expect}")
        return response

    def api(self, method: str, call: Callable[[], T]) -> T:
        """One request of the test-control or mail API through the harness's clients, timed as `call` times a page's."""
        started = time.perf_counter()
        try:
            result = call()
        except ClientError as exc:
            self.tally.record(method, exc.status or type(exc).__name__, time.perf_counter() - started)
            raise UnexpectedAnswer(str(exc)) from exc
        self.tally.record(method, "2xx", time.perf_counter() - started)
        return result

    def form(self, path: str, client: httpx.Client | None = None) -> dict[str, str]:
        """The hidden fields (CSRF token and the like) of the page at `path`."""
        page = self.call(client or self.web, "GET", path, (200,)).text
        return dict(_HIDDEN.findall(page))

    def new_account(self) -> None:
        users = [{"email": f"soak-{self.number}-{secrets.token_hex(4)}@soak.example"}]
        subscriptions = [{"renewal_in_days": 20, "status": "active"}] * ACCOUNT_SIZE
        create = partial(self.admin.create_account, subscriptions, country="US", today="2027-01-01", users=users)
        self.account = self.api("POST", create)
        self.renewable = list(self.account.numbers)
        self.tally.done("accounts")

    def sign_in(self) -> None:
        if self.account is None:
            self.new_account()
        assert self.account is not None
        user = self.account.user
        fields = self.form("/login") | {"email": user.email, "password": user.password}
        self.call(self.web, "POST", "/login", (302, 303), data=fields)

    def sign_out(self) -> None:
        self.call(self.web, "POST", "/logout", (302, 303), data=self.form("/"))
        self.web.cookies.clear()

    def stranger(self) -> None:
        fields = self.form("/login", self.stranger_web) | {
            "email": f"nobody-{self.number}-{next(self.strangers)}-{secrets.token_hex(6)}@stranger.example",
            "password": secrets.token_urlsafe(12),
        }
        self.call(self.stranger_web, "POST", "/login", (401, 429), data=fields)
        self.stranger_web.cookies.clear()
        self.tally.done("stranger sign-ins")

    def browse(self) -> None:
        self.sign_in()
        self.call(self.web, "GET", "/subscriptions", (200,))
        self.call(self.web, "GET", "/subscriptions?page=2", (200,))
        self.call(self.web, "GET", "/orders", (200,))
        self.sign_out()
        self.tally.done("browsing sessions")

    def renew(self) -> None:
        if not self.renewable:
            self.new_account()
        self.sign_in()
        number = self.renewable.pop()
        self.call(self.web, "POST", "/cart", (302, 303), data=self.form("/subscriptions") | {"subscription": number})
        fields = self.form("/checkout") | {"renew_now": "yes"}
        placed = self.call(self.web, "POST", "/checkout", (303,), data=fields)
        self.call(self.web, "GET", placed.headers["location"], (200,))
        self.sign_out()
        self.tally.done("renewals")

    def read_mail(self) -> None:
        for message in self.api("GET", partial(self.mail.list, limit=5))[:2]:
            try:
                self.api("GET", partial(self.mail.get, message.id))
            except UnexpectedAnswer as exc:
                if not isinstance(exc.__cause__, MessageNotFound):  # a 404: another worker cleared the mailbox since
                    raise
        self.api("GET", partial(self.mail.search, "subject:order"))
        if self.api("GET", self.mail.count) > 200:  # as a tester's suite clears its mailbox between runs
            self.api("DELETE", self.mail.delete_all)
        self.tally.done("mail reads")

    def run(self) -> None:
        kinds: list[Callable[[], None]] = [self.stranger, self.browse, self.renew, self.read_mail]
        for kind in itertools.cycle(kinds):
            if self.stop.is_set():
                break
            try:
                kind()
            except UnexpectedAnswer as exc:
                self.tally.error(str(exc))
                self.web.cookies.clear()
            except Exception as exc:  # an answer not shaped as expected (no Location, not JSON): an error, not a crash
                self.tally.error(f"{kind.__name__}: {type(exc).__name__}: {exc}")
                self.web.cookies.clear()
        for client in (self.web, self.stranger_web, self.admin, self.mail):
            client.close()


def soak(duration: float, warmup: float, workers: int, progress: Callable[[str], None] = print) -> Report:
    """Run the soak and return its figures."""
    with tempfile.TemporaryDirectory(prefix="soak-") as workdir:
        portal = Portal(Path(workdir))
        try:
            return _drive(portal, duration, warmup, workers, progress)
        finally:
            portal.stop()


def _drive(portal: Portal, duration: float, warmup: float, workers: int, progress: Callable[[str], None]) -> Report:
    tally, stop = Tally(), threading.Event()
    rss_start = portal.rss_mib()
    threads = [threading.Thread(target=Worker(n, portal, tally, stop).run, daemon=True) for n in range(workers)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    samples: list[tuple[float, float]] = []
    for elapsed in _ticks(started, duration):
        samples.append((elapsed, portal.rss_mib()))
        if int(elapsed) % 15 == 0:
            progress(f"  {elapsed:5.0f} s  {len(tally.latencies):6d} requests  {sum(tally.errors.values())} errors  "
                     f"RSS {samples[-1][1]:.1f} MiB")  # fmt: skip
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    rss_end = portal.rss_mib()
    warm = next((rss for at, rss in samples if at >= warmup), rss_end)
    latencies = sorted(tally.latencies) or [0.0]
    return Report(
        seconds=round(time.monotonic() - started, 1),
        workers=workers,
        requests=len(tally.latencies),
        errors=sum(tally.errors.values()),
        p95_ms=round(statistics.quantiles(latencies, n=20)[18] * 1000 if len(latencies) > 1 else latencies[0] * 1000, 1),
        median_ms=round(statistics.median(latencies) * 1000, 1),
        rss_start_mib=round(rss_start, 1),
        rss_warm_mib=round(warm, 1),
        rss_end_mib=round(rss_end, 1),
        rss_max_mib=round(max([rss for _, rss in samples] + [rss_end]), 1),
        growth=round((rss_end - warm) / warm, 4),
        work=dict(tally.work),
        statuses=dict(tally.statuses),
        error_kinds=dict(tally.errors.most_common(10)),
    )


def _ticks(started: float, duration: float) -> Iterator[float]:
    """Once a second until `duration` has passed, yielding the seconds elapsed."""
    stop = threading.Event()
    while (elapsed := time.monotonic() - started) < duration:
        yield elapsed
        stop.wait(min(1.0, max(0.0, duration - (time.monotonic() - started))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=_env_float("SOAK_DURATION", 180.0),
                        help=f"seconds of traffic, at most {MAX_DURATION:.0f} [SOAK_DURATION; 180]")  # fmt: skip
    parser.add_argument("--warmup", type=float, default=_env_float("SOAK_WARMUP", 30.0),
                        help="seconds before RSS growth is counted [SOAK_WARMUP; 30]")  # fmt: skip
    parser.add_argument("--workers", type=int, default=int(_env_float("SOAK_WORKERS", 6)),
                        help="concurrent clients [SOAK_WORKERS; 6]")  # fmt: skip
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("SOAK_OUT", "reports/soak.json")),
                        help="where the figures go as JSON [SOAK_OUT; reports/soak.json]")  # fmt: skip
    args = parser.parse_args(argv)
    if not 0 < args.duration <= MAX_DURATION:
        parser.error(f"--duration {args.duration:g}: give 1–{MAX_DURATION:.0f} seconds (the soak is bounded)")
    if not 0 <= args.warmup < args.duration:
        parser.error(f"--warmup {args.warmup:g}: give 0 up to less than --duration ({args.duration:g})")
    if args.workers < 1:
        parser.error(f"--workers {args.workers}: give at least 1")
    print(f"Soaking a fresh portal for {args.duration:g} s with {args.workers} workers (warm-up {args.warmup:g} s)…")
    report = soak(args.duration, args.warmup, args.workers)
    print("\n".join(report.lines()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(asdict(report) | {"ok": report.ok}, indent=2) + "\n")
    print(f"Figures written to {args.out}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
