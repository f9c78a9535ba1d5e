"""Parts 1 and 2: the renewal flows through a real browser against the in-process portal, and the browser's floor.

One PortalStack (free ports, testing mode, a temporary SQLite file) and one Chromium serve every run; each run gets a
fresh account from the test-control API and a fresh browser context signed in by a saved storage state, as the CLI
reuses it. Sign-in and account creation happen before the clock starts."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from automation.browser import launch_browser
from automation.browser_options import BrowserOptions
from automation.clients import AccountData, Mailbox, PortalAdmin
from automation.flows import RenewalResult, renew_many, renew_one, sign_in
from benchmarks.browser_probes import Run, StepClock, driver_calls, flow_steps, record_documents
from benchmarks.common import Figure, Part, Target, load, median
from mock_portal.server import PortalStack

RATIO_TARGET = Target("<=", 1.5, "×")
BULK_TARGET = Target("<=", 3, "× bulk 1")
BULK_SIZES = (1, 10, 50, 100)
ACTION_TIMEOUT_MS = 15_000  # a stuck page fails the run instead of hanging the benchmark
# What the CLI passes to the flows (automation.runner leaves the flows' defaults): wait up to 10 s for each
# confirmation email, then 0.5 s more to be sure no second one arrives. The flow ends at "email found"
# (settle 0); both are measured, the target is judged on the flow.
EMAIL_TIMEOUT, EMAIL_SETTLE = 10.0, 0.5
# Past its renewal date and still in the window: renewable without Renew now, all in one (CSN, USD, card) group.
DUE = {"renewal_in_days": -10, "term": "annual", "payment_method": "credit_card"}


class Harness:
    """The portal stack, its admin and mailbox clients, and one browser, shared by every run of parts 1 and 2."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.stack = PortalStack(
            port=0, smtp_port=0, mail_port=0, testing=True, database_url=f"sqlite:///{folder}/bench.db", seed_demo=False
        )
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._states = 0

    def start(self) -> Harness:
        """Start the portal (and its mail catcher and outbox worker)."""
        self.stack.start()
        assert self.stack.mail_api_url is not None
        self.admin = PortalAdmin(self.stack.base_url)
        self.mailbox = Mailbox(self.stack.mail_api_url)
        return self

    @property
    def base_url(self) -> str:
        """The portal's address."""
        return self.stack.base_url

    @property
    def browser(self) -> Browser:
        """The one Chromium, launched on first use as automation.browser finds it (RENEWALS_* respected)."""
        if self._browser is None:
            self._pw = sync_playwright().start()
            self._browser = launch_browser(self._pw, BrowserOptions.from_env())
        return self._browser

    def stop(self) -> None:
        """Close the browser and stop the portal."""
        if self._browser is not None:
            self._browser.close()
        if self._pw is not None:
            self._pw.stop()
        self.admin.close()
        self.mailbox.close()
        self.stack.stop()

    @contextmanager
    def context(self) -> Iterator[BrowserContext]:
        """A fresh browser context with the benchmark's action timeout."""
        context = self.browser.new_context()
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        try:
            yield context
        finally:
            context.close()

    def signed_in_account(self, size: int) -> tuple[AccountData, Path]:
        """A fresh account of `size` due subscriptions in one group, and a storage state signed in as its user."""
        account = self.admin.create_account([DUE] * size)
        self._states += 1
        state = self.folder / f"state-{self._states}.json"
        with self.context() as context:
            sign_in(context.new_page(), self.base_url, account.user, state)
        return account, state


