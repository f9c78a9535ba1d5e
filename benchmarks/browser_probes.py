"""What a timed browser run records: the documents its page loads, the calls made to Playwright's driver, and how long
each named step took (the flow's own, or a stopwatch's)."""

from __future__ import annotations

import importlib
import re
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, Request

from automation.flows import RenewalResult


def record_documents(page: Page) -> list[str]:
    """Every main-frame document request the page makes from now on, as "METHOD /path"."""
    seen: list[str] = []

    def on_request(request: Request) -> None:
        if request.is_navigation_request() and request.frame == page.main_frame:
            seen.append(f"{request.method} {urlsplit(request.url).path}")

    page.on("request", on_request)
    return seen


@contextmanager
def driver_calls() -> Iterator[Counter[str]]:
    """Count, by method, the calls this process makes to Playwright's driver: each is a round trip to the browser
    (the driver's fire-and-forget `__waitInfo__` log messages are left out).

    This reaches into Playwright's transport (a diagnostic only); if that has moved, the count stays empty."""
    counts: Counter[str] = Counter()
    transport = None
    for name in ("playwright._impl.transport", "playwright._impl._transport"):
        try:
            transport = importlib.import_module(name).PipeTransport
            break
        except (ImportError, AttributeError):
            continue
    if transport is None:
        yield counts
        return
    original = transport.send

    def send(self: Any, message: dict[str, Any]) -> None:
        method = str(message.get("method", "?"))
        if not method.startswith("__"):
            counts[method] += 1
        original(self, message)

    transport.send = send
    try:
        yield counts
    finally:
        transport.send = original


@dataclass
class Run:
    """One timed run: wall seconds, the flow's own step times, the documents loaded, the driver calls made."""

    seconds: float
    steps: dict[str, float] = field(default_factory=dict)
    documents: list[str] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)


def flow_steps(result: RenewalResult) -> dict[str, float]:
    """The flow's step durations with subscription numbers taken out of the names ("renew 1234…" → "renew")."""
    steps: dict[str, float] = {}
    for name, seconds in result.durations.items():
        key = re.sub(r" [0-9]{12}$", "", name)
        steps[key] = steps.get(key, 0.0) + seconds
    return steps


class StepClock:
    """Times named blocks back to back: `with clock("name"): …`."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._name = ""

    def __call__(self, name: str) -> StepClock:
        self._name = name
        return self

    def __enter__(self) -> None:
        self._started = time.perf_counter()

    def __exit__(self, *_: object) -> None:
        self.seconds[self._name] = time.perf_counter() - self._started
