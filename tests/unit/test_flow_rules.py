"""The flows' rule checks on what the portal showed: each broken rule is reported by name (no browser needed)."""

from __future__ import annotations

import re
import smtplib
from datetime import date
from email.message import EmailMessage

import pytest

from automation.clients import Mailbox
from automation.flows import (
    RULE_DATES,
    RULE_EMAIL_LISTS,
    RULE_LIMIT,
    RULE_ONE_EMAIL,
    RULE_ORDER_PER_GROUP,
    FlowError,
    RuleBroken,
    check_emails,
    verify_checkout,
    verify_dates,
)
from automation.flows.renewal import _choose
from automation.pages import BulkGroup, CartLine, ConfirmedLine, ConfirmedOrder, SubscriptionRow
from mock_portal.mailcatcher import MailCatcher

D = date(2030, 4, 1)
CARD, PAYPAL = "CSN 1111111111 · USD · Credit card", "CSN 1111111111 · USD · PayPal"


def row(number: str, renewal_date: date = D, term: str = "Annual") -> SubscriptionRow:
    return SubscriptionRow(number, "AutoCAD", "1111111111", term, 1, "Credit card", renewal_date, "Active", True, None)


def order(number: str, *lines: ConfirmedLine, awaiting_payment: bool = False) -> ConfirmedOrder:
    return ConfirmedOrder(number, "1111111111", "USD", "credit_card", awaiting_payment, "", tuple(lines))


def line(number: str, renewal_date: date = D, renewed_through: date | None = date(2031, 4, 1)) -> ConfirmedLine:
    return ConfirmedLine(number, "AutoCAD", renewal_date, renewed_through)


def cart(*pairs: tuple[str, str]) -> list[CartLine]:
    return [CartLine(transaction, "AutoCAD (Annual)", number, 1, "$1.00", "$1.00") for number, transaction in pairs]


# --- R2/R6: the renewal date never moves ------------------------------------------------------------------


def test_an_early_renewal_keeping_its_date_passes_and_is_reported() -> None:
    renewed = verify_dates([order("7001", line("100"))], {"100": row("100")}, {"100": row("100")}, today=date(2030, 3, 1))
    assert [(r.number, r.order, r.date_before, r.date_after, r.listed_after) for r in renewed] == [("100", "7001", D, D, D)]


def test_a_confirmation_showing_another_date_breaks_r2() -> None:
    with pytest.raises(RuleBroken, match=rf"^{re.escape(RULE_DATES)}: subscription 100: .*shows 2030-04-15"):
        verify_dates([order("7001", line("100", date(2030, 4, 15)))], {"100": row("100")}, {"100": row("100")}, None)


def test_a_term_counted_from_the_payment_date_breaks_r2() -> None:
    paid_from_today = line("100", D, renewed_through=date(2031, 3, 1))
    with pytest.raises(RuleBroken, match=rf"^{re.escape(RULE_DATES)}: .*renews through 2031-03-01.*runs through 2031-04-01"):
        verify_dates([order("7001", paid_from_today)], {"100": row("100")}, {"100": row("100")}, None)


def test_a_list_date_moved_before_the_old_date_has_passed_breaks_r2() -> None:
    after = {"100": row("100", date(2031, 4, 1))}
    with pytest.raises(RuleBroken, match=rf"^{re.escape(RULE_DATES)}: .*before and 2031-04-01 after.*expected 2030-04-01"):
        verify_dates([order("7001", line("100"))], {"100": row("100")}, after, today=date(2030, 3, 1))


def test_a_late_renewal_rolls_the_list_to_exactly_one_term_after_the_old_date() -> None:
    after = {"100": row("100", date(2031, 4, 1))}
    renewed = verify_dates([order("7001", line("100"))], {"100": row("100")}, after, today=date(2030, 4, 20))
    assert renewed[0].listed_after == date(2031, 4, 1)


def test_an_order_awaiting_payment_leaves_the_list_date_alone_even_when_late() -> None:
    waiting = order("7001", line("100"), awaiting_payment=True)
    renewed = verify_dates([waiting], {"100": row("100")}, {"100": row("100")}, today=date(2030, 4, 20))
    assert renewed[0].listed_after == D


# --- R7 and R8: what one checkout may produce -------------------------------------------------------------


def test_one_order_per_transaction_passes() -> None:
    lines = cart(("1", CARD), ("2", CARD), ("3", PAYPAL))
    verify_checkout("checkout 1 of 1", lines, [order("7001", line("1"), line("2")), order("7002", line("3"))])


def test_two_transactions_in_one_order_break_r8() -> None:
    lines = cart(("1", CARD), ("2", PAYPAL))
    expected = rf"^{re.escape(RULE_ORDER_PER_GROUP)}: checkout 1 of 1 held 2 transaction\(s\).*placed 1 order"
    with pytest.raises(RuleBroken, match=expected):
        verify_checkout("checkout 1 of 1", lines, [order("7001", line("1"), line("2"))])


