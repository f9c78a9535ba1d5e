"""Whether this machine has a font with Japanese glyphs, which Chromium needs to draw the portal in Japanese (without
one, the ja pages, the ja demo's chapter cards and its video show empty boxes). Asked of fontconfig's `fc-list`."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping

CJK_PACKAGE = "fonts-noto-cjk"  # Debian / Ubuntu: Noto Sans and Serif CJK, Japanese included
CJK_FIX = f"make setup as root (it runs apt-get install -y {CJK_PACKAGE}), or sudo apt-get install -y {CJK_PACKAGE}"


def japanese_fonts(env: Mapping[str, str] | None = None) -> list[str] | None:
    """The families of the installed fonts that cover Japanese (`fc-list :lang=ja family`), those made for Japanese
    ("… JP") first; None when there is no fc-list on the PATH to ask."""
    env = os.environ if env is None else env
    fc_list = shutil.which("fc-list", path=env.get("PATH"))
    if fc_list is None:
        return None
    try:
        done = subprocess.run([fc_list, ":lang=ja", "family"], capture_output=True, text=True, timeout=30, env=dict(env))
    except (OSError, subprocess.SubprocessError):
        return None
    # One line per font, its family names comma-separated: keep the first.
    families = {line.split(",")[0].strip() for line in done.stdout.splitlines() if line.strip()}
    return sorted(families, key=lambda family: ("JP" not in family.split(), family))


def describe(found: list[str]) -> str:
    """The font Japanese renders with, and how many others could: "Noto Sans CJK JP (and 14 more)"."""
    return found[0] + (f" (and {len(found) - 1} more)" if len(found) > 1 else "")
