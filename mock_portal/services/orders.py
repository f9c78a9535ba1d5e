"""Checkout: turn the cart into one order per transaction, and record Konbini / ATM payments."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import outbox
from ..clock import today_for
from ..emails import order_confirmation
from ..i18n import N_, payment_label, reason_message
from ..models import Account, CheckoutSubmission, Order, OrderLine, Subscription, User
from ..rules.eligibility import is_early, renewed_term
from ..rules.grouping import MAX_PER_CHECKOUT, checkout_size_error
from ..rules.payment import PAYMENT_DEADLINE_DAYS, is_manual_only
from .cart import CartGroup, cart_subscriptions, clear_cart, price_cart
from .subscriptions import describe_all, owned_subscriptions

RENEW_NOW_MESSAGE = N_(
    "This renewal is early: its renewal date has not come yet. Tick “Renew now” to pay today; "
    "your renewal date stays the same."
)


class CheckoutRefused(Exception):
    """The checkout can't go ahead; the message says why and what to do. Nothing was ordered."""


class PaymentDeclined(CheckoutRefused):
    """The payment was declined (a fault injected on the account); nothing was ordered."""


@dataclass(frozen=True)
class CheckoutReview:
    """What the checkout page shows: the transactions and whether Renew now is needed."""

    groups: list[CartGroup]
    early: bool
    count: int


def review_checkout(db: Session, account: Account) -> CheckoutReview:
    """Price the cart for checkout."""
    today = today_for(account)
    subs = cart_subscriptions(db, account.id)
    groups = price_cart(db, subs, today)
    early = any(is_early(line.view.anniversary, today) for g in groups for line in g.lines)
    return CheckoutReview(groups, early, len(subs))


RENEWED_ELSEWHERE = ("Already renewed through", "Awaiting payment")  # what another session's order leaves behind


def reviewed_numbers(field: str | None) -> list[str] | None:
    """The checkout form's `reviewed` field ("n1,n2,…": the cart the page showed) as numbers; None when absent."""
    if field is None:
        return None
    return [n for n in (part.strip() for part in field.split(",", MAX_PER_CHECKOUT + 1)[: MAX_PER_CHECKOUT + 1]) if n]


def _check_still_reviewed(db: Session, account: Account, review: CheckoutReview, reviewed: list[str] | None) -> None:
    """The cart must still hold what the checkout page showed: another session of the account may have ordered it
    (or changed the cart) since. Forms that don't say what they showed skip this check."""
    if reviewed is None:
        return
    in_cart = {line.view.number for group in review.groups for line in group.lines}
    shown = set(reviewed)
    if shown == in_cart:
        return
    gone = describe_all(db, owned_subscriptions(db, account.id, sorted(shown - in_cart)), today_for(account))
    taken = sorted((v.number, reason_message(v.eligibility)) for v in gone if v.eligibility.reason in RENEWED_ELSEWHERE)
    if taken:
        number, state = taken[0]
        raise CheckoutRefused(
            gettext(
                "Subscription %(number)s is already renewed (%(state)s): another session ordered it a moment ago. "
                "Nothing was ordered; see your orders, or review the cart below.",
                number=number,
                state=state,
            )
        )
    raise CheckoutRefused(
        gettext(
            "Your cart changed since this page was shown (in another session). Nothing was ordered; review the cart "
            "below and place the order again."
        )
    )


def _validate(review: CheckoutReview, renew_now: bool) -> None:
    if review.count == 0:
        raise CheckoutRefused(gettext("Your cart is empty. Choose Renew on a subscription first."))
    for group in review.groups:
        for line in group.lines:
            if not line.view.eligibility.eligible:
                raise CheckoutRefused(
                    gettext(
                        "Subscription %(number)s can't be renewed: %(reason)s. Remove it from the cart.",
                        number=line.view.number,
                        reason=reason_message(line.view.eligibility),
                    )
                )
    if review.early and not renew_now:
        raise CheckoutRefused(gettext(RENEW_NOW_MESSAGE))


def _charge(account: Account, review: CheckoutReview) -> None:
    """Take the payments due now; Konbini / ATM orders are paid later, so only the others can be declined."""
    charged = [group.key.payment_method for group in review.groups if not is_manual_only(group.key.payment_method)]
    if charged and account.fault_payment_declined:
        raise PaymentDeclined(
            gettext(
                "Your payment (%(method)s) was declined by the payment provider. Nothing was ordered. "
                "Use another payment method or try again later.",
                method=payment_label(charged[0]),
            )
        )


def _new_order_number() -> str:
    return f"7{secrets.randbelow(10**9):09d}"