def test_one_transaction_split_over_two_orders_breaks_r8() -> None:
    lines = cart(("1", CARD), ("2", CARD))
    with pytest.raises(RuleBroken, match=rf"^{re.escape(RULE_ORDER_PER_GROUP)}: .*held 1 transaction\(s\).*placed 2 order"):
        verify_checkout("checkout 1 of 1", lines, [order("7001", line("1")), order("7002", line("2"))])


def test_orders_that_swap_transactions_break_r8() -> None:
    lines = cart(("1", CARD), ("2", CARD), ("3", PAYPAL), ("4", PAYPAL))
    swapped = [order("7001", line("1"), line("3")), order("7002", line("2"), line("4"))]
    with pytest.raises(RuleBroken, match=rf"^{re.escape(RULE_ORDER_PER_GROUP)}: .*order 7001 mixes transactions"):
        verify_checkout("checkout 1 of 1", lines, swapped)


def test_more_than_100_in_one_checkout_breaks_r7() -> None:
    numbers = [f"{i:012d}" for i in range(101)]
    with pytest.raises(RuleBroken, match=rf"^{re.escape(RULE_LIMIT)}: checkout 1 of 1: the portal placed 101"):
        verify_checkout("checkout 1 of 1", cart(*[(n, CARD) for n in numbers]), [order("7001", *[line(n) for n in numbers])])


def test_a_confirmation_that_differs_from_the_cart_is_a_flow_error_naming_the_step() -> None:
    expected = r"^checkout 2 of 3: the confirmation does not match the cart \(not ordered: 2; unexpected: 9\)"
    with pytest.raises(FlowError, match=expected):
        verify_checkout("checkout 2 of 3", cart(("1", CARD), ("2", CARD)), [order("7001", line("1"), line("9"))])


# --- R8: exactly one confirmation email per order, listing its renewals -----------------------------------


@pytest.fixture
def send(catcher: MailCatcher):  # type: ignore[no-untyped-def]
    def send(subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "portal@example.com", "buyer@example.com", subject
        message.set_content(body)
        with smtplib.SMTP(catcher.host, catcher.smtp_port) as smtp:
            smtp.send_message(message)

    return send


def test_one_email_listing_each_renewal_with_its_date_passes(catcher: MailCatcher, send) -> None:
    send("Order confirmation 7001", "- Subscription 100: AutoCAD, renewal date 2030-04-01 (unchanged)\n")
    found = check_emails(Mailbox(catcher.api_url), [order("7001", line("100"))], timeout=5, settle=0.2)
    assert [e.subject for e in found["7001"]] == ["Order confirmation 7001"]


def test_a_second_email_for_one_order_breaks_r8(catcher: MailCatcher, send) -> None:
    for _ in range(2):
        send("Order confirmation 7001", "- Subscription 100: renewal date 2030-04-01\n")
    with pytest.raises(RuleBroken, match=rf"^{re.escape(RULE_ONE_EMAIL)}: more than one confirmation email for order 7001"):
        check_emails(Mailbox(catcher.api_url), [order("7001", line("100"))], timeout=5, settle=0.2)


def test_no_email_for_an_order_breaks_r8(catcher: MailCatcher, send) -> None:
    send("Order confirmation 7001", "- Subscription 100: renewal date 2030-04-01\n")
    orders = [order("7001", line("100")), order("7002", line("200"))]
    with pytest.raises(RuleBroken, match=rf"^{re.escape(RULE_ONE_EMAIL)}: no confirmation email for order 7002"):
        check_emails(Mailbox(catcher.api_url), orders, timeout=0.5, settle=0.1)


def test_an_email_without_a_renewal_or_with_another_date_breaks_r8(catcher: MailCatcher, send) -> None:
    send("Order confirmation 7001", "- Subscription 100: renewal date 2031-04-01\n")
    expected = rf"^{re.escape(RULE_EMAIL_LISTS)}: .*does not list subscription 100 with renewal date 2030-04-01"
    with pytest.raises(RuleBroken, match=expected):
        check_emails(Mailbox(catcher.api_url), [order("7001", line("100"))], timeout=5, settle=0.2)


def test_a_whole_group_bigger_than_the_page_lists_is_refused_rather_than_renewed_in_part() -> None:
    big = BulkGroup("5500001234", "USD", "credit_card", tuple(f"{n:012d}" for n in range(500)), total=620)
    with pytest.raises(FlowError, match=r"^select subscriptions: the group CSN 5500001234 .* holds 620 .* lists 500"):
        _choose([big], [], None)
