"""The portal profile's names against the mock: every name each bundled profile gives (mock-en, mock-fr, mock-ja) is on
the mock's page rendered in that profile's language, where the page objects look for it (the profiles and the mock
can't drift). Loading and refusing profiles: test_profile_loading.py."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterable
from datetime import date

import pytest
from bundled_profiles import EACH_BUNDLED, profile_fixture  # noqa: F401 (fixtures)
from flask import Flask
from portal_browser import Browser, Element, Page, SeedAccount, SignedInBrowser, parse_html
from sqlalchemy.orm import Session

from automation.clients import Mailbox, PortalAdmin
from automation.profile import PortalProfile, headers, text_regex
from automation.rules import Reason
from mock_portal.mailcatcher import MailCatcher
from mock_portal.services.reminders import send_reminders

TODAY = date(2027, 1, 1)


@pytest.fixture
def anonymous(pages_app: Flask, profile: PortalProfile) -> Browser:
    """A browser that has not signed in and asks for the profile's language."""
    client = pages_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = profile.locale
    return Browser(client)


@pytest.fixture
def seed_account(seed_account: SeedAccount, profile: PortalProfile) -> SeedAccount:
    """Accounts whose users speak the profile's language: their pages, once signed in, and their emails follow it."""

    def make(**spec: object) -> object:
        return seed_account(**({"users": [{"locale": profile.language}]} | spec))

    return make  # type: ignore[return-value]


# --- drift: each name the default profile gives is on the mock's page where it is used --------------------------------


def as_written(el: Element) -> str:
    """An element's text exactly as the page writes it (no-break spaces kept, unlike Element.text), trimmed."""
    return "".join(child if isinstance(child, str) else as_written(child) for child in el.children).strip()


def texts(within: Element, tag: str) -> set[str]:
    return {el.text for el in within.find_all(tag)}


def shown(name: str, field: str, where: Iterable[str], page: str) -> None:
    where = set(where)
    assert name in where, f"the profile's {field} = {name!r} is not on {page}, which shows {sorted(where)}"


def column_headers(page: Page, table: Element | None = None) -> set[str]:
    return {" ".join(th.text.split()).lower() for th in (table or page.doc).one("thead").find_all("th")}


def check_columns(page: Page, columns: object, field: str, table: Element | None = None) -> None:
    on_page = column_headers(page, table)
    for header, name in headers(columns).items():  # type: ignore[arg-type]
        assert header in on_page, f"the profile's {field}.{name} = {header!r} is not a column on {page.path}: {on_page}"


@EACH_BUNDLED
def test_the_sign_in_page_and_the_navigation_carry_the_profiles_names(
    profile: PortalProfile, anonymous: Browser, seed_account: SeedAccount, signed_in_browser: SignedInBrowser
) -> None:
    login = anonymous.get("/login")
    assert login.doc.one("html").get("lang") == profile.language, "the page is not in the profile's language"
    names = profile.sign_in
    assert login.heading == names.heading
    for field in ("email", "password"):
        shown(getattr(names, field), f"sign_in.{field}", texts(login.doc, "label"), "/login")
    shown(names.submit, "sign_in.submit", texts(login.doc, "button"), "/login")

    home = signed_in_browser(seed_account(today=TODAY.isoformat())).get("/")
    (nav,) = [n for n in home.doc.find_all("nav") if n.one("h2").text == profile.navigation.landmark]
    for field in ("subscriptions", "cart", "order_history"):
        shown(getattr(profile.navigation, field), f"navigation.{field}", texts(nav, "a"), "the Billing and orders navigation")


SPECS = [  # (spec, the reason it can't be renewed, or None; its status code)
    ({"renewal_in_days": 30, "payment_method": "credit_card", "term": "three_year"}, None, "active"),
    ({"status": "cancelled", "payment_method": "paypal"}, Reason.CANCELLED, "cancelled"),
    ({"product": "ACDLT", "renewal_in_days": 30}, Reason.RETIRED_PRODUCT, "active"),
    ({"term": "monthly", "payment_method": "direct_debit", "auto_renew": True}, Reason.MONTHLY, "active"),
    ({"renewal_in_days": 30, "renewed": True}, Reason.ALREADY_RENEWED, "active"),
    ({"renewal_in_days": 200, "payment_method": "konbini"}, Reason.NOT_YET_OPEN, "active"),
    ({"renewal_in_days": -60, "payment_method": "atm_bank_transfer"}, Reason.CLOSED, "expired"),
]


