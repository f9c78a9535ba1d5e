"""Where each portal page lives (regular expressions over the path), in one module every page object may import:
a page that leads to another checks where it landed without importing that page's module."""

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
