"""The rule checks a flow makes on what the portal showed: pure functions over page data (and the mailbox)."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from threading import Event

from mock_portal.rules.terms import TERM_LABELS, add_term

from ..mailbox import Mailbox, MailboxError, MailboxTimeout, UnexpectedMessages
from ..pages import CartLine, ConfirmedLine, ConfirmedOrder, SubscriptionRow
from .planning import MAX_PER_CHECKOUT
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

TERM_BY_LABEL = {label: code for code, label in TERM_LABELS.items()}


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
    orders: list[ConfirmedOrder], before: dict[str, SubscriptionRow], after: dict[str, SubscriptionRow], today: date | None
) -> list[RenewedSubscription]:
    """Each renewed term starts at the unchanged renewal date and runs one term; the list shows the same anniversary."""
    renewed = []
    for order in orders:
        for line in order.lines:
            row = before[line.number]
            _check_line_dates(order.number, line, row)
            listed = after[line.number].renewal_date if line.number in after else None
            # Once today passes the old date, a paid term rolls the anniversary forward to exactly one term later;
            # an order awaiting a Konbini/ATM payment has paid nothing yet, so its date stays put.
            rolls = line.renewed_through is not None and not order.awaiting_payment
            if today is None:
                expected = [row.renewal_date] + ([line.renewed_through] if rolls else [])
            else:
                expected = [line.renewed_through if rolls and today > row.renewal_date else row.renewal_date]
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


def _check_line_dates(order: str, line: ConfirmedLine, row: SubscriptionRow) -> None:
    if line.renewal_date != row.renewal_date:
        raise RuleBroken(
            RULE_DATES,
            f"subscription {line.number}: renewal date {row.renewal_date} before, "
            f"but order {order}'s confirmation shows {line.renewal_date}",
        )
    term = TERM_BY_LABEL.get(row.term)
    if term is not None and line.renewed_through is not None:
        expected = add_term(row.renewal_date, term)
        if line.renewed_through != expected:
            raise RuleBroken(
                RULE_DATES,
                f"subscription {line.number}: order {order} renews through {line.renewed_through}, but a "
                f"{row.term.lower()} term from the unchanged date {row.renewal_date} runs through {expected}",
            )


def check_emails(
    mailbox: Mailbox, orders: list[ConfirmedOrder], timeout: float, settle: float, cancel: Event | None = None
) -> dict[str, list[EmailFound]]:
    """Exactly one confirmation email per order, listing each of its subscriptions with its renewal date (R8).
    Orders are waited for side by side, so the settle time is paid once rather than once per order; setting
    `cancel` stops every wait (the caller has failed already and no longer needs the answer)."""
    if not orders:
        return {}
    with ThreadPoolExecutor(max_workers=min(8, len(orders))) as pool:
        futures = [pool.submit(_one_email, mailbox, order, timeout, settle, cancel) for order in orders]
        found = [future.result() for future in futures]  # the first failure, in order, propagates
    return {order.number: emails for order, emails in zip(orders, found, strict=True)}


def _one_email(
    mailbox: Mailbox, order: ConfirmedOrder, timeout: float, settle: float, cancel: Event | None
) -> list[EmailFound]:
    query = f'subject:"Order confirmation {order.number}"'
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
