"""How the user asked for a browser: a local launch (which executable, headed, slow motion), a Playwright server, or a
CDP endpoint, from CLI flags or their RENEWALS_* twins. Imports nothing heavy, so the CLI can parse its options
without loading Playwright."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


@dataclass(frozen=True)
class BrowserOptions:
    """How to get a browser: a local launch, a Playwright server, or a CDP endpoint."""

    browser_path: str | None = None
    connect: str | None = None
    cdp: str | None = None
    headed: bool = False
    slowmo: float = 0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> BrowserOptions:
        """Read the RENEWALS_* twins of the CLI flags."""
        env = os.environ if env is None else env
        return cls(
            browser_path=env.get("RENEWALS_BROWSER_PATH") or None,
            connect=env.get("RENEWALS_CONNECT") or None,
            cdp=env.get("RENEWALS_CDP") or None,
            headed=_env_bool(env, "RENEWALS_HEADED"),
            slowmo=_env_float(env, "RENEWALS_SLOWMO"),
        )


def _env_bool(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise ValueError(f"{name}={env[name]!r} is not a yes/no value; use 1 or 0.")


def _env_float(env: Mapping[str, str], name: str) -> float:
    value = env.get(name, "").strip()
    try:
        return float(value) if value else 0.0
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a number of milliseconds, e.g. 250.") from None