@contextmanager
def harness() -> Iterator[Harness]:
    """A started Harness on a temporary folder, stopped afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as folder:
        running = Harness(Path(folder)).start()
        try:
            yield running
        finally:
            running.stop()


def _timed_flow(h: Harness, size: int, flow: Callable[[Page, AccountData, Path], RenewalResult]) -> tuple[Run, RenewalResult]:
    """Run `flow` on a fresh account of `size` signed in by storage state, timing it and counting what it loads."""
    account, state = h.signed_in_account(size)
    with h.context() as context:
        page = context.new_page()
        documents = record_documents(page)
        with driver_calls() as calls:
            started = time.perf_counter()
            result = flow(page, account, state)
            seconds = time.perf_counter() - started
    return Run(seconds, flow_steps(result), documents, calls), result


def flow_once(h: Harness, settle: float = EMAIL_SETTLE) -> Run:
    """automation.flows.renew_one on a fresh account, signed in by storage state, waiting up to the CLI's timeout for
    the email and then `settle` seconds more for a second one."""
    run, _ = _timed_flow(
        h, 1, lambda page, account, state: renew_one(
            page, h.base_url, h.mailbox, account.numbers[0], account.user, storage_state=state,
            email_timeout=EMAIL_TIMEOUT, email_settle=settle,
        ),
    )  # fmt: skip
    return run


def floor_once(h: Harness) -> Run:
    """The browser's floor for the same renewal: load the same documents in the same order and nothing else.

    GET pages are `page.goto`; the two form posts (Renew, Place order) can't be a goto, so they are one click each
    on the button, waiting for the page it leads to — no reading, no checks, no email."""
    account, state = h.signed_in_account(1)
    cookies = json.loads(state.read_text())["cookies"]
    base = h.base_url
    with h.context() as context:
        page = context.new_page()
        documents = record_documents(page)
        steps = StepClock()  # named as the flow's steps, to show where the flow spends more
        with driver_calls() as calls:
            with steps("sign in"):
                context.add_cookies(cookies)
                page.goto(base + "/")
            with steps("read dates before"):
                page.goto(base + "/subscriptions")
            with steps("renew"), page.expect_navigation():
                page.get_by_role("button", name="Renew", exact=True).first.click()
            with steps("checkout 1 of 1"):
                page.goto(base + "/checkout")
                with page.expect_navigation():
                    page.get_by_role("button", name="Place order", exact=True).click()
            with steps("read dates after"):
                page.goto(base + "/subscriptions")
    return Run(sum(steps.seconds.values()), steps.seconds, documents, calls)


def bulk_once(h: Harness, size: int) -> Run:
    """automation.flows.renew_many of every subscription of a fresh one-group account of `size`."""
    run, result = _timed_flow(
        h, size, lambda page, account, state: renew_many(
            page, h.base_url, h.mailbox, account.numbers, account.user, storage_state=state,
            email_timeout=EMAIL_TIMEOUT, email_settle=EMAIL_SETTLE,
        ),
    )  # fmt: skip
    if len(result.subscriptions) != size:
        raise RuntimeError(f"bulk renewal of {size} renewed {len(result.subscriptions)} subscriptions")
    return run


def _step_medians(runs: list[Run]) -> dict[str, float]:
    names = list(dict.fromkeys(name for run in runs for name in run.steps))
    return {name: round(median([run.steps.get(name, 0.0) for run in runs]), 3) for name in names}


def single_renewal(h: Harness, runs: int) -> Part:
    """Part 1: renew_one against the floor, in turns so all see the same load; one warm-up each, not counted.

    The flow runs twice per turn: as the issue defines it (ending when the email is found) and as the CLI runs it
    (then 0.5 s more to show that no second email came)."""
    part = Part(1, "Single renewal: flow vs the browser's floor", load_before=load())
    started = time.perf_counter()
    flow_once(h, 0.0), flow_once(h), floor_once(h)  # warm-up: templates compiled, caches and the outbox worker awake
    flows: list[Run] = []
    settled: list[Run] = []
    floors: list[Run] = []
    for _ in range(runs):
        flows.append(flow_once(h, 0.0))
        settled.append(flow_once(h))
        floors.append(floor_once(h))
    after = load()
    flow = median([r.seconds for r in flows])
    flow_settled = median([r.seconds for r in settled])
    floor = median([r.seconds for r in floors])
    steps = _step_medians(flows)
    email = steps.get("confirmation emails", 0.0)
    without_email = median([r.seconds - r.steps.get("confirmation emails", 0.0) for r in flows])
    settled_email = _step_medians(settled).get("confirmation emails", 0.0)
    part.figures += [
        Figure("flow_s", "single renewal: renew_one until the email is found", flow, "s", [r.seconds for r in flows],
               None, part.load_before, after),
        Figure("floor_s", "single renewal: bare Playwright floor", floor, "s", [r.seconds for r in floors],
               None, part.load_before, after),
        Figure("flow_over_floor", "single renewal: flow / floor", flow / floor, "×", [], RATIO_TARGET,
               part.load_before, after, note=f"email step {email:.2f} s (overlapping the dates read after)"),
        Figure("flow_without_email_over_floor", "… flow without its email step / floor", without_email / floor, "×", [],
               None, part.load_before, after, note="the pages alone"),
        Figure("flow_settled_over_floor", f"… flow with the CLI's {EMAIL_SETTLE:g} s no-second-email wait / floor",
               flow_settled / floor, "×", [r.seconds for r in settled], None, part.load_before, after,
               note=f"renew_one as `renewals renew` runs it: {flow_settled:.2f} s; email step {settled_email:.2f} s"),
    ]  # fmt: skip
    floor_steps = _step_medians(floors)
    flow_calls = median([sum(r.calls.values()) for r in flows])
    floor_calls = median([sum(r.calls.values()) for r in floors])
    part.details = {
        "email_timeout_s": EMAIL_TIMEOUT,
        "email_settle_s": EMAIL_SETTLE,
        "flow_step_medians_s": steps,
        "floor_step_medians_s": floor_steps,
        "flow_minus_floor_by_step_s": {k: round(v - floor_steps.get(k, 0.0), 3) for k, v in steps.items() if k != "total"},
        "flow_without_email_s": round(without_email, 3),
        "driver_calls_median": {"flow": flow_calls, "floor": floor_calls},
        # What each extra round trip costs on this machine now: the pages-only gap spread over the extra calls.
        "gap_ms_per_extra_driver_call": round((without_email - floor) * 1000 / max(1.0, flow_calls - floor_calls), 1),
        "flow_driver_calls_by_method": dict(flows[-1].calls.most_common()),
        "floor_driver_calls_by_method": dict(floors[-1].calls.most_common()),
        "flow_documents": flows[0].documents,
        "floor_documents": floors[0].documents,
        "same_documents": all(r.documents == flows[0].documents for r in flows)
        and [d.split(" ")[1] for d in flows[0].documents] == [d.split(" ")[1] for d in floors[0].documents],
    }
    part.seconds = time.perf_counter() - started
    part.load_after = after
    return part


def bulk_renewal(h: Harness, runs: int, sizes: tuple[int, ...] = BULK_SIZES) -> Part:
    """Part 2: renew_many of each size (one group, so Select all), median of `runs` each.

    The sizes take turns (1, 10, 50, 100, 1, 10, …) so a change in the machine's load falls on all of them alike."""
    part = Part(2, "Bulk renewal by count (one group)", load_before=load())
    started = time.perf_counter()
    done: dict[int, list[Run]] = {size: [] for size in sizes}
    loads: dict[int, list[list[float]]] = {size: [] for size in sizes}
    for _ in range(runs):
        for size in sizes:
            loads[size].append(load())
            done[size].append(bulk_once(h, size))
    medians = {size: median([r.seconds for r in done[size]]) for size in sizes}
    after = load()
    for size in sizes:
        part.figures.append(
            Figure(f"bulk_{size}_s", f"bulk renewal of {size}", medians[size], "s", [r.seconds for r in done[size]], None,
                   loads[size][0], after, note=f"1-min load at each start: {', '.join(f'{x[0]:.1f}' for x in loads[size])}")
        )  # fmt: skip
    steps = {str(size): _step_medians(done[size]) for size in sizes}
    documents = {str(size): len(done[size][0].documents) for size in sizes}
    calls = {str(size): median([sum(r.calls.values()) for r in done[size]]) for size in sizes}
    smallest, largest = min(sizes), max(sizes)
    part.figures.append(
        Figure(
            f"bulk_{largest}_over_{smallest}", f"bulk {largest} / bulk {smallest}", medians[largest] / medians[smallest],
            "×", [], BULK_TARGET, part.load_before, load(),
        )
    )  # fmt: skip
    part.details = {"step_medians_s": steps, "documents_loaded": documents, "driver_calls_median": calls, "sizes": list(sizes)}
    part.seconds = time.perf_counter() - started
    part.load_after = load()
    return part
