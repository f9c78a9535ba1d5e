"""`import automation.cli` stays light: no browser driver, HTTP client, Flask or portal until a command needs them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("playwright", "httpx", "flask", "mock_portal")


def test_importing_the_cli_loads_no_playwright_httpx_flask_or_portal() -> None:
    probe = f"import automation.cli, sys; print(sorted(m for m in sys.modules if m.split('.')[0] in {set(HEAVY)!r}))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"imported by automation.cli: {done.stdout.strip()}"
