"""Signing in: the form's accessible names, one message for any wrong credentials, pages behind sign-in."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest
from flask import Flask
from portal_browser import Browser, SeedAccount, SignedInBrowser

from mock_portal import create_app

TODAY = "2027-01-01"


def is_local(location: str) -> bool:
    """Whether a browser following `location` stays on this site (browsers drop tabs and newlines, read \\ as /)."""
    cleaned = "".join(ch for ch in location if ch not in "\t\r\n").replace("\\", "/")
    parts = urllib.parse.urlsplit(cleaned)
    return cleaned.startswith("/") and not parts.scheme and not parts.netloc


def test_sign_in_form_has_email_and_password_fields_and_a_sign_in_button(anonymous: Browser) -> None:
    page = anonymous.get("/login")

    assert page.status == 200
    assert page.labelled("Email").attrs["name"] == "email"
    assert page.labelled("Password").attrs["type"] == "password"
    (button,) = page.buttons("Sign in")
    assert button.get("type", "submit") == "submit" and button.ancestor("form") is page.labelled("Email").ancestor("form")


def test_wrong_password_and_unknown_email_get_the_same_message(seed_account: SeedAccount, anonymous: Browser) -> None:
    user = seed_account(today=TODAY).users[0]

    wrong_password = anonymous.sign_in(user.email, user.password + "x")
    unknown_email = anonymous.sign_in("nobody." + user.email, user.password)

    assert wrong_password.status == unknown_email.status == 401
    assert wrong_password.alerts == unknown_email.alerts and len(wrong_password.alerts) == 1
    message = wrong_password.alerts[0].lower()
    assert "email or password" in message, f"the message must not say which field was wrong: {message!r}"
    assert wrong_password.heading == "Sign in"


def test_the_right_credentials_sign_in_and_open_the_account(seed_account: SeedAccount, anonymous: Browser) -> None:
    account = seed_account(today=TODAY)
    user = account.users[0]

    page = anonymous.sign_in(user.email.upper(), user.password, follow=True)

    assert (page.status, page.path) == (200, "/")
    assert account.name in page.main.text


@pytest.mark.parametrize(
    "path",
    ["/", "/subscriptions", "/subscriptions/123456789012", "/subscriptions/123456789012/renew", "/cart", "/checkout",
     "/checkout/confirmation?orders=7000000001", "/bulk/renew", "/orders"],
)  # fmt: skip
def test_pages_need_sign_in(anonymous: Browser, path: str) -> None:
    page = anonymous.get(path)

    assert page.status == 302 and page.location is not None
    target = urllib.parse.urlsplit(page.location)
    assert target.path == "/login", f"{path} must send an anonymous visitor to /login, not {page.location}"
    assert urllib.parse.parse_qs(target.query)["next"] == [path]


def test_after_sign_in_the_page_asked_for_opens(seed_account: SeedAccount, anonymous: Browser) -> None:
    user = seed_account(today=TODAY).users[0]
    anonymous.get("/login")

    page = anonymous.post_form("/login?next=/bulk/renew", {"email": user.email, "password": user.password})

    assert (page.status, page.location) == (302, "/bulk/renew")


@pytest.mark.parametrize(
    "target",
    ["//evil.example/", "https://evil.example/", "/\\evil.example/", "/\t/evil.example/", "javascript:alert(1)"],
    ids=["protocol-relative", "absolute", "backslash", "tab", "javascript"],
)
def test_sign_in_only_redirects_within_the_portal(seed_account: SeedAccount, anonymous: Browser, target: str) -> None:
    user = seed_account(today=TODAY).users[0]
    anonymous.get("/login")

    page = anonymous.post_form(
        "/login?" + urllib.parse.urlencode({"next": target}), {"email": user.email, "password": user.password}
    )

    assert page.status == 302 and page.location is not None
    assert is_local(page.location), f"next={target!r} sent the signed-in user off-site to {page.location!r}"


def test_sign_out_ends_the_session(seed_account: SeedAccount, signed_in_browser: SignedInBrowser) -> None:
    browser = signed_in_browser(seed_account(today=TODAY))
    assert browser.get("/subscriptions").status == 200

    out = browser.post_form("/logout")

    assert (out.status, out.location) == (302, "/login")
    assert browser.get("/subscriptions").status == 302


def test_too_many_sign_in_attempts_from_one_address_are_refused(
    seed_account: SeedAccount, anonymous: Browser, app: Flask
) -> None:
    user = seed_account(today=TODAY).users[0]
    limit = int(app.config["LOGIN_ATTEMPTS_PER_MINUTE"])
    for _ in range(limit):
        assert anonymous.sign_in(user.email, "wrong").status == 401

    refused = anonymous.sign_in(user.email, user.password)

    assert refused.status == 429
    assert "Wait a minute" in " ".join(refused.alerts)


def test_one_users_failed_attempts_do_not_lock_out_others_signing_in_from_the_same_address(
    seed_account: SeedAccount, anonymous: Browser, app: Flask
) -> None:
    target, colleague = seed_account(today=TODAY, users=[{}, {}]).users
    for _ in range(int(app.config["LOGIN_ATTEMPTS_PER_MINUTE"]) + 1):
        anonymous.sign_in(target.email, "wrong")

    assert anonymous.sign_in(colleague.email, colleague.password).status == 302


def test_each_portal_app_counts_its_own_sign_in_attempts(tmp_path: Path, portal_env: None) -> None:
    """Two apps in one process (two test portals) must not share a rate-limit budget."""
    first = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/a.db", "LOGIN_ATTEMPTS_PER_MINUTE": 1})
    second = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/b.db", "LOGIN_ATTEMPTS_PER_MINUTE": 1})
    address = "10.252.0.1"
    used_up = Browser(first.test_client())
    used_up.client.environ_base["REMOTE_ADDR"] = address
    used_up.sign_in("someone@example.com", "wrong")
    assert used_up.sign_in("someone@example.com", "wrong").status == 429

    fresh = Browser(second.test_client())
    fresh.client.environ_base["REMOTE_ADDR"] = address

    assert fresh.sign_in("someone@example.com", "wrong").status == 401, (
        "a new app inherited another app's sign-in attempts: the limiter's state is module-global"
    )
    for portal in (first, second):
        portal.extensions["db_sessionmaker"].kw["bind"].dispose()
