"""A portal profile: the vocabulary of one portal that keeps the renewal contract, read from a TOML file.

Page objects take every accessible name, column header and label from the profile, so the harness judges another
portal (a staging copy, a localized variant) by loading another profile, not by editing code. The file is checked
on load; a bad one raises ProfileError naming the file, the field and what is wrong."""

from __future__ import annotations

from .loading import PROFILES_DIR, ProfileError, default_profile, load_profile
from .model import PortalProfile
from .patterns import Name, headers, placeholders, text_regex

__all__ = [
    "PROFILES_DIR",
    "Name",
    "PortalProfile",
    "ProfileError",
    "default_profile",
    "headers",
    "load_profile",
    "placeholders",
    "text_regex",
]
