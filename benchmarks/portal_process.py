"""The portal as a process of its own (`python -m mock_portal serve --testing`) on free loopback ports, so its memory is
its own: its URLs read from its start-up summary, its resident set size read from /proc."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

_URL = re.compile(r"^\s+(Portal|Mail API):\s+(\S+)", re.M)


class Portal:
    """`python -m mock_portal --testing` on free loopback ports, its URLs read from its start-up summary."""

    def __init__(self, workdir: Path) -> None:
        command = [
            sys.executable, "-m", "mock_portal", "serve", "--testing", "--host", "127.0.0.1", "--port", "0",
            "--smtp-port", "0", "--mail-port", "0", "--database-url", f"sqlite:///{workdir}/soak.db",
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.base_url, self.mail_url = self._urls()

    def _urls(self) -> tuple[str, str]:
        assert self.process.stdout is not None
        found: dict[str, str] = {}
        seen: list[str] = []
        for line in self.process.stdout:
            seen.append(line)
            if match := _URL.match(line):
                found[match.group(1)] = match.group(2).removesuffix("/api/v1/")
            if "Press Ctrl-C" in line:
                break
        if set(found) != {"Portal", "Mail API"}:
            self.stop()
            raise SystemExit("error: the portal did not start:\n" + "".join(seen[-20:]))
        threading.Thread(target=self._drain, daemon=True).start()
        return found["Portal"], found["Mail API"]

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for _ in self.process.stdout:
            pass

    def rss_mib(self) -> float:
        """The portal process's resident set size now (Linux /proc)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS in /proc: the soak measures memory on Linux only")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
