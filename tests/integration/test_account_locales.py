"""The portal's test-control API makes accounts whose users speak each language the harness has a profile for."""

from __future__ import annotations

from automation.clients import PortalAdmin
from automation.profiles import LOCALES


def test_the_portal_takes_accounts_whose_users_speak_each_language(admin: PortalAdmin) -> None:
    for code in LOCALES:
        assert admin.create_account([{}], locale=code).users, f"no user made for locale {code}"
