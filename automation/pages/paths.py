"""Where each portal page lives (regular expressions over the path), in one module every page object may import:
the shared navigation (in base) knows where each of its links leads without importing the pages it leads to."""

from __future__ import annotations

HOME = r"/"
SIGN_IN = r"/login"
SUBSCRIPTIONS = r"/subscriptions"
DETAIL = r"/subscriptions/[^/]+(/renew)?"
BULK_RENEW = r"/bulk/renew"
CART = r"/cart"
CHECKOUT = r"/checkout"
CONFIRMATION = r"/checkout/confirmation"
ORDER_HISTORY = r"/orders"
