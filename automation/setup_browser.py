"""Make sure a Chromium, Playwright's ffmpeg and a font for Japanese are usable: `python -m automation.setup_browser`."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from automation.browser import BrowserChoice, BrowserNotFound, find_chromium, launch_browser
from automation.browser_options import BrowserOptions
from automation.ffmpeg import FfmpegNotFound, ensure_playwright_ffmpeg, playwright_ffmpeg_path
from automation.fonts import CJK_FIX, CJK_PACKAGE, describe, japanese_fonts

# Where downloads are blocked, `playwright install` fails in seconds; a black-holed network would hang it.
PLAYWRIGHT_INSTALL_TIMEOUT_S = 120
APT_TIMEOUT_S = 900
SKIP_DOWNLOAD_ENV = "RENEWALS_SKIP_PLAYWRIGHT_DOWNLOAD"


def say(step: str, message: str) -> None:
    """Print one short status line for a setup step."""
    print(f"{step:>8}: {message}", flush=True)


def run_quietly(command: list[str], timeout: float) -> tuple[bool, str]:
    """Run a command with its output captured; kill its whole process group on timeout."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        start_new_session=True,
    )
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # `playwright install` leaves a node child behind if only the Python parent is killed.
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
        proc.communicate()
        return False, f"timed out after {timeout:.0f} s"
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("Error:", "E:"))]  # node's and apt's
    return proc.returncode == 0, next(iter(errors or lines[::-1]), f"exit code {proc.returncode}")


def try_playwright_download() -> None:
    """Ask Playwright to download its own Chromium, unless told not to."""
    if os.environ.get(SKIP_DOWNLOAD_ENV) == "1":
        say("download", f"skipped ({SKIP_DOWNLOAD_ENV}=1)")
        return
    command = [sys.executable, "-m", "playwright", "install", "chromium"]
    ok, last = run_quietly(command, PLAYWRIGHT_INSTALL_TIMEOUT_S)
    say("download", "playwright install chromium: " + ("done" if ok else f"failed ({last})"))


def can_apt() -> bool:
    """Whether we may install Debian packages: root, with apt-get on the PATH."""
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def apt_install(package: str) -> tuple[bool, str]:
    """`apt-get install -y package`, refreshing the package lists once if it fails; (ok, the last line said)."""
    install = ["apt-get", "install", "-y", package]
    ok, last = run_quietly(install, APT_TIMEOUT_S)
    if not ok:  # Usually stale package lists: refresh them once and retry.
        updated, last = run_quietly(["apt-get", "update"], APT_TIMEOUT_S)
        if updated:
            ok, last = run_quietly(install, APT_TIMEOUT_S)
    return ok, last


def try_apt_install() -> None:
    """Install Debian's Chromium with apt-get when we are root and apt-get exists."""
    if not can_apt():
        say("apt", "skipped (needs root and apt-get)")
        return
    ok, last = apt_install("chromium")
    say("apt", "apt-get install chromium: " + ("done" if ok else f"failed ({last})"))


def ensure_cjk_font(check: bool = False) -> None:
    """Make sure a font covers Japanese, installing fonts-noto-cjk with apt-get when we are root (not with `check`).
    Only says what it found or did: the browser works without it, only Japanese text shows as boxes."""
    found = japanese_fonts()
    if found is None:
        say("font", "not checked: no fc-list (fontconfig) to ask which fonts cover Japanese")
        return
    if found:
        say("font", f"Japanese text renders with {describe(found)}")
        return
    missing = "no font covers Japanese, so the portal in Japanese would show empty boxes"
    if check or not can_apt():
        why = "--check" if check else "needs root and apt-get"
        say("font", f"{missing}; not installing {CJK_PACKAGE} ({why}): {CJK_FIX}")
        return
    ok, last = apt_install(CJK_PACKAGE)
    say("font", f"apt-get install {CJK_PACKAGE}: " + ("done" if ok and japanese_fonts() else f"failed ({last}); {missing}"))


def obtain_browser(options: BrowserOptions) -> BrowserChoice:
    """Find a Chromium, trying Playwright's download and then apt-get when none is there yet."""
    try:
        return find_chromium(options.browser_path)
    except BrowserNotFound:
        if options.browser_path:
            raise  # A wrong explicit path is the user's to fix; installing won't help.
    try_playwright_download()
    try:
        return find_chromium()
    except BrowserNotFound:
        try_apt_install()
    return find_chromium()


def smoke_check(options: BrowserOptions) -> str:
    """Load a page headless through launch_browser while recording video; return the browser version."""
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as videos:
        browser = launch_browser(pw, replace(options, headed=False))
        try:
            context = browser.new_context(record_video_dir=videos)
            page = context.new_page()
            page.goto("data:text/html,<title>ok</title>")
            title = page.title()
            context.close()
            video_bytes = sum(f.stat().st_size for f in Path(videos).glob("*.webm"))
            version = browser.version
        finally:
            browser.close()
    if title != "ok":
        raise RuntimeError(f"smoke page title was {title!r}, expected 'ok'")
    if not video_bytes:
        raise RuntimeError(f"no video was recorded; check the ffmpeg at {playwright_ffmpeg_path()}")
    return f"Chromium {version} loaded a page and recorded {video_bytes // 1024} KiB of video"


def main(argv: list[str] | None = None) -> int:
    """Set up (or with --check, only report on) the browser and ffmpeg; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m automation.setup_browser", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report; install nothing")
    check = parser.parse_args(argv).check
    options = BrowserOptions.from_env()
    try:
        choice = find_chromium(options.browser_path) if check else obtain_browser(options)
        say("browser", choice.how)
        if check:
            ffmpeg = playwright_ffmpeg_path()
            if not os.access(ffmpeg, os.X_OK):
                raise FfmpegNotFound(f"missing at {ffmpeg}; run python -m automation.setup_browser")
        else:
            ffmpeg = ensure_playwright_ffmpeg()
        say("ffmpeg", f"{ffmpeg} -> {ffmpeg.resolve()}")
        ensure_cjk_font(check)
        say("smoke", "OK, " + smoke_check(options))
    except (BrowserNotFound, FfmpegNotFound, PlaywrightError, RuntimeError) as error:
        say("error", str(error))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
