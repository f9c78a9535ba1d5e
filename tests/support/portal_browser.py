"""A tiny browser for the portal over Flask's test client: pages parsed into elements, forms posted with the
session's CSRF token, and the few lookups a person makes (by label, by button name, by test id)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mock_portal.testing.answers import CreatedAccount

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
FormData = Mapping[str, str | Sequence[str]]
SeedAccount = Callable[..., CreatedAccount]  # conftest's seed_account


@dataclass(eq=False)
class Element:
    """One HTML element: tag, attributes, children (elements or text) and its parent."""

    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text content with whitespace collapsed, as a person reads it."""
        return " ".join("".join(self._texts()).split())

    def _texts(self) -> Iterator[str]:
        for child in self.children:
            if isinstance(child, str):
                yield child
            else:
                yield " " if child.tag in ("br", "td", "th", "li", "dd", "dt", "p") else ""
                yield from child._texts()

    def iter(self) -> Iterator[Element]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, text: str | None = None, **attrs: str | bool) -> list[Element]:
        """Descendants (and self) with this tag, exact text and attributes (`True`: present; `class_` for class)."""
        found = []
        for el in self.iter():
            if tag is not None and el.tag != tag:
                continue
            if text is not None and el.text != text:
                continue
            if all(_attr_matches(el, name.rstrip("_").replace("_", "-"), want) for name, want in attrs.items()):
                found.append(el)
        return found

    def one(self, tag: str | None = None, text: str | None = None, **attrs: str | bool) -> Element:
        """The single matching element; fails naming what was looked for and how many were found."""
        found = self.find_all(tag, text, **attrs)
        assert len(found) == 1, f"expected one <{tag or '*'}> text={text!r} {attrs}, found {len(found)}"
        return found[0]

    def get(self, name: str, default: str | None = None) -> str | None:
        """An attribute's value."""
        return self.attrs.get(name, default)

    def ancestor(self, tag: str) -> Element | None:
        """The nearest enclosing element with this tag."""
        node = self.parent
        while node is not None and node.tag != tag:
            node = node.parent
        return node

    def times(self) -> list[date]:
        """The dates of every `<time datetime>` inside, in order."""
        return [date.fromisoformat(t.attrs["datetime"]) for t in self.find_all("time", datetime=True)]


def _attr_matches(el: Element, name: str, want: str | bool) -> bool:
    if want is True:
        return name in el.attrs
    if want is False:
        return name not in el.attrs
    if name == "class":
        return want in el.attrs.get("class", "").split()
    return el.attrs.get(name) == want


def _hidden(el: Element) -> bool:
    node: Element | None = el
    while node is not None:
        if "hidden" in node.attrs:
            return True
        node = node.parent
    return False


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, {k: v if v is not None else "" for k, v in attrs}, self.current)
        self.current.children.append(el)
        if tag not in VOID:
            self.current = el

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse_html(html: str) -> Element:
    """Parse a page into an element tree."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


class Page:
    """A response as a person sees it: status, where it redirects, and the document."""

    def __init__(self, response: TestResponse) -> None:
        self.response = response
        self.status = response.status_code
        self.html = response.get_data(as_text=True)
        self.doc = parse_html(self.html) if response.mimetype == "text/html" else Element("#empty", {})

    @property
    def location(self) -> str | None:
        """Where a redirect points (None when not redirecting)."""
        return self.response.headers.get("Location")

    @property
    def path(self) -> str:
        """The path of the page finally shown (after redirects were followed)."""
        return str(self.response.request.path)

    @property
    def main(self) -> Element:
        """The `<main>` landmark."""
        return self.doc.one("main")

    @property
    def alerts(self) -> list[str]:
        """The text of every `role="alert"` message shown (hidden ones are left out)."""
        return [el.text for el in self.doc.find_all(role="alert") if not _hidden(el)]

    @property
    def heading(self) -> str:
        """The page's `<h1>`."""
        return self.doc.one("h1").text

    def by_testid(self, testid: str) -> list[Element]:
        """Elements with this `data-testid`."""
        return self.doc.find_all(data_testid=testid)

    def one_testid(self, testid: str) -> Element:
        """The one element with this `data-testid`."""
        return self.doc.one(data_testid=testid)

    def labelled(self, label: str) -> Element:
        """The form control whose `<label for>` reads exactly `label`."""
        target = self.doc.one("label", text=label).attrs["for"]
        return self.doc.one(id=target)

    def buttons(self, name: str, within: Element | None = None) -> list[Element]:
        """`<button>`s whose text is `name`."""
        return (within or self.doc).find_all("button", text=name)

    def row_of(self, number: str) -> Element:
        """The table row of a subscription (its number in a cell of its own)."""
        rows = [td.ancestor("tr") for td in self.doc.find_all("td", text=number)]
        assert len(rows) == 1 and rows[0] is not None, f"expected one row for subscription {number}, found {len(rows)}"
        return rows[0]

    def renew_form(self, within: Element | None = None) -> list[Element]:
        """Forms offering Renew: a Renew button posting to /cart."""
        return [
            form
            for form in (within or self.doc).find_all("form", method="post", action="/cart")
            if form.find_all("button", text="Renew")
        ]

    def csrf_token(self) -> str | None:
        """The CSRF token carried by the page's forms, if it has any."""
        tokens = {el.attrs["value"] for el in self.doc.find_all("input", name="csrf_token")}
        assert len(tokens) <= 1, f"one page should carry one CSRF token, found {tokens}"
        return next(iter(tokens), None)


