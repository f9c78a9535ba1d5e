"""The harness's test-control client (automation.clients.PortalAdmin) against the in-process portal through
httpx.WSGITransport (conftest's `admin`): typed records in and out, and errors that name the URL and what to do; and
both clients verify HTTPS against the OS's certificate store, as the probes do."""

from __future__ import annotations

import json
import ssl
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from portal_browser import SignedInBrowser
from stand_ins import closed_port

from automation.clients import (
    AccountData,
    AdminError,
    AdminUnavailable,
    Credentials,
    ErrorFault,
    LatencyFault,
    Mailbox,
    PortalAdmin,
)
from mock_portal import create_app

TODAY = date(2027, 1, 1)


def test_an_account_comes_back_typed_with_its_users_passwords_and_subscriptions(admin: PortalAdmin) -> None:
    account = admin.create_account(
        [{"renewal_date": date(2027, 2, 1), "seats": 3}, {"renewal_in_days": 10, "payment_method": "konbini"}],
        country="JP",
        users=[Credentials("owner@example.com", "a long enough secret"), {}],
        today=TODAY,
    )

    assert isinstance(account, AccountData) and len(account.users) == 2
    assert account.user == Credentials("owner@example.com", "a long enough secret")
    assert account.users[1].email and account.users[1].password, "a made-up user comes with the password to sign in"
    first, second = account.subscriptions
    assert (first.renewal_date, first.seats) == (date(2027, 2, 1), 3)
    assert (second.renewal_date, second.payment_method) == (TODAY + timedelta(days=10), "konbini")
    assert account.numbers == [first.number, second.number]


def test_the_clock_moves_what_the_account_sees_today(admin: PortalAdmin) -> None:
    account = admin.create_account([{"renewal_in_days": 100}], today=TODAY)
    (number,) = account.numbers
    assert admin.subscription(account.id, number).eligible is False, "100 days ahead is before the window opens"

    admin.set_clock(account.id, TODAY + timedelta(days=20))

    (state,) = admin.subscriptions(account.id)
    assert (state.number, state.eligible, state.renewed_through) == (number, True, None)


def test_asking_for_a_subscription_the_account_lacks_names_it(admin: PortalAdmin) -> None:
    account = admin.create_account(today=TODAY)

    with pytest.raises(LookupError, match=f"account {account.id} has no subscription 'NOPE'"):
        admin.subscription(account.id, "NOPE")


def test_a_konbini_order_is_typed_and_its_recorded_payment_completes_it(
    admin: PortalAdmin, signed_in_browser: SignedInBrowser
) -> None:
    account = admin.create_account([{"payment_method": "konbini", "renewal_in_days": -5}], country="JP", today=TODAY)
    browser = signed_in_browser(account)
    browser.renew(account.numbers[0])
    browser.place_order()

    (order,) = admin.orders(account.id)
    assert (order.status, order.subscriptions, order.payment_method) == ("awaiting_payment", account.numbers, "konbini")
    assert order.payment_number and order.payment_deadline is not None and order.payment_deadline > TODAY

    paid = admin.record_payment(order.number)

    assert (paid.number, paid.status) == (order.number, "complete")
    due = account.subscriptions[0].renewal_date
    assert admin.subscription(account.id, account.numbers[0]).renewal_date == due.replace(year=due.year + 1), "paid late"


def test_faults_round_trip_as_typed_rules(admin: PortalAdmin) -> None:
    account = admin.create_account(today=TODAY)

    assert admin.set_faults(account.id, payment_declined=True).payment_declined is True
    assert admin.account_faults(account.id).smtp_unavailable is False, "a fault not named stays as it was"
    rules = admin.set_portal_faults(latency=[LatencyFault("/cart", 5, ("post",))], errors=[ErrorFault("/orders", 503)])
    assert rules.latency == [LatencyFault("/cart", 5, ("POST",))] and rules.errors == [ErrorFault("/orders", 503)]

    admin.clear_portal_faults()

    assert admin.portal_faults().latency == [] and admin.portal_faults().errors == []


