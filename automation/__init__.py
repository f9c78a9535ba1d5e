"""Playwright harness that renews subscriptions on the vendor portal."""
