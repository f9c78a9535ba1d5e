"""What a renewal run needs to know, resolved once from CLI flags and their RENEWALS_* twins."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from automation.browser_options import BrowserOptions

if TYPE_CHECKING:  # loading a profile imports pydantic: only a run that uses one pays for it
    from automation.profile import PortalProfile

STATE_DIR = Path(".renewals")


class SettingsError(ValueError):
    """An option that is missing or malformed; `hint` names the flag and its environment twin."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class RenewSettings:
    """Where the portal and the mailbox are, who signs in, and how to get a browser."""

    base_url: str
    mailbox_url: str
    email: str
    password: str
    browser: BrowserOptions
    renew_now: bool = True
    storage_state: Path | None = None
    json: bool = False
    trace: Path | None = None
    profile: PortalProfile | None = None  # None: the default profile (the mock portal in English)

    @property
    def locale(self) -> str:
        """The browser's locale (its Accept-Language): the one of the portal's profile, e.g. fr-FR."""
        if self.profile is not None:
            return self.profile.locale
        from automation.profile import default_profile

        return default_profile().locale


PROFILE_HINT = "--portal-profile / RENEWALS_PORTAL_PROFILE"


def load_portal_profile(path: str | Path | None) -> PortalProfile | None:
    """The profile at `path` (a TOML file or a shipped profile's name), None for the default; a bad one raises
    SettingsError naming the file and the field."""
    if path is None or str(path) == "":
        return None
    from automation.profile import ProfileError, load_profile

    try:
        return load_profile(path)
    except ProfileError as error:
        raise SettingsError(str(error), PROFILE_HINT) from None


LOCALE_HINT = "--locale / RENEWALS_LOCALE"


def locale_profile(
    locale: str | None,
    portal_profile: str | Path | None,
    *,
    locale_flag: str = LOCALE_HINT,
    profile_flag: str = PROFILE_HINT,
) -> PortalProfile | None:
    """The profile a run uses: `portal_profile` when given, else the bundled one of `locale` ("fr" → mock-fr), else
    None (the default). A locale that names no bundled profile, or a profile of another language than `locale`, raises
    SettingsError naming both flags."""
    if not locale:
        return _load(portal_profile, profile_flag)
    from automation.profiles import bundled_profile, language_of

    try:
        bundled = bundled_profile(locale)
    except ValueError as error:
        raise SettingsError(str(error), locale_flag) from None
    if portal_profile is None or str(portal_profile) == "":
        return _load(bundled, locale_flag)
    profile = _load(portal_profile, profile_flag)
    assert profile is not None
    if profile.language != language_of(locale):
        raise SettingsError(
            f"{locale_flag.split()[0]} {locale} asks for the portal in {language_of(locale)!r}, but the portal profile "
            f"{portal_profile} describes it in {profile.locale} (its `locale`): give only one of them, or a profile "
            f"in {language_of(locale)!r}.",
            f"{locale_flag} with {profile_flag}",
        )
    return profile


def _load(path: str | Path | None, hint: str) -> PortalProfile | None:
    try:
        return load_portal_profile(path)
    except SettingsError as error:
        raise SettingsError(str(error), hint) from None


def default_storage_state(base_url: str, email: str, state_dir: Path = STATE_DIR) -> Path:
    """One saved sign-in per portal and user, so a session is never reused for someone else."""
    where = urlparse(base_url)
    slug = re.sub(r"[^A-Za-z0-9@._-]+", "_", f"{where.hostname}-{where.port or where.scheme}-{email}")
    return state_dir / f"{slug}.json"


def _url(value: str, flag: str, env: str) -> str:
    url = value.strip().rstrip("/")
    if urlparse(url).scheme not in {"http", "https"} or not urlparse(url).hostname:
        raise SettingsError(f"{value!r} is not an http:// or https:// address.", f"{flag} / {env}")
    return url


def renew_settings(
    *,
    base_url: str,
    mailbox_url: str,
    email: str | None,
    password: str | None,
    browser: BrowserOptions,
    renew_now: bool = True,
    storage_state: Path | None = None,
    json: bool = False,
    trace: Path | None = None,
    portal_profile: str | Path | None = None,
    locale: str | None = None,
) -> RenewSettings:
    """Check what the parsed options say and fill in the defaults that depend on others."""
    if not email:
        raise SettingsError("required (the portal user's email): pass --email or set RENEWALS_EMAIL.", "--email")
    if not password:
        raise SettingsError(f"required (the password of {email}): pass --password or set RENEWALS_PASSWORD.", "--password")
    if browser.connect and browser.cdp:
        raise SettingsError("choose one remote browser, not both.", "--connect / --cdp")
    base_url = _url(base_url, "--base-url", "RENEWALS_BASE_URL")
    return RenewSettings(
        base_url=base_url,
        mailbox_url=_url(mailbox_url, "--mailbox-url", "RENEWALS_MAILBOX_URL"),
        email=email,
        password=password,
        browser=browser,
        renew_now=renew_now,
        storage_state=storage_state or default_storage_state(base_url, email),
        json=json,
        trace=trace,
        profile=locale_profile(locale, portal_profile),
    )
