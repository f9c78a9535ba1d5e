"""The transaction tables the cart and the checkout share, and the reader both use (the checkout need not import
the cart)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Locator

from ..profile import PortalProfile, headers
from .rows import ROWS_OF

# One round trip for every table: a caption naming the transaction, a header row, one row per line.
_READ_LINES = (
    "(tables, heads) => tables.flatMap((table) => ("
    + ROWS_OF
    + ')(table, heads).map((row) => ({ caption: table.caption ? table.caption.textContent.trim() : "", ...row })))'
)


@dataclass(frozen=True)
class CartLine:
    """One renewal in the cart or at checkout, as shown; `transaction` is its table's caption (CSN · currency · method)."""

    transaction: str
    product: str
    number: str
    seats: int
    unit_price: str
    line_total: str


def read_lines(tables: Locator, profile: PortalProfile) -> list[CartLine]:
    """Read every line of the transaction tables in one round trip."""
    raw: list[dict[str, Any]] = tables.evaluate_all(_READ_LINES, headers(profile.cart.columns))
    return [
        CartLine(
            transaction=entry["caption"],
            product=entry["cells"].get("product", ""),
            number=entry["cells"].get("number", ""),
            seats=int(entry["cells"].get("seats") or 0),
            unit_price=entry["cells"].get("unit_price", ""),
            line_total=entry["cells"].get("line_total", ""),
        )
        for entry in raw
    ]


# A transaction table's footer, read by position so no label is needed: the subtotal row first, then the tax row,
# and the total in the cell with the cart-total test id.
_READ_TOTALS = """(tables) => tables.map((table) => {
  const rows = Array.from(table.tFoot?.rows || [], (row) => ({
    label: (row.querySelector("th")?.textContent || "").trim().replace(/\\s+/g, " "),
    value: (row.querySelector("td")?.innerText || "").trim(),
    total: Boolean(row.querySelector('[data-testid="cart-total"]')),
  }));
  const rest = rows.filter((r) => !r.total);
  return {
    caption: table.caption ? table.caption.textContent.trim() : "",
    subtotal: rest[0]?.value || "", tax: rest[1]?.value || "", taxLabel: rest[1]?.label || "",
    total: rows.find((r) => r.total)?.value || "",
  };
})"""


@dataclass(frozen=True)
class TransactionTotals:
    """One transaction's money as shown under its lines; `tax_label` is the tax row's heading (e.g. "Tax (DE, 19%)")."""

    transaction: str
    subtotal: str
    tax: str
    total: str
    tax_label: str


def read_totals(tables: Locator) -> list[TransactionTotals]:
    """Read the subtotal, tax and total of every transaction table in one round trip."""
    raw: list[dict[str, str]] = tables.evaluate_all(_READ_TOTALS)
    return [TransactionTotals(t["caption"], t["subtotal"], t["tax"], t["total"], t["taxLabel"]) for t in raw]
