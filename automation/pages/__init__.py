"""Page objects for the account portal and the mail catcher's inbox: locators by accessible name, no assertions."""

from __future__ import annotations

from .base import PageError, PortalPage, PortalRefused, PortalServerError, UnexpectedPage
from .bulk_renew import BulkGroup, BulkRenewPage
from .cart import CartPage
from .checkout import CheckoutPage, PaymentDeclined
from .confirmation import ConfirmationPage, ConfirmedLine, ConfirmedOrder
from .detail import SubscriptionDetailPage
from .inbox import InboxMessage, InboxPage, MessagePage
from .login import AccountHome, SignInPage
from .orders import HistoryOrder, OrderHistoryPage
from .subscriptions import SubscriptionRow, SubscriptionsPage
from .tables import CartLine, TransactionTotals

__all__ = [
    "AccountHome",
    "BulkGroup",
    "BulkRenewPage",
    "CartLine",
    "CartPage",
    "CheckoutPage",
    "ConfirmationPage",
    "ConfirmedLine",
    "ConfirmedOrder",
    "HistoryOrder",
    "InboxMessage",
    "InboxPage",
    "MessagePage",
    "OrderHistoryPage",
    "PageError",
    "PaymentDeclined",
    "PortalPage",
    "PortalRefused",
    "PortalServerError",
    "SignInPage",
    "SubscriptionDetailPage",
    "SubscriptionRow",
    "SubscriptionsPage",
    "TransactionTotals",
    "UnexpectedPage",
]
