"""The cart: one table per transaction with its lines and totals, then Check out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playwright.sync_api import Locator, Page

from .base import PortalPage

if TYPE_CHECKING:
    from .checkout import CheckoutPage

# Cart and checkout tables share one layout: a caption naming the transaction, a header row, one row per line.
_READ_LINES = """(tables) => tables.flatMap((table) => {
  const caption = table.caption ? table.caption.textContent.trim() : "";
  const heads = Array.from(table.tHead?.rows[0]?.cells || [], (c) => c.textContent.trim().toLowerCase());
  return Array.from(table.tBodies[0]?.rows || [], (row) => {
    const cells = {};
    heads.forEach((h, i) => { if (row.cells[i]) cells[h] = row.cells[i].innerText.trim(); });
    return { caption, cells };
  });
})"""


@dataclass(frozen=True)
class CartLine:
    """One renewal in the cart or at checkout, as shown; `transaction` is its table's caption (CSN · currency · method)."""

    transaction: str
    product: str
    number: str
    seats: int
    unit_price: str
    line_total: str


def read_lines(tables: Locator) -> list[CartLine]:
    """Read every line of the transaction tables in one round trip."""
    raw: list[dict[str, Any]] = tables.evaluate_all(_READ_LINES)
    return [
        CartLine(
            transaction=entry["caption"],
            product=entry["cells"].get("product", ""),
            number=entry["cells"].get("subscription number", ""),
            seats=int(entry["cells"].get("seats") or 0),
            unit_price=entry["cells"].get("unit price", ""),
            line_total=entry["cells"].get("line total", ""),
        )
        for entry in raw
    ]


class CartPage(PortalPage):
    """`/cart`."""

    PATH = r"/cart"

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.heading = page.get_by_role("heading", name="Cart", level=1)
        self.tables = self.main.get_by_role("table")
        self.totals_values = self.main.get_by_test_id("cart-total")
        self.check_out_button = self.main.get_by_role("button", name="Check out", exact=True)
        self._lines: list[CartLine] | None = None

    def lines(self) -> list[CartLine]:
        """Every renewal in the cart (read once per page load: this object stands for one loaded cart)."""
        if self._lines is None:
            self.heading.wait_for()
            self._lines = read_lines(self.tables)
        return self._lines

    def totals(self) -> list[str]:
        """Each transaction's total, as shown (with its currency)."""
        self.heading.wait_for()
        return [t.strip() for t in self.totals_values.all_inner_texts()]

    def transactions(self) -> list[str]:
        """Each transaction's caption: "CSN … · currency · payment method"."""
        self.heading.wait_for()
        return [c.strip() for c in self.tables.evaluate_all("(ts) => ts.map((t) => t.caption?.textContent || '')")]

    def remove(self, number: str) -> CartPage:
        """Take subscription `number` out of the cart."""
        self._submit(self.main.get_by_role("button", name=f"Remove {number}", exact=True))
        return CartPage(self.page)

    def check_out(self) -> CheckoutPage:
        """Check out."""
        from .checkout import CheckoutPage

        self._submit(self.check_out_button)
        if not self.landed_at(CheckoutPage.PATH):
            raise self._refused_or_unexpected("Check out", "the checkout")
        return CheckoutPage(self.page)