@EACH_BUNDLED
def test_the_list_shows_the_profiles_names_labels_statuses_and_reasons(
    profile: PortalProfile, seed_account: SeedAccount, signed_in_browser: SignedInBrowser
) -> None:
    account = seed_account(today=TODAY.isoformat(), subscriptions=[spec for spec, _, _ in SPECS])
    browser = signed_in_browser(account)
    page = browser.get("/subscriptions")
    names = profile.subscriptions

    assert page.heading == names.heading
    shown(names.bulk_actions, "subscriptions.bulk_actions", texts(page.doc, "button"), "/subscriptions")
    menu = {a.text for a in page.doc.find_all(role="menuitem")}
    shown(names.bulk_renew, "subscriptions.bulk_renew", menu, "the Bulk actions menu")
    today_note = text_regex(names.today, {"date": re.escape(profile.format_date(TODAY))}, whole=False)
    assert any(today_note.match(p.text) for p in page.main.find_all("p")), f"no {names.today!r} for {TODAY} on /subscriptions"
    (filters,) = page.doc.find_all("form", role="search")
    assert filters.get("aria-label") == names.filters
    shown(names.search, "subscriptions.search", texts(filters, "label"), "the filters")
    shown(names.apply_filters, "subscriptions.apply_filters", texts(filters, "button"), "the filters")
    check_columns(page, names.columns, "subscriptions.columns")

    columns = [" ".join(th.text.split()).lower() for th in page.doc.one("thead").find_all("th")]
    field_of = headers(names.columns)
    for sub, (_, reason, status) in zip(account.subscriptions, SPECS, strict=True):
        cells = {field_of[h]: td for h, td in zip(columns, page.row_of(sub.number).find_all("td"), strict=True)}
        assert cells["term"].text == profile.term_label(sub.term)
        assert cells["payment_method"].text == profile.payment_label(sub.payment_method)
        assert cells["status"].text == profile.status_label(status)
        if reason is None:
            shown(names.renew, "subscriptions.renew", texts(cells["renewal"], "button"), f"the row of {sub.number}")
        else:
            when = cells["renewal"].times()
            expected = profile.reason_text(reason, when[0] if when else None)
            assert cells["renewal"].text == expected, f"the profile's reasons.{reason.value} reads {expected!r} on the list"

    paged = browser.get("/subscriptions?per_page=1")
    (pagination,) = [n for n in paged.doc.find_all("nav") if n.get("aria-label") == names.pagination]
    shown(names.next_page, "subscriptions.next_page", texts(pagination, "a"), "the pagination")


@EACH_BUNDLED
def test_the_detail_page_shows_the_profiles_facts_and_renew(
    profile: PortalProfile, seed_account: SeedAccount, signed_in_browser: SignedInBrowser
) -> None:
    subscriptions = [{"renewal_in_days": 30}, {"renewal_in_days": 30, "renewed": True}]
    account = seed_account(today=TODAY.isoformat(), subscriptions=subscriptions)
    browser = signed_in_browser(account)
    eligible, renewed = (browser.get(f"/subscriptions/{s.number}") for s in account.subscriptions)

    facts = texts(renewed.main, "dt")
    for field, name in profile.detail.facts.model_dump().items():
        shown(name, f"detail.facts.{field}", facts, "a renewed subscription's page")
    shown(profile.detail.renew, "detail.renew", texts(eligible.main, "button"), "an eligible subscription's page")


@EACH_BUNDLED
def test_the_bulk_page_carries_the_profiles_names_and_names_groups_as_the_profile_says(
    profile: PortalProfile, seed_account: SeedAccount, signed_in_browser: SignedInBrowser
) -> None:
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_in_days": 30}, {"renewal_in_days": 20}])
    sub = account.subscriptions[0]
    page = signed_in_browser(account).get("/bulk/renew?per_group=1")  # the group shows 1 of 2: the "show more" link appears
    names = profile.bulk

    assert page.heading == names.heading
    (legend,) = texts(page.main, "legend")
    match = profile.transaction_regex().match(legend)
    assert match is not None, f"the legend {legend!r} does not read as the profile's transaction {profile.transaction!r}"
    assert (match["csn"], match["currency"], profile.payment_code(match["payment_method"])) == (
        sub.csn, sub.currency, sub.payment_method,
    )  # fmt: skip
    shown(names.select_all, "bulk.select_all", texts(page.main, "label"), "/bulk/renew")
    shown(names.renew_selected, "bulk.renew_selected", texts(page.main, "button"), "/bulk/renew")
    paragraphs = texts(page.main, "p")
    for field, parts in (("selected_count", {"count": r"\d+"}), ("limit_warning", {"limit": r"\d+"})):
        pattern = text_regex(getattr(names, field), parts)
        assert any(pattern.match(p) for p in paragraphs), f"the profile's bulk.{field} is not on /bulk/renew: {paragraphs}"
    show_more = text_regex(names.show_more, {"count": r"\d+"})
    assert any(show_more.match(a) for a in texts(page.main, "a")), f"no link reads {names.show_more!r} on /bulk/renew"


COUNTRIES = {"US": "credit_card", "DE": "paypal", "GB": "direct_debit", "JP": "konbini"}


