"""Reading a profile: from a TOML file or a shipped profile's name, checked on load; a bad one raises ProfileError
naming the file, the field and what is wrong."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from automation.profiles import DEFAULT_PROFILE

from .model import PortalProfile

PROFILES_DIR = Path(__file__).parent.with_name("profiles")


class ProfileError(ValueError):
    """A profile that can't be used: no such file, not TOML, or a field missing, unknown or of the wrong kind."""

    def __init__(self, source: Path | str, problems: list[tuple[str, str]]) -> None:
        self.source, self.problems = str(source), problems
        shown = [f"{field}: {problem}" if field else problem for field, problem in problems]
        if len(shown) == 1:
            message = f"portal profile {self.source}: {shown[0]}"
        else:
            message = f"portal profile {self.source} has {len(shown)} problems:\n" + "\n".join(f"  - {s}" for s in shown)
        super().__init__(message)


def load_profile(path: str | Path | None = None) -> PortalProfile:
    """Read and check a profile: a TOML file, or the name of one shipped with the harness ("mock-en"); None gives
    the default profile (the mock portal in English). Raises ProfileError saying what is wrong and where."""
    source = _resolve(path)
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        shipped = ", ".join(sorted(p.stem for p in PROFILES_DIR.glob("*.toml")))
        raise ProfileError(source, [("", f"no such file (give a path to a .toml profile, or one of: {shipped})")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(source, [("", f"cannot be read ({error})")]) from None
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(source, [("", f"is not valid TOML: {error}")]) from None
    try:
        profile = PortalProfile.model_validate(data)
    except ValidationError as error:
        raise ProfileError(source, [(_where(e["loc"]), _what(e)) for e in error.errors()]) from None
    profile._source = source
    return profile


@cache
def default_profile() -> PortalProfile:
    """The default profile, read once: the mock portal in English."""
    return load_profile(None)


def _resolve(path: str | Path | None) -> Path:
    if path is None:
        return PROFILES_DIR / f"{DEFAULT_PROFILE}.toml"
    given = Path(path)
    shipped = PROFILES_DIR / f"{given.name}.toml"
    if not given.suffix and not given.exists() and given.name == str(path) and shipped.exists():
        return shipped
    return given


def _where(loc: tuple[int | str, ...]) -> str:
    where = ""
    for part in loc:
        if isinstance(part, int):
            where += f"[{part}]"
        elif part != "[key]":
            where += f".{part}" if where else str(part)
    return where or "(top level)"


_TOML_TYPES: dict[type, str] = {
    str: "a string", bool: "a boolean", int: "an integer", float: "a float", dict: "a table", list: "an array",
}  # fmt: skip
_EXPECTED: dict[str, str] = {
    "string_type": "a string",
    "int_type": "an integer",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "dict_type": "a table",
    "list_type": "an array",
    "literal_error": "",
}
_DESCRIBE: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda e: "missing: this key is required",
    "extra_forbidden": lambda e: f"unknown key (set to {e['input']!r}): not part of a portal profile; check its spelling",
}


def _what(error: Any) -> str:
    kind = error["type"]
    if kind in _DESCRIBE:
        return _DESCRIBE[kind](error)
    given = error.get("input")
    got = f"{_TOML_TYPES.get(type(given), type(given).__name__)} {given!r}"
    if kind in _EXPECTED and _EXPECTED[kind]:
        return f"wrong type: expected {_EXPECTED[kind]}, got {got}"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return f"{error['msg']} (got {got})"
