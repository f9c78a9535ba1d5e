"""Checkout: the payment method on file per transaction, Renew now for early renewals, Place order."""

from __future__ import annotations

from playwright.sync_api import Page

from ..profile import PortalProfile
from . import paths
from .base import PortalPage, PortalRefused, UnexpectedPage
from .confirmation import ConfirmationPage
from .tables import CartLine, TransactionTotals, read_lines, read_totals

PAYMENT_REQUIRED = 402  # how the portal answers a Place order whose payment was declined


class PaymentDeclined(PortalRefused):
    """Place order was refused because the payment was declined; nothing was ordered."""


class CheckoutPage(PortalPage):
    """`/checkout`."""

    PATH = paths.CHECKOUT
    TITLE = "the checkout"

    def __init__(self, page: Page, profile: PortalProfile | None = None) -> None:
        super().__init__(page, profile)
        names = self.profile.checkout
        self.heading = page.get_by_role("heading", name=names.heading, level=1)
        self.tables = self.main.get_by_role("table")
        self.payment_notes = self.main.get_by_text(names.payment_on_file)
        self.renew_now = self.main.get_by_role("checkbox", name=names.renew_now, exact=True)
        self.place_order_button = self.main.get_by_role("button", name=names.place_order, exact=True)

    def lines(self) -> list[CartLine]:
        """Every renewal about to be ordered."""
        self.heading.wait_for()
        return read_lines(self.tables, self.profile)

    def transaction_totals(self) -> list[TransactionTotals]:
        """Each order-to-be's subtotal, tax and total, as shown, in page order."""
        self.heading.wait_for()
        return read_totals(self.tables)

    def payment_methods(self) -> list[str]:
        """The payment method on file of each transaction, as labelled (e.g. "Credit card", "Konbini")."""
        self.heading.wait_for()
        on_file = self.profile.checkout.payment_on_file
        labels = self.profile.payment_labels()
        found = []
        for note in self.payment_notes.all_inner_texts():
            rest = note.split(on_file, 1)[-1].strip()
            found.append(next((label for label in labels if rest.startswith(label)), rest))
        return found

    def needs_renew_now(self) -> bool:
        """Whether the checkout shows the Renew now choice (some renewal date has not come yet)."""
        self.heading.wait_for()
        return self.renew_now.count() > 0

    def tick_renew_now(self) -> None:
        """Tick Renew now."""
        self.renew_now.check()

    def error(self) -> str | None:
        """The checkout's refusal message, or None."""
        return self.alert()

    def place_order(self) -> ConfirmationPage:
        """Place order; raises PortalRefused with the portal's message when it refuses (nothing is ordered then),
        PaymentDeclined when the refusal is a declined payment."""
        try:
            return self._submit_to(self.place_order_button, ConfirmationPage, self.profile.checkout.place_order)
        except PortalRefused as refused:
            if refused.status == PAYMENT_REQUIRED:
                raise PaymentDeclined(refused.action, refused.message, refused.url, refused.status) from None
            raise

    def place_order_expecting_refusal(self) -> str:
        """Place order when the portal should refuse; returns its message. Raises UnexpectedPage if it ordered."""
        action = self.profile.checkout.place_order
        self._submit(self.place_order_button)
        if self.is_at(ConfirmationPage.PATH):
            orders = ConfirmationPage(self.page, self.profile).order_numbers()
            raise UnexpectedPage(f"{action}: expected a refusal, but the portal placed orders {orders}")
        message = self.error()
        if message is None:
            raise UnexpectedPage(f"{action}: expected a refusal message, but {self.page.url} shows none")
        return message
