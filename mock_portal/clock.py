"""What "today" is for an account: its own test clock, else the portal's fixed date, else the real date."""

from __future__ import annotations

from datetime import date

from flask import current_app

from .models import Account


def portal_today() -> date:
    """The portal's own today: its fixed date if configured, else the real date."""
    fixed = current_app.config.get("TODAY")
    return date.fromisoformat(fixed) if fixed else date.today()


def today_for(account: Account) -> date:
    """Today as this account sees it."""
    return account.today if account.today is not None else portal_today()
