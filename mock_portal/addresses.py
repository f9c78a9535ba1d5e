"""One address is one mailbox: the rule every email address entering the portal passes (email-validator).

A stored address becomes an SMTP envelope recipient and a To header, so "x,victim@evil.example" or
"Bob <b@x.example>" must never be stored: parsed again on the way out, either is several recipients, or another."""

from __future__ import annotations

from email.headerregistry import Address

from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254  # RFC 5321's limit on a forward path, and the column's width


class AddressError(ValueError):
    """Not exactly one plain mailbox; the message says why, in email-validator's words."""


def _validated(text: str, *, display_name: bool) -> tuple[str, str]:
    """(display name, address as given) of exactly one mailbox; AddressError otherwise."""
    if len(text) > MAX_LENGTH:
        raise AddressError(f"is {len(text)} characters long; an address has at most {MAX_LENGTH}")
    try:
        valid = validate_email(
            text,
            check_deliverability=False,
            test_environment=True,  # lets the special-use .test domain through, as tests use it
            allow_display_name=display_name,
            allow_smtputf8=False,
        )
    except EmailNotValidError as exc:
        raise AddressError(str(exc)) from None
    # The catcher speaks SMTPUTF8, but --smtp-host may point at a server that doesn't, and email.headerregistry
    # can't put a non-ASCII local part in a header: an address is ASCII, so every server and header takes it.
    if not valid.original.isascii():
        raise AddressError("has non-ASCII characters, which not every SMTP server accepts; use an ASCII address")
    return valid.display_name or "", valid.original


def mailbox(text: str) -> str:
    """`text` as given, if it is exactly one mailbox: no display name, no list, no quoting, ASCII only."""
    return _validated(text, display_name=False)[1]


def sender(text: str) -> Address:
    """A From address: one mailbox, with an optional display name ("Account portal <no-reply@portal.example>")."""
    name, address = _validated(text, display_name=True)
    return Address(display_name=name, addr_spec=address)


def recipient(text: str) -> Address:
    """The To header for a stored address: built from the one mailbox, so it can't be read back as a list."""
    return Address(addr_spec=mailbox(text))
