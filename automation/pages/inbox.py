"""The embedded mail catcher's human pages: the inbox at its root URL and one message (Mailpit's UI differs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Page

from ..profile import PortalProfile, headers
from .base import BasePage, PageError
from .rows import ROWS_OF


@dataclass(frozen=True)
class InboxMessage:
    """One row of the inbox, newest first."""

    sender: str
    to: str
    subject: str
    received: str


class InboxPage(BasePage):
    """The inbox: a table of caught messages whose subjects link to each message."""

    def __init__(self, page: Page, profile: PortalProfile | None = None) -> None:
        super().__init__(page, profile)
        self.heading = page.get_by_role("heading", name=self.profile.mail_catcher.inbox, level=1)
        self.table = self.main.get_by_role("table")

    @classmethod
    def visit(cls, page: Page, mail_url: str, profile: PortalProfile | None = None) -> InboxPage:
        """Open the inbox at the mail catcher's root URL (e.g. http://127.0.0.1:8025/)."""
        page.goto(mail_url.rstrip("/") + "/")
        return cls(page, profile)

    def refresh(self) -> InboxPage:
        """Reload the inbox to see newly arrived mail."""
        self.page.reload()
        return InboxPage(self.page, self.profile)

    def messages(self) -> list[InboxMessage]:
        """Every message listed."""
        self.heading.wait_for()
        rows: list[dict[str, Any]] = self.table.evaluate(ROWS_OF, headers(self.profile.mail_catcher.columns))
        return [
            InboxMessage(cells.get("sender", ""), cells.get("to", ""), cells.get("subject", ""), cells.get("received", ""))
            for cells in (row["cells"] for row in rows)
        ]

    def open_message(self, subject_contains: str) -> MessagePage:
        """Open the newest message whose subject contains the text."""
        self.heading.wait_for()
        link = self.table.get_by_role("link", name=subject_contains)
        if link.count() == 0:
            raise PageError(f"no message in the inbox at {self.page.url} has a subject containing {subject_contains!r}")
        self._submit(link.first)
        return MessagePage(self.page, self.profile)


class MessagePage(BasePage):
    """One caught message: its headers and text body."""

    def __init__(self, page: Page, profile: PortalProfile | None = None) -> None:
        super().__init__(page, profile)
        names = self.profile.mail_catcher
        self.heading = page.get_by_role("heading", level=1)
        self.text_body_heading = page.get_by_role("heading", name=names.text_body, exact=True)
        self.text_body = self.main.locator("pre").first
        self.back_link = page.get_by_role("link", name=names.back, exact=True)

    def subject(self) -> str:
        """The message's subject."""
        return self.heading.inner_text().strip()

    def text(self) -> str:
        """The plain-text body."""
        return self.text_body.inner_text()

    def headers(self) -> dict[str, str]:
        """From, To, Date, … as shown."""
        self.heading.wait_for()
        return self._description_list()

    def back_to_inbox(self) -> InboxPage:
        """Back to the inbox."""
        self._submit(self.back_link)
        return InboxPage(self.page, self.profile)
