"""The rule checks a flow makes on what the portal showed: pure functions over page data (and the mailbox)."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from threading import Event

from ..clients import Mailbox, MailboxError, MailboxTimeout, UnexpectedMessages
from ..pages import CartLine, ConfirmedLine, ConfirmedOrder, SubscriptionRow
from ..profile import PortalProfile, default_profile
from ..rules import MAX_PER_CHECKOUT, TERM_MONTHS, date_in_force, possible_term_ends
from .results import (
    RULE_DATES,
    RULE_EMAIL_LISTS,
    RULE_LIMIT,
    RULE_ONE_EMAIL,
    RULE_ORDER_PER_GROUP,
    EmailFound,
    FlowError,
    RenewedSubscription,
    RuleBroken,
)


def verify_checkout(step: str, lines: list[CartLine], orders: list[ConfirmedOrder]) -> None:
    """The confirmation holds exactly the cart, as one order per transaction (R8), at most 100 in all (R7)."""
    group_of = {line.number: line.transaction for line in lines}
    ordered = [n for order in orders for n in order.subscription_numbers]
    if len(ordered) > MAX_PER_CHECKOUT:
        raise RuleBroken(RULE_LIMIT, f"{step}: the portal placed {len(ordered)} subscriptions in one checkout")
    if sorted(ordered) != sorted(group_of):
        extra = sorted(set(ordered) - set(group_of))
        lacking = sorted(set(group_of) - set(ordered))
        mismatch = f"not ordered: {show_numbers(lacking)}; unexpected: {show_numbers(extra)}"
        raise FlowError(step, f"the confirmation does not match the cart ({mismatch})")
    transactions = list(dict.fromkeys(group_of[n] for n in group_of))
    if len(orders) != len(transactions):
        raise RuleBroken(
            RULE_ORDER_PER_GROUP,
            f"{step} held {len(transactions)} transaction(s) ({'; '.join(transactions)}) "
            f"but the portal placed {len(orders)} order(s) ({', '.join(o.number for o in orders)})",
        )
    for order in orders:
        mixed = sorted({group_of[n] for n in order.subscription_numbers})
        if len(mixed) != 1:
            raise RuleBroken(RULE_ORDER_PER_GROUP, f"{step}: order {order.number} mixes transactions {'; '.join(mixed)}")


def verify_dates(
    orders: list[ConfirmedOrder],
    before: dict[str, SubscriptionRow],
    after: dict[str, SubscriptionRow],
    today: date | None,
    profile: PortalProfile | None = None,
) -> list[RenewedSubscription]:
    """Each renewed term starts at the unchanged renewal date and runs one term (by the harness's own rules, the
    term read through the profile); the list shows the same anniversary, or the term's end once today passed it."""
    profile = profile or default_profile()
    renewed = []
    for order in orders:
        for line in order.lines:
            row = before[line.number]
            _check_line_dates(order.number, line, row, profile)
            listed = after[line.number].renewal_date if line.number in after else None
            # An order awaiting a Konbini/ATM payment has paid nothing yet, so its date stays put.
            paid = None if order.awaiting_payment else line.renewed_through
            if today is None:  # the page does not say which day it is: before or after the old date
                expected = [row.renewal_date] + ([paid] if paid else [])
            else:
                expected = [date_in_force(row.renewal_date, paid, today)]
            if listed is None or listed not in expected:
                raise RuleBroken(
                    RULE_DATES,
                    f"subscription {line.number}: the list showed renewal date {row.renewal_date} before and "
                    f"{listed} after order {order.number}; expected {' or '.join(str(d) for d in expected)}"
                    + (f" (today is {today})" if today else ""),
                )
            renewed.append(
                RenewedSubscription(line.number, order.number, row.renewal_date, line.renewal_date, line.renewed_through, listed)
            )
    return renewed


def _check_line_dates(order: str, line: ConfirmedLine, row: SubscriptionRow, profile: PortalProfile) -> None:
    if line.renewal_date != row.renewal_date:
        raise RuleBroken(
            RULE_DATES,
            f"subscription {line.number}: renewal date {row.renewal_date} before, "
            f"but order {order}'s confirmation shows {line.renewal_date}",
        )
    if line.renewed_through is None:
        return
    term = profile.term_code(row.term)
    if term not in TERM_MONTHS:
        raise FlowError(
            "read dates before",
            f"subscription {line.number}: the list shows the term {row.term!r}, which the portal profile's [terms] "
            f"does not name ({', '.join(f'{code} = {profile.term_label(code)!r}' for code in TERM_MONTHS)})",
        )
    # The list shows the renewal date, not the day the subscription started on: a month's last day may be a clamped
    # later anchor (28 Feb from a 29th), so each end such an anchor gives is right.
    expected = sorted(possible_term_ends(row.renewal_date, term))
    if line.renewed_through not in expected:
        raise RuleBroken(
            RULE_DATES,
            f"subscription {line.number}: order {order} renews through {line.renewed_through}, but a "
            f"{row.term} term from the unchanged date {row.renewal_date} runs through "
            f"{' or '.join(str(d) for d in expected)}",
        )


def check_emails(
    mailbox: Mailbox,
    orders: list[ConfirmedOrder],
    timeout: float,
    settle: float,
    cancel: Event | None = None,
    profile: PortalProfile | None = None,
) -> dict[str, list[EmailFound]]:
    """Exactly one confirmation email per order, listing each of its subscriptions with its renewal date (R8).
    Orders are waited for side by side, so the settle time is paid once rather than once per order; setting
    `cancel` stops every wait (the caller has failed already and no longer needs the answer)."""
    if not orders:
        return {}
    profile = profile or default_profile()
    with ThreadPoolExecutor(max_workers=min(8, len(orders))) as pool:
        futures = [pool.submit(_one_email, mailbox, order, timeout, settle, cancel, profile) for order in orders]
        found = [future.result() for future in futures]  # the first failure, in order, propagates
    return {order.number: emails for order, emails in zip(orders, found, strict=True)}


def _one_email(
    mailbox: Mailbox, order: ConfirmedOrder, timeout: float, settle: float, cancel: Event | None, profile: PortalProfile
) -> list[EmailFound]:
    query = f'subject:"{profile.confirmation_subject(order.number)}"'
    try:
        summaries = mailbox.wait_for(query, 1, timeout=timeout, settle=settle, cancel=cancel)
    except MailboxTimeout as error:
        raise RuleBroken(
            RULE_ONE_EMAIL,
            f"no confirmation email for order {order.number} within {timeout:g} s — the portal's outbox may be unable "
            f"to send (check SMTP); {error}",
        ) from error
    except UnexpectedMessages as error:
        raise RuleBroken(RULE_ONE_EMAIL, f"more than one confirmation email for order {order.number}: {error}") from error
    except MailboxError as error:
        raise FlowError("confirmation emails", str(error)) from error
    message = mailbox.get(summaries[0].id)
    body = message.text or message.html
    lines = body.splitlines()
    for line in order.lines:
        wanted = line.renewal_date.isoformat()
        if not any(line.number in text and wanted in text for text in lines):
            raise RuleBroken(
                RULE_EMAIL_LISTS,
                f"the email {message.subject!r} does not list subscription {line.number} with renewal date {wanted}",
            )
    return [EmailFound(s.id, s.subject) for s in summaries]


def show_numbers(numbers: Sequence[str], most: int = 10) -> str:
    """A short list of numbers for a message: the first `most`, then how many more."""
    items = list(numbers)
    if not items:
        return "none"
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")