def test_the_reminder_job_says_how_many_it_sent(admin: PortalAdmin) -> None:
    admin.create_account([{"renewal_in_days": 10}, {"renewal_in_days": 200}])

    assert admin.run_reminders() == 1


def test_a_refusal_carries_the_portals_message_status_and_url(admin: PortalAdmin) -> None:
    with pytest.raises(AdminError) as refused:
        admin.create_account([{"currency": "XYZ"}])

    assert refused.value.status == 400 and refused.value.url == "http://localhost/__test__/accounts"
    assert refused.value.message.startswith("subscriptions[0].currency: 'XYZ' is not allowed")
    assert str(refused.value).endswith("(HTTP 400 from http://localhost/__test__/accounts)")


def test_an_unknown_account_is_the_portals_own_404_not_the_testing_hint(admin: PortalAdmin) -> None:
    with pytest.raises(AdminError) as refused:
        admin.orders(987654)

    assert refused.value.status == 404 and "987654" in refused.value.message
    assert "--testing" not in refused.value.message


def test_a_portal_without_testing_mode_is_named_with_the_flag_that_turns_it_on(tmp_path: Path, portal_env: None) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/p.db"})

    admin = PortalAdmin("http://localhost", transport=httpx.WSGITransport(app=app))
    with admin, pytest.raises(AdminError) as refused:
        admin.portal_faults()

    assert refused.value.status == 404
    assert "GET http://localhost/__test__/faults is not there (404)" in refused.value.message
    assert "--testing (or PORTAL_TESTING=1)" in refused.value.message


def test_a_portal_that_is_not_there_is_named_with_its_url_and_how_to_start_it() -> None:
    url = f"http://127.0.0.1:{closed_port()}"

    with PortalAdmin(url, retries=0) as admin, pytest.raises(AdminUnavailable) as unreachable:
        admin.run_reminders()

    message = str(unreachable.value)
    assert f"cannot reach the portal's test-control API at {url}/__test__/jobs/reminders" in message
    assert "connection refused" in message and "--testing" in message
    assert unreachable.value.status is None


def test_an_answer_that_is_not_json_is_refused_naming_the_request() -> None:
    page = httpx.MockTransport(lambda request: httpx.Response(200, text="<html>a sign-in page</html>"))

    with PortalAdmin("http://portal.test", transport=page) as admin, pytest.raises(AdminError, match="other than JSON"):
        admin.portal_faults()


def test_every_write_says_json_even_without_a_body() -> None:
    seen: list[tuple[str, str | None, bytes]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.headers.get("Content-Type"), request.content))
        return httpx.Response(200, json={})

    with PortalAdmin("http://portal.test", transport=httpx.MockTransport(answer)) as admin:
        admin.clear_portal_faults()
        admin.set_clock(1, date(2027, 5, 1))

    assert seen == [
        ("DELETE", "application/json", b""),
        ("PUT", "application/json", json.dumps({"today": "2027-05-01"}).encode()),
    ]


@pytest.mark.parametrize("url", ["127.0.0.1:5000", "ftp://portal.test"])
def test_a_url_without_http_is_refused_before_any_request(url: str) -> None:
    with pytest.raises(ValueError, match=f"portal URL '{url}' must start with http:// or https://"):
        PortalAdmin(url)


@pytest.mark.parametrize("client_type", [PortalAdmin, Mailbox])
def test_the_clients_trust_the_certificates_the_os_trusts_as_the_probes_do(
    client_type: type[PortalAdmin | Mailbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without these httpx's transport falls back to certifi's bundle (with them it reads them as OpenSSL does).
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    system = ssl.create_default_context()  # what urllib, and so the probes, verify against

    with client_type("https://portal.test") as client:
        # httpx has no public way to read a transport's SSL context; the pool's is the one each connection uses.
        context: ssl.SSLContext = client._http._transport._pool._ssl_context  # type: ignore[attr-defined]

    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.get_ca_certs(binary_form=True) == system.get_ca_certs(binary_form=True), "not the OS's certificate store"
