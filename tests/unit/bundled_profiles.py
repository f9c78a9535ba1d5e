"""What the profile test modules share: the bundled profiles, and the `profile` fixture (the default profile, or the
bundled one a test is parametrized with).

The fixture's function is named apart from the fixture (`name=`), so a test module imports it without a test's
`profile` argument shadowing the import."""

from __future__ import annotations

import pytest

from automation.profile import PortalProfile, default_profile, load_profile

BUNDLED = ["mock-en", "mock-fr", "mock-ja"]
EACH_BUNDLED = pytest.mark.parametrize("profile", BUNDLED, indirect=True)  # the drift tests, once per language


@pytest.fixture(name="profile")
def profile_fixture(request: pytest.FixtureRequest) -> PortalProfile:
    """The default profile, or the bundled one a test is parametrized with."""
    name = getattr(request, "param", None)
    return default_profile() if name is None else load_profile(name)
