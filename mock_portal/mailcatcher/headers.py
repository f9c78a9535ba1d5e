"""A raw message's header block: split off, repaired, and read the way Mailpit's `/headers` endpoint reports it."""

from __future__ import annotations

import re

# Go's net/textproto: a header name it will canonicalise is made only of these (RFC 7230 token characters).
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_WORD_START = re.compile(r"(^|-)([a-z])")


def unescape_utf8(value: str) -> str:
    """Repair raw UTF-8 header text (SMTPUTF8 mail) that the bytes parser kept as escaped surrogates."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def split_head(raw: bytes) -> tuple[bytes, bytes]:
    """Split raw mail into its header block (with the line ending after the last header) and the rest."""
    ends = [(raw.find(sep), len(sep) // 2) for sep in (b"\r\n\r\n", b"\n\n")]
    found = [(at, keep) for at, keep in ends if at >= 0]
    if not found:
        return raw, b""
    at, keep = min(found)
    return raw[: at + keep], raw[at + keep :]


def canonical_name(name: str) -> str:
    """A header name as Go writes it (`message-id` → `Message-Id`); a name with other characters stays as it is."""
    if not _TOKEN.fullmatch(name):
        return name
    return _WORD_START.sub(lambda m: m.group(1) + m.group(2).upper(), name.lower())


def header_map(raw: bytes) -> dict[str, list[str]]:
    """Every header of `raw` as Mailpit's `GET /api/v1/message/{ID}/headers` returns it: canonical names in
    alphabetical order, each with its values in message order, folded lines joined by one space, not decoded."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in split_head(raw)[0].decode("utf-8", "replace").split("\n"):
        line = line.removesuffix("\r")  # not splitlines(): mail lines end only at LF, never at e.g. U+2028
        if line[:1] in (" ", "\t"):
            if current:
                current[-1] = f"{current[-1]} {line.strip()}".strip()
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            current = None  # not a header line; Mailpit's parser would stop on it, so it carries nothing
            continue
        current = found.setdefault(canonical_name(name.strip()), [])
        current.append(value.strip(" \t"))
    return dict(sorted(found.items()))