class Browser:
    """One signed-in (or anonymous) session: GETs pages and posts forms with the CSRF token of the last page."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.csrf: str | None = None

    def _keep_token(self, page: Page) -> Page:
        self.csrf = page.csrf_token() or self.csrf
        return page

    def get(self, path: str, *, follow: bool = False) -> Page:
        """Load a page (redirects are not followed unless asked)."""
        return self._keep_token(Page(self.client.get(path, follow_redirects=follow)))

    def post_form(self, path: str, data: FormData | None = None, *, follow: bool = False, csrf: bool = True) -> Page:
        """Submit a form, with this session's CSRF token unless `csrf=False`."""
        fields: dict[str, Any] = dict(data or {})
        if csrf:
            if self.csrf is None:
                self.get("/")  # the session was cleared at sign-in: the next page carries the new token
            fields["csrf_token"] = self.csrf
        return self._keep_token(Page(self.client.post(path, data=fields, follow_redirects=follow)))

    def sign_in(self, email: str, password: str, *, follow: bool = False) -> Page:
        """Fill in and submit the sign-in form as a person does."""
        form = self.get("/login")
        assert form.status == 200, f"GET /login answered {form.status}"
        page = self.post_form("/login", {"email": email, "password": password}, follow=follow)
        self.csrf = None if page.status == 302 else self.csrf  # sign-in clears the session and its token
        return page

    # --- what a person does on the renewal pages ---------------------------------------------------------

    def renew(self, number: str) -> Page:
        """Renew on the list: put one subscription in the cart, landing on the cart."""
        return self.post_form("/cart", {"subscription": number}, follow=True)

    def open_checkout(self) -> dict[str, list[str]]:
        """Open the checkout page; the Place order form's hidden fields, as a browser would send them."""
        checkout = self.get("/checkout")
        forms = [f for f in checkout.doc.find_all("form", method="post") if f.find_all("input", name="checkout_token")]
        hidden: dict[str, list[str]] = {}
        for el in (el for f in forms for el in f.find_all("input", type="hidden")):
            hidden.setdefault(el.attrs["name"], []).append(el.attrs.get("value", ""))
        hidden.pop("csrf_token", None)
        return hidden

    def submit_checkout(
        self, form: dict[str, list[str]], *, renew_now: bool = False, extra: FormData | None = None
    ) -> Page:
        """Press Place order on a checkout form opened earlier (ticking Renew now when asked); follows redirects."""
        data: dict[str, Any] = dict(form) | dict(extra or {})
        if renew_now:
            data["renew_now"] = "yes"
        return self.post_form("/checkout", data, follow=True)

    def place_order(self, *, renew_now: bool = False, extra: FormData | None = None) -> Page:
        """Open the checkout and press Place order at once; follows to the confirmation on success."""
        return self.submit_checkout(self.open_checkout(), renew_now=renew_now, extra=extra)

    def renew_selected(self, numbers: Sequence[str] = (), groups: Sequence[str] = ()) -> Page:
        """Bulk actions › Renew: tick subscriptions and Select all boxes, then Renew selected."""
        return self.post_form("/bulk/renew", {"subscription": list(numbers), "select_all": list(groups)}, follow=True)


def order_numbers(page: Page) -> list[str]:
    """The order numbers a confirmation page lists."""
    return [el.text for el in page.by_testid("order-number")]


def money(amount: Any, symbol: str, exponent: int) -> str:
    """An amount written as the portal's pages write it: symbol, thousands separators, the currency's decimals."""
    return f"{symbol}{amount:,.{exponent}f}"


def words(text: str) -> str:
    """Collapse whitespace, for comparing messages."""
    return re.sub(r"\s+", " ", text).strip()


SignedInBrowser = Callable[..., Browser]  # conftest's signed_in_browser(account, user=0)

