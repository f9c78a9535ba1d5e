"""The two accounts the security-audit test modules share: `mine`, signed in and probing, and `theirs`, whose data must
stay out of its reach.

The fixtures' functions are named apart from the fixtures (`name=`), so a test module imports them without a test's
`mine` or `theirs` argument shadowing the import."""

from __future__ import annotations

import pytest
from portal_browser import SeedAccount

from mock_portal.testing.answers import CreatedAccount

TODAY = "2027-01-01"


@pytest.fixture(name="mine")
def mine_fixture(seed_account: SeedAccount) -> CreatedAccount:
    """An account with two subscriptions renewable in 30 days and one in 200."""
    return seed_account(today=TODAY, subscriptions=[{"renewal_in_days": 30}, {"renewal_in_days": 30}, {"renewal_in_days": 200}])


@pytest.fixture(name="theirs")
def theirs_fixture(seed_account: SeedAccount) -> CreatedAccount:
    """Another account, with one subscription renewable in 30 days."""
    return seed_account(today=TODAY, subscriptions=[{"renewal_in_days": 30}])