def _place_group(db: Session, account: Account, group: CartGroup, today: date) -> Order:
    manual = is_manual_only(group.key.payment_method)
    order = Order(
        number=_new_order_number(),
        account_id=account.id,
        csn=group.key.csn,
        currency=group.key.currency,
        payment_method=group.key.payment_method,
        status="awaiting_payment" if manual else "complete",
        placed_on=today,
        subtotal_minor=group.totals.subtotal_minor,
        tax_minor=group.totals.tax_minor,
        total_minor=group.totals.total_minor,
        tax_rate=str(group.totals.tax_rate),
        payment_number=f"{secrets.randbelow(10**12):012d}" if manual else None,
        payment_deadline=today + timedelta(days=PAYMENT_DEADLINE_DAYS) if manual else None,
    )
    db.add(order)
    for line in group.lines:
        sub, anniversary = line.view.sub, line.view.anniversary
        # Read the anchor before the roll below moves renewal_date, and keep it: a term ending on a clamped day
        # (28 Feb from the 29th) must not make the 28th the next term's anchor.
        sub.anchor_day = sub.anchor
        paid = renewed_term(anniversary, sub.term, sub.anchor_day)
        # Store the anniversary in force (rolled forward if a paid term has begun); the date itself never moves.
        sub.renewal_date, sub.renewed_through = anniversary.renewal_date, anniversary.renewed_through
        if not manual:
            sub.renewed_through = paid.renewed_through
        order.lines.append(
            OrderLine(
                subscription_id=sub.id,
                subscription_number=sub.number,
                product_name=line.view.product.name,
                seats=sub.seats,
                unit_price_minor=line.unit_price_minor,
                line_total_minor=line.line_total_minor,
                renewal_date=anniversary.renewal_date,
                renews_through=paid.renewed_through,
            )
        )
    return order


def submitted_orders(db: Session, account: Account, token: str | None) -> list[str] | None:
    """The order numbers an earlier submission of this checkout form made, if it was already placed."""
    if not token:
        return None
    done = db.get(CheckoutSubmission, token)
    if done is None or done.account_id != account.id:
        return None
    return done.order_numbers.split(",")


def place_orders(
    db: Session,
    account: Account,
    user: User,
    renew_now: bool,
    token: str | None = None,
    reviewed: list[str] | None = None,
) -> list[str]:
    """Check the cart out: one order and one confirmation email per transaction, all or nothing.

    With the form's one-time `token`, a double click, a reloaded POST or a resubmitted form returns the first
    submission's order numbers: the token's row is committed with the orders, and its primary key lets only
    one of two concurrent submissions commit. `reviewed` (the subscription numbers the form showed, see
    `reviewed_numbers`) lets a second session's stale form be told that its subscriptions are already renewed."""
    if (earlier := submitted_orders(db, account, token)) is not None:
        return earlier
    review = review_checkout(db, account)
    if limit := checkout_size_error(review.count):  # first: a cart over the limit is refused for that, whatever else
        raise CheckoutRefused(limit)
    _check_still_reviewed(db, account, review, reviewed)
    _validate(review, renew_now)
    _charge(account, review)
    today = today_for(account)
    try:
        orders = [_place_group(db, account, group, today) for group in review.groups]
        clear_cart(db, account.id)
        db.flush()
        outbox.enqueue(db, *(order_confirmation(order, user.email, user.locale) for order in orders))
        numbers = [order.number for order in orders]
        if token:
            db.add(CheckoutSubmission(token=token, account_id=account.id, order_numbers=",".join(numbers)))
        db.commit()
    except IntegrityError as exc:  # a unique constraint saw another transaction renew these first
        db.rollback()
        if (earlier := submitted_orders(db, account, token)) is not None:
            return earlier  # the same form, submitted twice at once: the other request placed it
        raise CheckoutRefused(
            gettext(
                "These subscriptions are already renewed: another session ordered them a moment ago. Nothing was "
                "ordered; see your orders."
            )
        ) from exc
    return numbers


def record_payment(db: Session, order: Order) -> None:
    """A Konbini / ATM payment arrived: the renewal completes, without a second email (reference)."""
    if order.status != "awaiting_payment":
        raise CheckoutRefused(f"Order {order.number} is {order.status}; only orders awaiting payment can be paid.")
    account = db.get(Account, order.account_id)
    assert account is not None
    order.status, order.paid_on = "complete", today_for(account)
    for line in order.lines:
        sub = db.get(Subscription, line.subscription_id)
        assert sub is not None
        sub.renewal_date, sub.renewed_through = line.renewal_date, line.renews_through
    db.commit()


def account_orders(db: Session, account_id: int, numbers: list[str] | None = None) -> list[Order]:
    """The account's orders, newest first, optionally only these numbers."""
    stmt = select(Order).where(Order.account_id == account_id).order_by(Order.id.desc())
    if numbers is not None:
        stmt = stmt.where(Order.number.in_(numbers))
    return list(db.scalars(stmt))
