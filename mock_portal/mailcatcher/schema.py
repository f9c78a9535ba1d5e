"""Mailpit's API v1 JSON shapes (MessageSummary, Message), field for field."""

from __future__ import annotations

import re
from typing import Any

from .message import Address, Attachment, MailMessage, rfc3339


def _address(address: Address | None) -> dict[str, str] | None:
    return None if address is None else {"Name": address.name, "Address": address.address}


def _addresses(addresses: tuple[Address, ...]) -> list[dict[str, str] | None]:
    return [_address(a) for a in addresses]


def _attachment(part: Attachment) -> dict[str, Any]:
    return {
        "PartID": part.part_id,
        "FileName": part.file_name,
        "ContentType": part.content_type,
        "ContentID": part.content_id,
        "Size": part.size,
        "Checksums": {"MD5": part.md5, "SHA1": part.sha1, "SHA256": part.sha256},
    }


def summary_json(message: MailMessage, read: bool) -> dict[str, Any]:
    """Mailpit's MessageSummary for one message."""
    return {
        "ID": message.id,
        "MessageID": message.message_id,
        "Read": read,
        "From": _address(message.sender or Address("", "")),
        "To": _addresses(message.to),
        "Cc": _addresses(message.cc),
        "Bcc": _addresses(message.bcc),
        "ReplyTo": _addresses(message.reply_to),
        "Subject": message.subject,
        "Created": rfc3339(message.created),
        "Username": "",
        "Tags": [],
        "Size": message.size,
        "Attachments": message.attachment_count,
        "Snippet": message.snippet,
    }


def message_json(message: MailMessage) -> dict[str, Any]:
    """Mailpit's Message (summary of one message with its bodies) for one message."""
    links = re.findall(r"<([^>]+)>", message.list_unsubscribe)
    return {
        "ID": message.id,
        "MessageID": message.message_id,
        "From": _address(message.sender),
        "To": _addresses(message.to),
        "Cc": _addresses(message.cc),
        "Bcc": _addresses(message.bcc),
        "ReplyTo": _addresses(message.reply_to),
        "ReturnPath": message.return_path,
        "Subject": message.subject,
        "ListUnsubscribe": {
            "Header": message.list_unsubscribe,
            "Links": links,
            "Errors": "",
            "HeaderPost": message.list_unsubscribe_post,
        },
        "Date": rfc3339(message.date),
        "Tags": [],
        "Username": "",
        "Text": message.text,
        "HTML": message.html,
        "Size": message.size,
        "Inline": [_attachment(a) for a in message.inline],
        "Attachments": [_attachment(a) for a in message.attachments],
    }
