"""Part 5: from Place order (the start of POST /checkout) to the confirmation visible in the mail API, over plain HTTP
as a browser would send it: sign in through the form, Renew (POST /cart), open the checkout, Place order."""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx

from automation.clients import Mailbox, PortalAdmin
from benchmarks.common import Figure, Part, Target, load, median, percentile

P95_TARGET = Target("<", 300, "ms")
POLL_SECONDS = 0.005  # the resolution of the measurement: how often the mail API is asked
EMAIL_DEADLINE = 10.0
REQUEST_TIMEOUT = 10.0
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: status, Location header and body text."""

    status: int
    location: str
    text: str


class FormClient:
    """A cookie-keeping HTTP client that posts forms with their hidden fields, as a browser does."""

    def __init__(self, base_url: str) -> None:
        # 3xx answers come back as they are: the checkout's Location names the orders.
        self.http = httpx.Client(base_url=base_url.rstrip("/"), timeout=REQUEST_TIMEOUT, trust_env=False)

    def request(self, path: str, form: dict[str, str] | None = None) -> Answer:
        """GET `path`, or POST `form` to it; 3xx answers are returned, not followed."""
        response = self.http.get(path) if form is None else self.http.post(path, data=form)
        return Answer(response.status_code, response.headers.get("Location", ""), response.text)

    def hidden_fields(self, path: str) -> dict[str, str]:
        """GET a page and return its hidden inputs (csrf_token, checkout_token, …)."""
        answer = self.request(path)
        if answer.status != 200:
            raise RuntimeError(f"GET {path} answered {answer.status}")
        return {name: html.unescape(value) for name, value in _HIDDEN.findall(answer.text)}

    def sign_in(self, email: str, password: str) -> None:
        """Sign in through the /login form."""
        fields = self.hidden_fields("/login")
        answer = self.request("/login", fields | {"email": email, "password": password})
        if answer.status != 302:
            raise RuntimeError(f"signing in as {email} answered {answer.status}, not 302")


def one_checkout(client: FormClient, mailbox: Mailbox, number: str) -> tuple[float, float]:
    """Renew `number` and place the order; return (ms until the email is searchable, ms the POST /checkout took)."""
    fields = client.hidden_fields("/subscriptions")
    added = client.request("/cart", {"csrf_token": fields["csrf_token"], "subscription": number})
    if added.status != 302:
        raise RuntimeError(f"Renew {number} (POST /cart) answered {added.status}, not 302")
    form = client.hidden_fields("/checkout")
    if "checkout_token" not in form:
        raise RuntimeError(f"the checkout after Renew {number} shows no order form (is the cart empty?)")
    form["renew_now"] = "yes"  # harmless when not early; needed when it is
    started = time.perf_counter()
    placed = client.request("/checkout", form)
    answered = time.perf_counter()
    orders = parse_qs(urlsplit(placed.location).query).get("orders", [""])[0].split(",")
    if placed.status != 303 or not orders[0]:
        raise RuntimeError(f"Place order for {number} answered {placed.status} (Location {placed.location!r}), not 303")
    query = f'subject:"Order confirmation {orders[0]}"'
    mailbox.wait_for(query, 1, timeout=EMAIL_DEADLINE - (time.perf_counter() - started), settle=0, poll=POLL_SECONDS)
    return (time.perf_counter() - started) * 1000, (answered - started) * 1000


def measure(base_url: str, mail_api: str, checkouts: int) -> Part:
    """Part 5: p50 and p95 of the Place order → searchable email latency over `checkouts` single-renewal orders."""
    part = Part(5, "Email delivery latency (plain HTTP, no browser)", load_before=load())
    started = time.perf_counter()
    with PortalAdmin(base_url) as admin:
        account = admin.create_account([{"renewal_in_days": -10, "term": "annual", "payment_method": "credit_card"}] * checkouts)
    client = FormClient(base_url)
    client.sign_in(account.user.email, account.user.password)
    latencies, posts = [], []
    with Mailbox(mail_api, timeout=REQUEST_TIMEOUT) as mailbox:
        for number in account.numbers:
            latency, post = one_checkout(client, mailbox, number)
            latencies.append(latency)
            posts.append(post)
    client.http.close()
    after = load()
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    part.figures += [
        Figure("email_p50", "email latency p50 (Place order → in mail API)", p50, "ms", latencies, None, part.load_before, after),
        Figure(
            "email_p95", "email latency p95", p95, "ms", latencies, P95_TARGET, part.load_before, after,
            note=f"max {max(latencies):.0f} ms over {len(latencies)} checkouts",
        ),
    ]  # fmt: skip
    part.details = {
        "how": "one account, one subscription per checkout; clock starts as POST /checkout is sent, stops when "
        f"GET /api/v1/search finds the subject; the mail API is asked every {POLL_SECONDS * 1000:g} ms",
        "checkouts": checkouts,
        "post_checkout_ms_median": round(median(posts), 1),
        "after_answer_ms_median": round(median([a - b for a, b in zip(latencies, posts, strict=True)]), 1),
        "post_checkout_ms": [round(x, 1) for x in posts],
    }
    part.seconds = time.perf_counter() - started
    part.load_after = after
    return part
