"""The building blocks of a profile's fields: patterns with {placeholders} (checked, and read back as regular
expressions), accessible names as shown, locales, and the strict base model every section uses."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict


def placeholders(pattern: str) -> list[str]:
    """The placeholders of a pattern in order, e.g. ["csn", "currency", "payment_method"]."""
    return [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]


def pattern_check(*allowed: str, required: tuple[str, ...] = ()) -> AfterValidator:
    """Checks a pattern: only the `allowed` placeholders, each `required` one present (the harness reads it back)."""

    def check(text: str) -> str:
        try:
            names = placeholders(text)
        except ValueError as error:
            raise ValueError(f"{text!r} is not a valid pattern ({error}); write a literal brace as {{{{ or }}}}") from None
        if unknown := [n for n in names if n not in allowed]:
            may = ", ".join(f"{{{a}}}" for a in allowed) or "no placeholder"
            raise ValueError(f"{text!r} has the unknown placeholder {{{unknown[0]}}}; it may use {may}")
        if missing := [r for r in required if r not in names]:
            raise ValueError(f"{text!r} lacks {{{missing[0]}}}, which the harness needs to read it back")
        return text

    return AfterValidator(check)


def _plain(text: str) -> str:
    if not text.strip() or text != text.strip():
        raise ValueError(f"{text!r} must be a name as shown: not empty, no leading or trailing spaces")
    return text


def text_regex(
    pattern: str, parts: Mapping[str, str] | None = None, *, named: bool = True, whole: bool = True
) -> re.Pattern[str]:
    """A regular expression that reads `pattern` back: its literal text (a run of spaces matches any whitespace) and
    each {placeholder} as the expression `parts` gives (any text by default), a named group when `named`. With
    `named=False` it is also a JavaScript regular expression, for Playwright locators."""
    parts = parts or {}
    out, seen = [], set()
    for literal, name, _, _ in string.Formatter().parse(pattern):
        out.append(r"\s+".join(re.escape(word) for word in re.split(r"\s+", literal)))
        if name is None:
            continue
        expression = parts.get(name, ".+?")
        if not named:
            out.append(f"(?:{expression})")
        elif name in seen:
            out.append(f"(?P={name})")
        else:
            out.append(f"(?P<{name}>{expression})")
            seen.add(name)
    body = "".join(out)
    return re.compile(f"^\\s*{body}\\s*$" if whole else body)


def locale_tag(text: str) -> str:
    """Check a BCP 47 locale tag (en-US, fr-FR, ja): the profile's `locale`."""
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*", text):
        raise ValueError(f"{text!r} is not a BCP 47 locale; write e.g. en-US, fr-FR or ja-JP")
    return text


Name = Annotated[str, AfterValidator(_plain)]
"""An accessible name, header or label exactly as the portal shows it."""


class Model(BaseModel):
    # strict: a number where a name belongs is an error, not a silent "3"
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def headers(columns: BaseModel) -> dict[str, str]:
    """Column header → field name, the header in lower case with its spaces collapsed, as the page readers compare."""
    return {" ".join(str(header).split()).lower(): field for field, header in columns.model_dump().items()}
