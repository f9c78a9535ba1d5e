"""The recorded, narrated demo: one early renewal, a bulk renewal across two groups, one email per order."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, ViewportSize, sync_playwright

from .browser import launch_browser
from .browser_options import BrowserOptions
from .clients import Mailbox
from .flows import RULE_ONE_EMAIL, RenewalResult, RuleBroken, renew_many, renew_one
from .local_portal import LocalPortal
from .narration import Narration, narration
from .pages.inbox import InboxPage
from .profile import PortalProfile, default_profile

VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
READING_PAUSE_MS = 2500
SINGLE_CASE = "single_early"
BULK_CASES = ("bulk_a1", "bulk_a2", "bulk_b1")  # two (CSN, currency, payment method) groups


@dataclass(frozen=True)
class DemoOptions:
    """What `renewals demo` / `make demo` may change."""

    out: Path = Path("artifacts/demo")
    browser: BrowserOptions = field(default_factory=BrowserOptions)
    video: bool = True
    seed: int | None = None
    profile: PortalProfile | None = None  # None: the mock portal in English


@dataclass(frozen=True)
class DemoResult:
    """Where the demo's artifacts are, and what it renewed."""

    video: Path | None
    trace: Path
    summary: Path
    single: RenewalResult
    bulk: RenewalResult


@dataclass(frozen=True)
class Credentials:
    """A sign-in for the flows."""

    email: str
    password: str


def _chapter(page: Page, title: str, description: str, video: bool) -> None:
    if video:  # a chapter card is only worth its seconds when someone will watch the recording
        page.screencast.show_chapter(title, description=description, duration=2500)


def _show_inbox(page: Page, mail_url: str, video: bool, profile: PortalProfile, words: Narration) -> int:
    """Open the inbox, count the confirmations listed there and, on video, open one of them."""
    inbox = InboxPage.visit(page, mail_url, profile)
    confirmation = profile.confirmation_subject_prefix()
    count = sum(m.subject.startswith(confirmation) for m in inbox.messages())
    if video:
        _chapter(page, words.inbox_title, words.inbox_text.format(count=count), video)
        inbox.open_message(confirmation)
        page.wait_for_timeout(READING_PAUSE_MS)  # pacing for viewers of the recording, not a wait for the app
    return count


def run_demo(options: DemoOptions, say: Callable[[str], None] = print) -> DemoResult:
    """Start a private portal, seed the demo account, record the narrated renewals and write the artifacts."""
    out, profile = options.out, options.profile or default_profile()
    words = narration(profile.language)
    names = {"renew_now": profile.checkout.renew_now, "bulk_actions": profile.subscriptions.bulk_actions,
             "bulk_renew": profile.subscriptions.bulk_renew}  # fmt: skip
    # The seeded demo user speaks English unless told otherwise; the portal then shows pages and sends email in the
    # user's language, which must be the profile's.
    demo_locale = None if profile.language == "en" else profile.language
    out.mkdir(parents=True, exist_ok=True)
    video_path, trace_path, summary_path = out / "demo.webm", out / "trace.zip", out / "summary.json"
    with tempfile.TemporaryDirectory(prefix="renewals-demo-") as workdir:
        stack = LocalPortal(f"sqlite:///{workdir}/demo.db", demo=True, demo_seed=options.seed, demo_locale=demo_locale)
        with stack:
            demo, mail_url = stack.demo, stack.mailbox_url
            assert demo is not None
            say(f"portal {stack.base_url} · inbox {mail_url} · signed in as {demo.email}")
            mailbox = Mailbox(mail_url)
            creds = Credentials(demo.email, demo.password)
            state = Path(workdir) / "signed-in.json"  # the bulk flow reuses the single flow's sign-in
            with sync_playwright() as pw:
                browser = launch_browser(pw, options.browser)
                # The portal's CSP (no inline styles) would leave Playwright's chapter cards unstyled.
                context = browser.new_context(
                    viewport=VIEWPORT, base_url=stack.base_url, bypass_csp=True, locale=profile.locale
                )
                page = context.new_page()
                if options.video:  # before tracing: the first screencast fixes the frame size for both
                    page.screencast.start(path=video_path, size={"width": VIEWPORT["width"], "height": VIEWPORT["height"]})
                    page.screencast.show_actions(duration=700, position="bottom")
                context.tracing.start(title="Renewal demo", screenshots=True, snapshots=True, sources=False)
                try:
                    page.goto(stack.base_url)
                    _chapter(page, words.single_title, words.single_text.format(**names), options.video)
                    say("renewing one subscription early (Renew now)")
                    single = renew_one(
                        page, stack.base_url, mailbox, demo.subscriptions[SINGLE_CASE], creds,
                        renew_now=True, storage_state=state, profile=profile,
                    )  # fmt: skip
                    _chapter(page, words.bulk_title, words.bulk_text.format(**names), options.video)
                    say("renewing several subscriptions across two groups")
                    bulk = renew_many(
                        page, stack.base_url, mailbox, [demo.subscriptions[c] for c in BULK_CASES], creds,
                        storage_state=state, profile=profile,
                    )  # fmt: skip
                    emails = _show_inbox(page, mail_url, options.video, profile, words)
                    page.goto(f"{stack.base_url}/subscriptions")  # the list: the renewal dates did not move
                    orders = len(single.orders) + len(bulk.orders)
                    _chapter(page, words.end_title, words.end_text.format(orders=orders, emails=emails), options.video)
                    if options.video:
                        page.screencast.stop()
                finally:
                    context.tracing.stop(path=trace_path)
                    context.close()
                    browser.close()
    summary = _summary(single, bulk, emails, video_path if options.video else None, trace_path)
    summary_path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    if not summary["rules"]["one_email_per_transaction"]:  # the flows check each order; this checks the inbox as a whole
        raise RuleBroken(RULE_ONE_EMAIL, f"the inbox lists {emails} confirmations for {len(summary['orders'])} orders")
    return DemoResult(video_path if options.video else None, trace_path, summary_path, single, bulk)


def _summary(single: RenewalResult, bulk: RenewalResult, emails: int, video: Path | None, trace: Path) -> dict[str, Any]:
    orders = single.orders + bulk.orders
    return {
        "video": str(video) if video else None,
        "trace": str(trace),
        "orders": orders,
        "confirmation_emails_in_inbox": emails,
        "single": single.to_dict(),
        "bulk": bulk.to_dict(),
        "rules": {
            "renewal_dates_unchanged": all(s.date_after == s.date_before for s in single.subscriptions + bulk.subscriptions),
            "one_email_per_transaction": emails == len(orders)
            and all(len(single.emails.get(o, [])) + len(bulk.emails.get(o, [])) == 1 for o in orders),
        },
    }
