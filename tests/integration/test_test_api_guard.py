"""What a web page in the tester's browser can't do to the test-control and mail APIs, through the real HTTP server:
"simple" cross-site posts (no JSON content type), requests from another site's origin, and a foreign Host (DNS
rebinding); and what no browser or proxy keeps: signed-in pages and API answers are `Cache-Control: no-store`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from automation.clients import LatencyFault, PortalAdmin
from mock_portal.api_guard import host_refusal, parse_hosts
from mock_portal.server import PortalStack

StartStack = Callable[..., PortalStack]
SIMPLE_CONTENT_TYPES = [  # what a cross-site <form> or no-cors fetch may send without a preflight, and no type at all
    pytest.param(None, id="no content type"),
    pytest.param("text/plain", id="text/plain"),
    pytest.param("text/plain; charset=utf-8", id="text/plain with charset"),
    pytest.param("application/x-www-form-urlencoded", id="form"),
    pytest.param("multipart/form-data; boundary=x", id="multipart"),
]
WRITES = [  # each answers 2xx to a body of {} with a JSON content type
    pytest.param("POST", "/__test__/accounts", id="create account"),
    pytest.param("POST", "/__test__/jobs/reminders", id="run reminders"),
    pytest.param("PUT", "/__test__/faults", id="set faults"),
    pytest.param("DELETE", "/__test__/faults", id="clear faults"),
]


@pytest.fixture
def start_stack(tmp_path: Path, portal_env: None) -> Iterator[StartStack]:
    """Start PortalStacks (testing mode, no demo) on free ports with their own database; all stop afterwards."""
    started: list[PortalStack] = []

    def start(**options: Any) -> PortalStack:
        options = {"testing": True, "seed_demo": False} | options
        database_url = f"sqlite:///{tmp_path}/p{len(started)}.db"
        stack = PortalStack(port=0, smtp_port=0, mail_port=0, database_url=database_url, **options)
        started.append(stack.start())
        return stack

    yield start
    for stack in started:
        stack.stop()


@pytest.fixture
def stack(start_stack: StartStack) -> PortalStack:
    """One portal in testing mode with its embedded mail catcher."""
    return start_stack()


@pytest.fixture
def api(stack: PortalStack) -> Iterator[httpx.Client]:
    """An HTTP client of that portal (it keeps cookies, so it can sign in too)."""
    with httpx.Client(base_url=stack.base_url, timeout=10) as client:
        yield client


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def api_paths(stack: PortalStack) -> list[tuple[str, str]]:
    """A GET of the test-control API and one of the mail API, as (base URL, path)."""
    assert stack.mail_api_url is not None
    return [(stack.base_url, "/__test__/faults"), (stack.mail_api_url, "/api/v1/messages")]


def create_account(api: httpx.Client, **spec: Any) -> dict[str, Any]:
    response = api.post("/__test__/accounts", json=spec)
    assert response.status_code == 201, response.text
    return dict(response.json())


def assert_json_error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.text[:300]}"
    body = response.json()
    assert body["status"] == status and body["error"], body
    return str(body["error"])


# --- writes must say application/json ---------------------------------------------------------------------------


def test_a_text_plain_post_creates_no_account(api: httpx.Client) -> None:
    spec = '{"users": [{"email": "plain.post@example.com"}]}'

    refused = api.post("/__test__/accounts", content=spec, headers={"Content-Type": "text/plain"})

    assert "application/json" in assert_json_error(refused, 415)
    created = api.post("/__test__/accounts", content=spec, headers={"Content-Type": "application/json"})
    assert created.status_code == 201, f"the refused post must not have created the account: {created.text}"


@pytest.mark.parametrize("body", [b"", b"{}"], ids=["empty", "empty object"])
def test_a_form_post_does_not_run_the_reminder_job(api: httpx.Client, body: bytes) -> None:
    create_account(api, subscriptions=[{"renewal_in_days": 10}])

    refused = api.post(
        "/__test__/jobs/reminders", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )

    assert "application/json" in assert_json_error(refused, 415)
    ran = api.post("/__test__/jobs/reminders", json={})
    assert ran.json() == {"sent": 1}, "the refused post must not have run the job (it would have sent the reminder)"


@pytest.mark.parametrize("content_type", SIMPLE_CONTENT_TYPES)
@pytest.mark.parametrize(("method", "path"), WRITES)
def test_every_write_without_a_json_content_type_is_415(
    api: httpx.Client, method: str, path: str, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}

    refused = api.request(method, path, content=b"{}", headers=headers)

    error = assert_json_error(refused, 415)
    assert "Content-Type: application/json" in error, error


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"])
@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_write_saying_application_json_is_served(api: httpx.Client, method: str, path: str, content_type: str) -> None:
    response = api.request(method, path, content=b"{}", headers={"Content-Type": content_type})

    assert response.is_success, response.text


def test_a_bodiless_write_needs_the_json_content_type_too(api: httpx.Client) -> None:
    assert_json_error(api.delete("/__test__/faults"), 415)
    assert api.delete("/__test__/faults", headers={"Content-Type": "application/json"}).status_code == 200


def test_the_harness_client_sends_every_write_as_json(stack: PortalStack) -> None:
    admin = PortalAdmin(stack.base_url)
    account = admin.create_account([{"renewal_in_days": 10}], today="2027-01-01")

    admin.set_clock(account.id, "2027-01-02")
    admin.set_faults(account.id, payment_declined=True)
    admin.set_portal_faults(latency=[LatencyFault("/cart", 1)])
    admin.clear_portal_faults()  # a DELETE with no body

    assert admin.run_reminders() == 1 and admin.portal_faults().latency == []


# --- other sites' pages are refused ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Origin": "https://evil.example"}, id="another origin"),
        pytest.param({"Origin": "null"}, id="opaque origin"),
        pytest.param({"Sec-Fetch-Site": "cross-site"}, id="cross-site fetch"),
        pytest.param({"Sec-Fetch-Site": "same-site"}, id="same-site fetch"),
    ],
)
def test_a_cross_site_request_is_refused_with_403(api: httpx.Client, headers: dict[str, str]) -> None:
    create_account(api, subscriptions=[{"renewal_in_days": 10}])

    refused = api.post("/__test__/jobs/reminders", json={}, headers=headers)

    error = assert_json_error(refused, 403)
    assert "cross-site" in error or "origin" in error.lower(), error
    assert api.post("/__test__/jobs/reminders", json={}).json() == {"sent": 1}, "the refused post must not run the job"


def test_an_origin_on_another_port_is_another_site(stack: PortalStack, api: httpx.Client) -> None:
    other = f"http://127.0.0.1:{port_of(stack.base_url) + 1}"

    assert_json_error(api.get("/__test__/faults", headers={"Origin": other}), 403)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Sec-Fetch-Site": "same-origin"}, id="same-origin fetch"),
        pytest.param({"Sec-Fetch-Site": "none"}, id="typed in the address bar"),
    ],
)
def test_a_same_origin_request_is_served(api: httpx.Client, stack: PortalStack, headers: dict[str, str]) -> None:
    response = api.post("/__test__/jobs/reminders", json={}, headers={"Origin": stack.base_url} | headers)

    assert (response.status_code, response.json()) == (200, {"sent": 0})


# --- the Host allow-list (DNS rebinding) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "served"),
    [("localhost", True), ("LocalHost.:80", True), ("app.localhost", True), ("127.0.0.1:5000", True),
     ("127.255.0.9", True), ("[::1]:8025", True), ("::1", True), ("localhost.evil.example", False),
     ("evil.localhost.example", False), ("128.0.0.1", False), ("0.0.0.0:5000", False), ("[::]:5000", False),
     ("", False), ("portal.internal:443", True), ("lab.example", True), ("PORTAL.internal", True)],
)  # fmt: skip
def test_the_host_allow_list_is_loopback_and_the_names_given(host: str, served: bool) -> None:
    allowed = parse_hosts("portal.internal, Lab.Example:8080, 0.0.0.0")

    assert (host_refusal(host, allowed) is None) is served


def test_a_foreign_host_is_refused_by_the_test_api(api: httpx.Client) -> None:
    refused = api.get("/__test__/faults", headers={"Host": "evil.example"})

    error = assert_json_error(refused, 421)
    assert "evil.example" in error and "PORTAL_ALLOWED_HOSTS" in error, error


def test_a_foreign_host_is_refused_by_the_mail_api(stack: PortalStack) -> None:
    assert stack.mail_api_url is not None

    refused = httpx.get(f"{stack.mail_api_url}/api/v1/messages", headers={"Host": "evil.example:8025"})

    error = assert_json_error(refused, 421)
    assert "evil.example" in error and "PORTAL_ALLOWED_HOSTS" in error, error


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:{port}", "LOCALHOST:{port}", "portal.localhost:{port}", "127.0.0.1:{port}",
             "127.8.9.10", "[::1]:{port}"],
)  # fmt: skip
def test_loopback_hosts_are_served_by_both_apis(stack: PortalStack, host: str) -> None:
    for base, path in api_paths(stack):
        response = httpx.get(base + path, headers={"Host": host.format(port=port_of(base))})

        assert response.status_code == 200, f"{base}{path} with Host {host}: {response.text[:300]}"


def test_the_public_urls_host_is_served_by_both_apis(start_stack: StartStack) -> None:
    stack = start_stack(config={"PUBLIC_URL": "http://portal.lab:5000"})

    for url in (base + path for base, path in api_paths(stack)):
        assert httpx.get(url, headers={"Host": "portal.lab:5000"}).status_code == 200, url


def test_a_host_in_allowed_hosts_is_served_by_both_apis(start_stack: StartStack) -> None:
    stack = start_stack(config={"ALLOWED_HOSTS": ["portal.internal"]})

    for url in (base + path for base, path in api_paths(stack)):
        assert httpx.get(url, headers={"Host": "Portal.Internal:8080"}).status_code == 200, url
        assert httpx.get(url, headers={"Host": "other.internal"}).status_code == 421, url


def test_hosts_in_portal_allowed_hosts_are_served_by_both_apis(
    start_stack: StartStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_ALLOWED_HOSTS", "ci.internal, portal.internal")
    stack = start_stack()

    for url in (base + path for base, path in api_paths(stack)):
        assert httpx.get(url, headers={"Host": "portal.internal"}).status_code == 200, url
        assert httpx.get(url, headers={"Host": "evil.example"}).status_code == 421, url


# --- nothing signed in or from the APIs is stored ---------------------------------------------------------------


def test_a_signed_in_page_is_not_stored(api: httpx.Client) -> None:
    user = create_account(api)["users"][0]
    form = api.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, "the sign-in form carries a CSRF token"

    fields = {"email": user["email"], "password": user["password"], "csrf_token": token[1]}
    page = api.post("/login", data=fields, follow_redirects=True)

    assert page.status_code == 200 and page.url.path != "/login", "signed in"
    assert page.headers.get("Cache-Control") == "no-store"


def test_test_api_answers_are_not_stored(api: httpx.Client) -> None:
    assert api.get("/__test__/faults").headers.get("Cache-Control") == "no-store"
    assert api.post("/__test__/jobs/reminders", content=b"").headers.get("Cache-Control") == "no-store"  # a refusal too


@pytest.mark.parametrize("path", ["/api/v1/messages", "/"])
def test_mail_api_answers_are_not_stored(stack: PortalStack, path: str) -> None:
    response = httpx.get(f"{stack.mail_api_url}{path}")

    assert response.status_code == 200 and response.headers.get("Cache-Control") == "no-store"
