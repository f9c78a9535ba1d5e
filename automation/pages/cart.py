"""The cart: one table per transaction with its lines and totals, then Check out."""

from __future__ import annotations

from playwright.sync_api import Page

from ..profile import PortalProfile
from . import paths
from .base import PortalPage
from .checkout import CheckoutPage
from .tables import CartLine, TransactionTotals, read_lines, read_totals


class CartPage(PortalPage):
    """`/cart`."""

    PATH = ADDRESS = paths.CART
    TITLE = "the cart"

    def __init__(self, page: Page, profile: PortalProfile | None = None) -> None:
        super().__init__(page, profile)
        names = self.profile.cart
        self.heading = page.get_by_role("heading", name=names.heading, level=1)
        self.tables = self.main.get_by_role("table")
        self.totals_values = self.main.get_by_test_id("cart-total")
        self.check_out_button = self.main.get_by_role("button", name=names.check_out, exact=True)
        self._lines: list[CartLine] | None = None

    def lines(self) -> list[CartLine]:
        """Every renewal in the cart (read once per page load: this object stands for one loaded cart)."""
        if self._lines is None:
            self.heading.wait_for()
            self._lines = read_lines(self.tables, self.profile)
        return self._lines

    def totals(self) -> list[str]:
        """Each transaction's total, as shown (with its currency)."""
        self.heading.wait_for()
        return [t.strip() for t in self.totals_values.all_inner_texts()]

    def transaction_totals(self) -> list[TransactionTotals]:
        """Each transaction's subtotal, tax and total, as shown, in page order."""
        self.heading.wait_for()
        return read_totals(self.tables)

    def transactions(self) -> list[str]:
        """Each transaction's caption: "CSN … · currency · payment method"."""
        self.heading.wait_for()
        return [c.strip() for c in self.tables.evaluate_all("(ts) => ts.map((t) => t.caption?.textContent || '')")]

    def remove(self, number: str) -> CartPage:
        """Take subscription `number` out of the cart."""
        name = self.profile.cart.remove.format(number=number)
        self._submit(self.main.get_by_role("button", name=name, exact=True))
        return CartPage(self.page, self.profile)

    def check_out(self) -> CheckoutPage:
        """Check out."""
        return self._submit_to(self.check_out_button, CheckoutPage, self.profile.cart.check_out)