@EACH_BUNDLED
def test_cart_checkout_confirmation_and_history_carry_the_profiles_names_money_and_statuses(
    profile: PortalProfile, seed_account: SeedAccount, signed_in_browser: SignedInBrowser, admin: PortalAdmin, mailbox: Mailbox
) -> None:
    account = seed_account(
        today=TODAY.isoformat(),
        subscriptions=[{"renewal_in_days": 30, "country": c, "payment_method": m, "seats": 1200} for c, m in COUNTRIES.items()],
    )
    browser = signed_in_browser(account)
    subs = account.subscriptions

    cart = browser.renew_selected([s.number for s in subs])
    assert cart.heading == profile.cart.heading
    captions = {el.text for el in cart.main.find_all("caption")}
    assert captions == {profile.transaction_name(s.csn, s.currency, s.payment_method) for s in subs}
    for table in cart.main.find_all("table"):
        check_columns(cart, profile.cart.columns, "cart.columns", table)
    shown(profile.cart.check_out, "cart.check_out", texts(cart.main, "button"), "/cart")
    for sub in subs:
        shown(profile.cart.remove.format(number=sub.number), "cart.remove", texts(cart.main, "button"), "/cart")
    cart_totals = [as_written(el) for el in cart.by_testid("cart-total")]

    checkout = browser.get("/checkout")
    assert checkout.heading == profile.checkout.heading
    notes = [p.text for p in checkout.main.find_all("p") if p.text.startswith(profile.checkout.payment_on_file)]
    assert len(notes) == len(subs), f"the profile's checkout.payment_on_file starts no note per order on /checkout: {notes}"
    for sub in subs:
        label = profile.payment_label(sub.payment_method)
        assert any(n.removeprefix(profile.checkout.payment_on_file).strip().startswith(label) for n in notes), label
    shown(profile.checkout.renew_now, "checkout.renew_now", texts(checkout.main, "label"), "/checkout (an early renewal)")
    shown(profile.checkout.place_order, "checkout.place_order", texts(checkout.main, "button"), "/checkout")

    confirmation = browser.place_order(renew_now=True)
    orders = {o.number: o for o in admin.orders(account.id)}
    assert sorted(cart_totals) == sorted(profile.format_money(o.total_minor, o.currency) for o in orders.values())
    for section in confirmation.main.find_all("section"):
        number = section.one(data_testid="order-number").text
        order = orders[number]
        assert section.one("h2").text == profile.confirmation.order.format(order=number)
        summary = section.find_all("p")[0].text
        match = profile.transaction_regex(whole=False).search(summary)
        assert match is not None and (match["csn"], match["currency"], profile.payment_code(match["payment_method"])) == (
            order.csn, order.currency, order.payment_method,
        ), f"the order summary {summary!r} does not name its transaction as {profile.transaction!r}"  # fmt: skip
        assert profile.order_status_label(order.status) in summary
        assert profile.format_money(order.total_minor, order.currency) in as_written(section.find_all("p")[0])
        through = "renews_through_once_paid" if order.status == "awaiting_payment" else "renewed_through"
        on_page = column_headers(confirmation, section)
        for field in ("product", "number", "renewal_date", through):
            header = getattr(profile.confirmation.columns, field)
            assert header.lower() in on_page, f"the profile's confirmation.columns.{field} = {header!r} is not on {number}"

    history = browser.get("/orders")
    assert history.heading == profile.order_history.heading
    check_columns(history, profile.order_history.columns, "order_history.columns")

    konbini = next(s for s in subs if s.payment_method == "konbini")
    reason = browser.get("/subscriptions").row_of(konbini.number).one(data_testid="renewal-reason").text
    assert reason == profile.reason_text(Reason.AWAITING_PAYMENT)

    subjects = {message.subject for message in mailbox.search(f"to:{account.users[0].email}")}
    assert subjects == {profile.confirmation_subject(number) for number in orders}


@EACH_BUNDLED
def test_the_reminder_subject_and_the_mail_catchers_pages_carry_the_profiles_names(
    profile: PortalProfile, seed_account: SeedAccount, app: Flask, db: Session, catcher: MailCatcher, public_url: str
) -> None:
    account = seed_account(today=TODAY.isoformat(), subscriptions=[{"renewal_in_days": 30}])
    sub = account.subscriptions[0]
    with app.app_context():
        assert send_reminders(db, public_url) == 1

    with urllib.request.urlopen(catcher.api_url + "/", timeout=10) as response:
        inbox = parse_html(response.read().decode())
    assert inbox.one("h1").text == profile.mail_catcher.inbox
    on_page = {th.text.lower() for th in inbox.one("thead").find_all("th")}
    assert set(headers(profile.mail_catcher.columns)) <= on_page
    (link,) = [a for a in inbox.find_all("a") if a.text == profile.reminder_subject(sub.number, sub.renewal_date)]

    with urllib.request.urlopen(catcher.api_url + str(link.get("href")), timeout=10) as response:
        message = parse_html(response.read().decode())
    shown(profile.mail_catcher.text_body, "mail_catcher.text_body", texts(message, "h2"), "a message's page")
    shown(profile.mail_catcher.back, "mail_catcher.back", texts(message, "a"), "a message's page")
