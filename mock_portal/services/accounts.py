"""Creating accounts, as the rest of the portal and the tests import it; the code lives in mock_portal.testing
(spec: the checked spec, generation: what is made up, storage: the inserts)."""

from __future__ import annotations

from ..testing.answers import CreatedAccount, CreatedSubscription, CreatedUser
from ..testing.fields import SpecError
from ..testing.generation import default_currency
from ..testing.spec import AccountSpec, SubscriptionSpec, UserSpec
from ..testing.storage import PASSWORD_METHOD, create_account

__all__ = [
    "PASSWORD_METHOD",
    "AccountSpec",
    "CreatedAccount",
    "CreatedSubscription",
    "CreatedUser",
    "SpecError",
    "SubscriptionSpec",
    "UserSpec",
    "create_account",
    "default_currency",
]
