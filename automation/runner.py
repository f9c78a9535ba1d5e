"""Run `renewals renew` / `bulk-renew`: check the portal and mailbox are there, get a browser, call the flows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from automation import endpoints
from automation.browser import BrowserNotFound, launch_browser
from automation.browser_options import BrowserOptions
from automation.clients import Mailbox
from automation.flows import FlowError, RenewalResult, RuleBroken, group_filter, renew_many, renew_one
from automation.selection import Selection
from automation.settings import RenewSettings

# Advances a progress display: (done, total, what just finished).
Tick = Callable[[int, int, str], None]


class CannotRun(RuntimeError):
    """Something the run needs is missing (portal, mailbox, browser); the message is one line with the fix."""


@dataclass
class Outcome:
    """What a run renewed, and the rule or step that stopped it, if any."""

    results: list[RenewalResult] = field(default_factory=list)
    error: str | None = None

    @property
    def exit_code(self) -> int:
        """0 when every renewal and email rule held, 1 otherwise."""
        return 1 if self.error else 0


def run(settings: RenewSettings, selection: Selection, *, bulk: bool, console: Console | None = None) -> Outcome:
    """Renew what the selection names: one checkout per number (`renew`), or through Bulk actions › Renew."""
    try:
        endpoints.require(settings.base_url, settings.mailbox_url)
    except endpoints.Unreachable as problem:
        raise CannotRun(str(problem)) from None
    mailbox = Mailbox(settings.mailbox_url)
    outcome = Outcome()
    with _page(settings) as page, _progress(console, selection, bulk) as tick:
        try:
            if bulk:
                outcome.results.append(_bulk(page, settings, mailbox, selection, tick))
            else:
                for index, number in enumerate(selection.numbers, start=1):
                    outcome.results.append(
                        renew_one(
                            page, settings.base_url, mailbox, number, settings,
                            renew_now=settings.renew_now, storage_state=settings.storage_state, profile=settings.profile,
                        )
                    )  # fmt: skip
                    tick(index, len(selection.numbers), f"renewed {number}")
        except (RuleBroken, FlowError) as error:
            outcome.error = str(error)
    return outcome


def _bulk(page: Page, settings: RenewSettings, mailbox: Mailbox, selection: Selection, tick: Tick) -> RenewalResult:
    return renew_many(
        page,
        settings.base_url,
        mailbox,
        selection.numbers,
        settings,
        groups=group_filter(selection.csn, selection.currency, selection.payment_method) if selection.by_filter else None,
        all_eligible=selection.all_eligible,
        renew_now=settings.renew_now,
        storage_state=settings.storage_state,
        progress=tick,
        profile=settings.profile,
    )


@contextmanager
def _page(settings: RenewSettings) -> Iterator[Page]:
    """A fresh context's page, traced when asked; the trace is written even when the run fails."""
    with sync_playwright() as pw:
        browser = _browser(pw, settings.browser)
        context: BrowserContext | None = None
        try:
            context = browser.new_context(base_url=settings.base_url, locale=settings.locale)  # its Accept-Language
            if settings.trace:
                context.tracing.start(title="renewals", screenshots=True, snapshots=True)
            yield context.new_page()
        finally:
            if context is not None:
                if settings.trace:
                    settings.trace.parent.mkdir(parents=True, exist_ok=True)
                    context.tracing.stop(path=settings.trace)
                context.close()
            browser.close()


def _browser(pw: object, options: BrowserOptions) -> Browser:
    try:
        return launch_browser(pw, options)  # type: ignore[arg-type]
    except BrowserNotFound as error:
        raise CannotRun(f"no browser: {' '.join(str(error).split())} — run `renewals doctor` for details") from None
    except PlaywrightError as error:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        if options.connect:
            where = f"cannot reach the Playwright server at {options.connect} ({first}) — start `python -m playwright run-server`"
            raise CannotRun(where + " or unset --connect / RENEWALS_CONNECT") from None
        if options.cdp:
            where = f"cannot attach to Chromium at {options.cdp} ({first}) — start it with --remote-debugging-port"
            raise CannotRun(where + " or unset --cdp / RENEWALS_CDP") from None
        raise CannotRun(f"the browser did not start ({first}) — run `renewals doctor`") from None


@contextmanager
def _progress(console: Console | None, selection: Selection, bulk: bool) -> Iterator[Tick]:
    """A progress bar advanced once per checkout; a no-op without a console (e.g. --json)."""
    if console is None:
        yield lambda done, total, step: None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        # Bulk work learns its total after the first checkout; until then the bar pulses.
        total = None if bulk else len(selection.numbers)
        task = progress.add_task(f"renewing {selection.describe()}", total=total)

        def tick(done: int, total: int, step: str) -> None:
            progress.update(task, completed=done, total=total, description=f"{step} done")

        yield tick
