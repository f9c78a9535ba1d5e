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
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

MAX_GROWTH = 0.10  # RSS growth after warm-up the soak accepts
MAX_DURATION = 300.0  # `make soak` is bounded
ACCOUNT_SIZE = 400  # renewable subscriptions per soak account; a worker takes a new account when one runs out
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"')
_URL = re.compile(r"^\s+(Portal|Mail API):\s+(\S+)", re.M)


def _env_float(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    try:
        return float(text) if text else default
    except ValueError:
        raise SystemExit(f"error: {name}={text!r} is not a number of seconds") from None


class UnexpectedAnswer(Exception):
    """A step got a status it doesn't expect; counted as an error."""


@dataclass
class Tally:
    """What the workers did: every request's latency and outcome, and the errors seen, by kind."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    work: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, method: str, status: int | str, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[f"{method} {status}"] += 1

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what[:160]] += 1

    def done(self, kind: str) -> None:
        with self.lock:
            self.work[kind] += 1


@dataclass(frozen=True)
class Report:
    """The soak's figures, as printed and written to JSON."""

    seconds: float
    workers: int
    requests: int
    errors: int
    p95_ms: float
    median_ms: float
    rss_start_mib: float
    rss_warm_mib: float
    rss_end_mib: float
    rss_max_mib: float
    growth: float
    work: dict[str, int]
    statuses: dict[str, int]
    error_kinds: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.growth < MAX_GROWTH

    def lines(self) -> list[str]:
        verdict = "OK" if self.ok else "FAILED"
        lines = [
            f"Soak {verdict}: {self.requests} requests in {self.seconds:.0f} s by {self.workers} workers, "
            f"{self.errors} errors, p95 {self.p95_ms:.1f} ms (median {self.median_ms:.1f} ms)",
            f"  portal RSS: start {self.rss_start_mib:.1f} MiB, after warm-up {self.rss_warm_mib:.1f} MiB, "
            f"end {self.rss_end_mib:.1f} MiB (max {self.rss_max_mib:.1f}); growth after warm-up "
            f"{self.growth * 100:+.1f} % (must be < {MAX_GROWTH * 100:.0f} %)",
            "  work done: " + ", ".join(f"{kind} {count}" for kind, count in sorted(self.work.items())),
            "  answers: " + ", ".join(f"{key} ×{count}" for key, count in sorted(self.statuses.items())),
        ]
        lines += [f"  error ×{count}: {what}" for what, count in self.error_kinds.items()]
        return lines


class Portal:
    """`python -m mock_portal --testing` on free loopback ports, its URLs read from its start-up summary."""

    def __init__(self, workdir: Path) -> None:
        command = [
            sys.executable, "-m", "mock_portal", "serve", "--testing", "--host", "127.0.0.1", "--port", "0",
            "--smtp-port", "0", "--mail-port", "0", "--database-url", f"sqlite:///{workdir}/soak.db",
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.base_url, self.mail_url = self._urls()

    def _urls(self) -> tuple[str, str]:
        assert self.process.stdout is not None
        found: dict[str, str] = {}
        seen: list[str] = []
        for line in self.process.stdout:
            seen.append(line)
            if match := _URL.match(line):
                found[match.group(1)] = match.group(2).removesuffix("/api/v1/")
            if "Press Ctrl-C" in line:
                break
        if set(found) != {"Portal", "Mail API"}:
            self.stop()
            raise SystemExit("error: the portal did not start:\n" + "".join(seen[-20:]))
        threading.Thread(target=self._drain, daemon=True).start()
        return found["Portal"], found["Mail API"]

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for _ in self.process.stdout:
            pass

    def rss_mib(self) -> float:
        """The portal process's resident set size now (Linux /proc)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS in /proc: the soak measures memory on Linux only")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Worker:
    """One client: its own cookies, its own soak account, a turn at each kind of work."""

    def __init__(self, number: int, portal: Portal, tally: Tally, stop: threading.Event) -> None:
        self.number, self.portal, self.tally, self.stop = number, portal, tally, stop
        self.web = httpx.Client(base_url=portal.base_url, timeout=30, follow_redirects=False)
        # Strangers come from another loopback address, as an attacker would from another machine: the portal limits
        # failed sign-ins per address, and they must not lock out the users at 127.0.0.1.
        elsewhere = httpx.HTTPTransport(local_address=f"127.0.0.{2 + number % 250}")
        self.stranger_web = httpx.Client(base_url=portal.base_url, timeout=30, transport=elsewhere)
        self.mail = httpx.Client(base_url=portal.mail_url, timeout=30)
        self.strangers = itertools.count()
        self.account: dict[str, Any] = {}
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

    def form(self, path: str, client: httpx.Client | None = None) -> dict[str, str]:
        """The hidden fields (CSRF token and the like) of the page at `path`."""
        page = self.call(client or self.web, "GET", path, (200,)).text
        return dict(_HIDDEN.findall(page))

    def new_account(self) -> None:
        spec = {
            "country": "US",
            "today": "2027-01-01",
            "users": [{"email": f"soak-{self.number}-{secrets.token_hex(4)}@soak.example"}],
            "subscriptions": [{"renewal_in_days": 20, "status": "active"} for _ in range(ACCOUNT_SIZE)],
        }
        created = self.call(self.web, "POST", "/__test__/accounts", (201,), json=spec).json()
        self.account = created
        self.renewable = [s["number"] for s in created["subscriptions"]]
        self.tally.done("accounts")

    def sign_in(self) -> None:
        if not self.account:
            self.new_account()
        user = self.account["users"][0]
        fields = self.form("/login") | {"email": user["email"], "password": user["password"]}
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
        listing = self.call(self.mail, "GET", "/api/v1/messages?limit=5", (200,)).json()
        for message in listing["messages"][:2]:  # 404: another worker cleared the mailbox since the listing
            self.call(self.mail, "GET", f"/api/v1/message/{message['ID']}", (200, 404))
        self.call(self.mail, "GET", "/api/v1/search?query=subject:order", (200,))
        if listing["total"] > 200:  # as a tester's suite clears its mailbox between runs
            self.call(self.mail, "DELETE", "/api/v1/messages", (200,))
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
        for client in (self.web, self.stranger_web, self.mail):
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
