"""The portal's languages: which ones there are, and which one a page or an email is written in."""

from __future__ import annotations

LOCALES = ("en", "fr", "ja")
DEFAULT_LOCALE = "en"
