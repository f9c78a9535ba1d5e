"""What "today" is for an account: its own test clock, else the portal's fixed date, else the real date."""

from __future__ import annotations

from datetime import date

from flask import current_app

from .models import Account


def today_for(account: Account) -> date:
    """Today as this account sees it."""
    if account.today is not None:
        return account.today
    fixed = current_app.config.get("TODAY")
    return date.fromisoformat(fixed) if fixed else date.today()
