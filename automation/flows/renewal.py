"""renew_one and renew_many: drive the portal from sign-in to confirmation email, and check the renewal rules on the way."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from playwright.sync_api import Page

from ..clients import Mailbox
from ..pages import BulkGroup, BulkRenewPage, CartPage, PortalPage, PortalRefused, SubscriptionsPage
from ..profile import PortalProfile
from .checks import show_numbers
from .planning import MAX_PER_CHECKOUT, plan_checkouts
from .results import FlowError, RenewalResult
from .run import FlowRun
from .session import SignInDetails, sign_in

GroupFilter = Callable[[str, str, str], bool]
"""Chooses whole bulk groups: (CSN, currency, payment method code) → renew this group?"""

Progress = Callable[[int, int, str], None]
"""Told (subscriptions done, subscriptions requested, step just finished) after each checkout."""

def group_filter(csn: str | None = None, currency: str | None = None, payment_method: str | None = None) -> GroupFilter:
    """A GroupFilter matching every given part (None matches anything)."""

    def matches(group_csn: str, group_currency: str, group_method: str) -> bool:
        return (
            csn in (None, group_csn)
            and (currency is None or currency.upper() == group_currency.upper())
            and payment_method in (None, group_method)
        )

    return matches


def renew_one(
    page: Page,
    base_url: str,
    mailbox: Mailbox,
    number: str,
    credentials: SignInDetails,
    *,
    renew_now: bool = True,
    storage_state: str | Path | None = None,
    via: Literal["list", "detail"] = "list",
    email_timeout: float = 10.0,
    email_settle: float = 0.5,
    profile: PortalProfile | None = None,
) -> RenewalResult:
    """Renew one subscription (R6): Subscriptions and contracts → Renew (in the list, or on the product's page)
    → cart → checkout (ticking Renew now when early and `renew_now`) → Place order; check dates and the one email.
    `profile` names what the portal's pages show (default: the mock's, in English)."""
    run = FlowRun(page, base_url, mailbox, renew_now, email_timeout, email_settle, profile)
    with run.step("sign in"):
        portal = sign_in(page, base_url, credentials, storage_state, profile=profile)
    with run.step("read dates before"):
        subscriptions = run.read_before(portal, [number])
    with run.step(f"renew {number}"):
        cart = subscriptions.renew(number) if via == "list" else subscriptions.open(number).renew()
        cart = _only_in_cart(cart, [number])
    with run.step("checkout 1 of 1"):
        run.check_out("checkout 1 of 1", cart, [number])
    return run.finish()


def renew_many(
    page: Page,
    base_url: str,
    mailbox: Mailbox,
    numbers: Sequence[str],
    credentials: SignInDetails,
    *,
    groups: GroupFilter | None = None,
    all_eligible: bool = False,
    renew_now: bool = True,
    storage_state: str | Path | None = None,
    limit: int = MAX_PER_CHECKOUT,
    email_timeout: float = 10.0,
    email_settle: float = 0.5,
    progress: Progress | None = None,
    profile: PortalProfile | None = None,
) -> RenewalResult:
    """Renew several subscriptions (R7) through Bulk actions › Renew, chosen by `numbers`, by whole groups
    (`groups`), or `all_eligible`; more than `limit` (100) are split into several checkouts. One order and one
    email per (CSN, currency, payment method) in each checkout (R8); renewal dates must not move (R2). `profile`
    names what the portal's pages show (default: the mock's, in English)."""
    numbers = list(dict.fromkeys(numbers))
    if sum([bool(numbers), groups is not None, all_eligible]) != 1:
        raise ValueError("choose subscriptions one way: numbers, groups=<filter> or all_eligible=True")
    run = FlowRun(page, base_url, mailbox, renew_now, email_timeout, email_settle, profile)
    with run.step("sign in"):
        portal = sign_in(page, base_url, credentials, storage_state, profile=profile)
    with run.step("read dates before"):
        subscriptions = run.read_before(portal, numbers)
    with run.step("select subscriptions"):
        bulk = subscriptions.open_bulk_renew().show_more()
        offered = bulk.groups()
        by_group = _choose(offered, numbers, groups)
    plan = plan_checkouts(by_group, limit)
    total, done = sum(len(chunk) for chunk in plan), 0
    current: PortalPage = bulk
    for index, chunk in enumerate(plan, start=1):
        step = f"checkout {index} of {len(plan)}"
        with run.step(step):
            if index > 1:
                bulk = current.go_to(SubscriptionsPage).open_bulk_renew().show_more()
                offered = bulk.groups()
            _select(step, bulk, offered, chunk)
            try:
                cart = bulk.renew_selected()
            except PortalRefused as refused:
                raise FlowError(step, f"bulk renew refused: {refused.message}") from refused
            current = run.check_out(step, cart, chunk)
        done += len(chunk)
        if progress is not None:
            progress(done, total, step)
    return run.finish()


GroupKey = tuple[str, str, str]


def _choose(offered: list[BulkGroup], numbers: Sequence[str], groups: GroupFilter | None) -> dict[GroupKey, list[str]]:
    """What to renew, per group in page order; requested numbers keep their requested order inside a group."""
    by_group: dict[GroupKey, list[str]] = {}
    if numbers:
        group_of = {n: g.key for g in offered for n in g.numbers}
        missing = [n for n in numbers if n not in group_of]
        if missing:
            raise FlowError("select subscriptions", f"not offered on the Renew subscriptions page: {show_numbers(missing)}")
        for group in offered:
            chosen = [n for n in numbers if group_of[n] == group.key]
            if chosen:
                by_group[group.key] = chosen
        return by_group
    for group in offered:
        if groups is None or groups(*group.key):
            if not group.shown_whole:
                raise FlowError(
                    "select subscriptions",
                    f"the group CSN {group.csn} · {group.currency} · {group.payment_method_label} holds {group.total} "
                    f"eligible subscriptions but the Renew subscriptions page lists {len(group.numbers)}; renew it in "
                    "parts, by subscription numbers",
                )
            by_group[group.key] = list(group.numbers)
    if not by_group:
        what = "no subscription can be renewed today" if groups is None else "no eligible subscription is in a matching group"
        shown = "; ".join(f"CSN {g.csn} · {g.currency} · {g.payment_method_label}" for g in offered) or "none"
        raise FlowError("select subscriptions", f"{what} (groups offered: {shown})")
    return by_group


def _select(step: str, bulk: BulkRenewPage, offered: list[BulkGroup], chunk: Sequence[str]) -> None:
    """Tick the chunk: Select all where it is a whole group, single boxes otherwise; then check the live count."""
    wanted = set(chunk)
    on_page = {n for g in offered for n in g.numbers}
    if missing := [n for n in chunk if n not in on_page]:
        raise FlowError(step, f"no longer offered on the Renew subscriptions page: {show_numbers(missing)}")
    for group in offered:
        members = [n for n in group.numbers if n in wanted]
        others = [n for n in group.numbers if n not in wanted]
        if not members:
            continue
        # Select all and untick the rest when that takes fewer clicks (each click costs a browser round trip).
        if len(members) > 1 and 1 + len(others) < len(members):
            bulk.select_all(*group.key)
            bulk.unselect(others, group.key)
        else:
            bulk.select(members, group.key)
    count = bulk.selected_count()
    if count != len(chunk):
        raise FlowError(step, f"ticked {len(chunk)} subscriptions but the page counts {count} selected")


def _only_in_cart(cart: CartPage, numbers: Sequence[str]) -> CartPage:
    """Take out anything an earlier session left in the cart, so the checkout holds only what was asked."""
    for line in cart.lines():
        if line.number not in numbers:
            cart = cart.remove(line.number)
    return cart
