"""The portal's tables: accounts, their customer numbers, users, subscriptions, carts, orders and mail."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of every portal table."""


class Account(Base):
    """A customer company; "today" may be set per account so tests on different dates run side by side."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    today: Mapped[date | None] = mapped_column(Date, default=None)
    # Faults injected through the test-control API (testing mode): Place order is declined; emails wait in the outbox.
    fault_payment_declined: Mapped[bool] = mapped_column(default=False, server_default=false())
    fault_smtp_unavailable: Mapped[bool] = mapped_column(default=False, server_default=false())
    users: Mapped[list[User]] = relationship(back_populates="account")
    csns: Mapped[list[Csn]] = relationship(back_populates="account")


class Csn(Base):
    """A 10-digit customer number; its country decides the tax."""

    __tablename__ = "csns"
    number: Mapped[str] = mapped_column(String(10), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    country: Mapped[str] = mapped_column(String(2))
    account: Mapped[Account] = relationship(back_populates="csns")


class User(Base):
    """Someone who signs in to an account with email and a hashed password."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    # The language of the user's pages (once signed in) and emails: en, fr or ja; chosen in the header's selector.
    locale: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    account: Mapped[Account] = relationship(back_populates="users")


class UserSession(Base):
    """One signed-in browser: the SHA-256 of the random token its cookie holds (never the token) and, in UTC
    wall-clock time (not an account's "today"), when it signed in and when it was last used."""

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, index=True)  # expired rows are found by it


class Subscription(Base):
    """A subscription; `renewal_date` is the anniversary, `renewed_through` the end of a term already paid."""

    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_account_csn", "account_id", "csn"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(12), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    csn: Mapped[str] = mapped_column(ForeignKey("csns.number"))
    product_code: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    payment_method: Mapped[str] = mapped_column(String(20))
    term: Mapped[str] = mapped_column(String(12))
    seats: Mapped[int] = mapped_column(Integer)
    renewal_date: Mapped[date] = mapped_column(Date)
    renewed_through: Mapped[date | None] = mapped_column(Date, default=None)
    # The day of the month the anniversary keeps (29 Feb 2028 → 28 Feb 2029 → … → 29 Feb 2032); null: renewal_date's.
    anchor_day: Mapped[int | None] = mapped_column(Integer, default=None)
    auto_renew: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default="active")

    @property
    def anchor(self) -> int:
        """The anchor day in effect: the stored one, else the stored renewal date's own day."""
        return self.renewal_date.day if self.anchor_day is None else self.anchor_day


class CartItem(Base):
    """A renewal waiting in an account's cart."""

    __tablename__ = "cart_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"), unique=True)
    subscription: Mapped[Subscription] = relationship()


class Order(Base):
    """One transaction: one (CSN, currency, payment method) group, one confirmation email."""

    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    csn: Mapped[str] = mapped_column(String(10))
    currency: Mapped[str] = mapped_column(String(3))
    payment_method: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # complete | awaiting_payment
    placed_on: Mapped[date] = mapped_column(Date)
    subtotal_minor: Mapped[int] = mapped_column(Integer)
    tax_minor: Mapped[int] = mapped_column(Integer)
    total_minor: Mapped[int] = mapped_column(Integer)
    tax_rate: Mapped[str] = mapped_column(String(10))
    payment_number: Mapped[str | None] = mapped_column(String(20), default=None)
    payment_deadline: Mapped[date | None] = mapped_column(Date, default=None)
    paid_on: Mapped[date | None] = mapped_column(Date, default=None)
    lines: Mapped[list[OrderLine]] = relationship(back_populates="order", order_by="OrderLine.id")


class OrderLine(Base):
    """One subscription renewed by an order; a subscription is renewed at most once per anniversary."""

    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("subscription_id", "renewal_date", name="uq_one_renewal_per_anniversary"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"))
    subscription_number: Mapped[str] = mapped_column(String(12))
    product_name: Mapped[str] = mapped_column(String(200))
    seats: Mapped[int] = mapped_column(Integer)
    unit_price_minor: Mapped[int] = mapped_column(Integer)
    line_total_minor: Mapped[int] = mapped_column(Integer)
    renewal_date: Mapped[date] = mapped_column(Date)
    renews_through: Mapped[date] = mapped_column(Date)
    order: Mapped[Order] = relationship(back_populates="lines")


class Reminder(Base):
    """Records the one reminder sent per subscription per term (per anniversary)."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("subscription_id", "renewal_date", name="uq_one_reminder_per_term"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"))
    renewal_date: Mapped[date] = mapped_column(Date)


class OutboxEmail(Base):
    """An email committed with the change that caused it, sent (and retried) from this outbox."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None, index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, default=None, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)


class CheckoutSubmission(Base):
    """One Place order form, by its one-time token: a resubmitted form finds its orders instead of ordering again."""

    __tablename__ = "checkout_submissions"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    order_numbers: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
