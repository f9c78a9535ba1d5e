"""The harness's own reading of the manual-renewal rules (../shared/reference/manual-renewal.md): pure functions.

Written from the reference, never from the portal's code, so that a slip in the portal's arithmetic is caught
instead of reproduced. Nothing here imports Playwright or the portal."""

from .dates import (
    CLOSES_DAYS_AFTER,
    OPENS_DAYS_BEFORE,
    TERM_MONTHS,
    date_in_force,
    is_early,
    is_open,
    possible_term_ends,
    renewal_window,
    term_end,
)
from .eligibility import Reason, SubscriptionFacts, Verdict, judge
from .money import MINOR_UNITS, Catalog, Totals, line_minor, load_catalog, transaction_totals
from .payment import MANUAL_ONLY_METHODS, order_status_after_checkout
from .transactions import MAX_PER_CHECKOUT, TransactionKey, transactions

__all__ = [
    "CLOSES_DAYS_AFTER",
    "MANUAL_ONLY_METHODS",
    "MAX_PER_CHECKOUT",
    "MINOR_UNITS",
    "OPENS_DAYS_BEFORE",
    "TERM_MONTHS",
    "Catalog",
    "Reason",
    "SubscriptionFacts",
    "Totals",
    "TransactionKey",
    "Verdict",
    "date_in_force",
    "is_early",
    "is_open",
    "judge",
    "line_minor",
    "order_status_after_checkout",
    "load_catalog",
    "possible_term_ends",
    "renewal_window",
    "term_end",
    "transaction_totals",
    "transactions",
]
