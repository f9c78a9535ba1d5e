"""Find a Chromium to drive and launch it: the one place that knows where browsers live."""

from __future__ import annotations

import ipaddress
import json
import os
import platform
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlparse

import playwright
from playwright.sync_api import Browser, Playwright
from playwright.sync_api import Error as PlaywrightError

if TYPE_CHECKING:  # only annotations here: callers import BrowserOptions from its own module, not through this one
    from automation.browser_options import BrowserOptions


BrowserKind = Literal["explicit", "playwright", "system"]
Which = Callable[[str], str | None]

# Names and places a system Chromium or Chrome usually has, tried in this order.
SYSTEM_CHROMIUMS: tuple[str, ...] = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/snap/bin/chromium",
    "/opt/google/chrome/chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)

# Flags that keep Chromium from reaching for a network we may not have.
QUIET_FLAGS: tuple[str, ...] = (
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)

# Chromium 150+ prewarms a WebUI omnibox popup in a renderer of its own for every new window, which headless means
# every browser context: about 0.3 s of CPU per test, for an address bar nothing here uses.
UNUSED_FEATURES: tuple[str, ...] = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup")

# Playwright's own --disable-features list (chromiumSwitches in its driver). Chromium keeps only the last
# --disable-features it is given, so ours repeats Playwright's; a unit test compares this with what the driver passes.
PLAYWRIGHT_DISABLED_FEATURES: tuple[str, ...] = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding", "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect", "TcpPortRandomizationWin", "OptimizationHints", "NetworkTimeServiceQuerying",
    "AimEnabled", "PreconnectToSearch", "msForceBrowserSignIn", "msEdgeUpdateLaunchServicesPreferredVersion",
)  # fmt: skip

# Mirrors EXECUTABLE_PATHS in Playwright's registry; a unit test compares it with the driver's answer.
_PLAYWRIGHT_LAYOUT: dict[str, dict[str, tuple[str, ...]]] = {
    "chromium": {
        "linux-x64": ("chrome-linux64", "chrome"),
        "linux-arm64": ("chrome-linux-arm64", "chrome"),
        "mac-x64": ("chrome-mac-x64", "Google Chrome for Testing.app", "Contents", "MacOS",
                    "Google Chrome for Testing"),
        "mac-arm64": ("chrome-mac-arm64", "Google Chrome for Testing.app", "Contents", "MacOS",
                      "Google Chrome for Testing"),
        "win-x64": ("chrome-win64", "chrome.exe"),
    },
    "chromium-headless-shell": {
        "linux-x64": ("chrome-headless-shell-linux64", "chrome-headless-shell"),
        "linux-arm64": ("chrome-headless-shell-linux-arm64", "chrome-headless-shell"),
        "mac-x64": ("chrome-headless-shell-mac-x64", "chrome-headless-shell"),
        "mac-arm64": ("chrome-headless-shell-mac-arm64", "chrome-headless-shell"),
        "win-x64": ("chrome-headless-shell-win64", "chrome-headless-shell.exe"),
    },
}

class BrowserNotFound(RuntimeError):
    """No usable Chromium: the message says what was tried and what to do."""


@dataclass(frozen=True)
class BrowserChoice:
    """Which Chromium was picked, where it is and why."""

    kind: BrowserKind
    path: str
    how: str


def playwright_package_dir() -> Path:
    """Return the driver package directory of the installed playwright (holds browsers.json)."""
    return Path(playwright.__file__).parent / "driver" / "package"


def playwright_revision(name: str, package_dir: Path | None = None) -> str:
    """Return the revision the installed playwright expects for a browser or tool, e.g. 'ffmpeg'."""
    browsers_json = (package_dir or playwright_package_dir()) / "browsers.json"
    entries = json.loads(browsers_json.read_text())["browsers"]
    for entry in entries:
        if entry["name"] == name:
            return str(entry["revision"])
    raise KeyError(f"{browsers_json} has no entry named {name!r}")


def playwright_browsers_dir(env: Mapping[str, str] | None = None) -> Path:
    """Return where Playwright keeps downloaded browsers, as its own registry computes it."""
    env = os.environ if env is None else env
    configured = env.get("PLAYWRIGHT_BROWSERS_PATH", "")
    if configured == "0":
        return playwright_package_dir() / ".local-browsers"
    if configured:
        return Path(configured).absolute()
    if sys.platform == "darwin":
        cache = Path.home() / "Library" / "Caches"
    elif sys.platform == "win32":
        cache = Path(env.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        cache = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "ms-playwright"


def _short_platform() -> str:
    arm = platform.machine().lower() in {"arm64", "aarch64"}
    if sys.platform == "darwin":
        return "mac-arm64" if arm else "mac-x64"
    if sys.platform == "win32":
        return "win-x64"
    return "linux-arm64" if arm else "linux-x64"


def playwright_executable(name: str = "chromium", env: Mapping[str, str] | None = None) -> Path:
    """Return where Playwright's own download of `name` would be, without starting its driver."""
    folder = f"{name.replace('-', '_')}-{playwright_revision(name)}"
    return playwright_browsers_dir(env).joinpath(folder, *_PLAYWRIGHT_LAYOUT[name][_short_platform()])


def _playwright_defaults(headless: bool, env: Mapping[str, str] | None = None) -> list[str]:
    # Headless launches use the headless shell; the full build can stand in for it.
    names = ["chromium-headless-shell", "chromium"] if headless else ["chromium"]
    return [str(playwright_executable(name, env)) for name in names]


def find_chromium(
    explicit: str | None = None,
    *,
    headless: bool = True,
    env: Mapping[str, str] | None = None,
    playwright_paths: Sequence[str] | None = None,
    system_candidates: Sequence[str] = SYSTEM_CHROMIUMS,
    which: Which | None = None,
) -> BrowserChoice:
    """Pick a Chromium: an explicit path, else Playwright's download, else a system browser."""
    env = os.environ if env is None else env
    which = which or shutil.which
    from_env = env.get("RENEWALS_BROWSER_PATH") or None
    source = "--browser-path" if explicit and explicit != from_env else "RENEWALS_BROWSER_PATH"
    explicit = explicit or from_env
    if explicit:
        found = which(explicit)
        if not found:
            problem = "is not executable" if Path(explicit).exists() else "does not exist"
            raise BrowserNotFound(
                f"Browser path {explicit!r} (from {source}) {problem}. "
                f"Point {source} at a Chromium or Chrome executable, or unset it to search automatically."
            )
        return BrowserChoice("explicit", found, f"{source} {found}")
    pw_paths = _playwright_defaults(headless, env) if playwright_paths is None else playwright_paths
    for candidate in pw_paths:
        if found := which(candidate):
            return BrowserChoice("playwright", found, f"Playwright's download at {found}")
    for candidate in system_candidates:
        if found := which(candidate):
            return BrowserChoice("system", found, f"system browser {candidate} at {found}")
    tried = ", ".join([*pw_paths, *system_candidates])
    raise BrowserNotFound(
        "No Chromium found. Do one of these:\n"
        "  python -m playwright install chromium   (Playwright's own build; needs internet)\n"
        "  apt-get install chromium                (Debian/Ubuntu system browser, as root)\n"
        "  --browser-path PATH or RENEWALS_BROWSER_PATH=PATH   (any Chromium or Chrome executable)\n"
        "  python -m automation.setup_browser      (tries the above for you)\n"
        f"Looked for: {tried}"
    )


def launch_args(kind: BrowserKind | None = None) -> list[str]:
    """Return the Chromium flags for this machine; every kind gets the same ones today."""
    args = [*QUIET_FLAGS, "--disable-features=" + ",".join((*PLAYWRIGHT_DISABLED_FEATURES, *UNUSED_FEATURES))]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to start its sandbox as root.
    return args


def _needs_executable_path(choice: BrowserChoice, headless: bool) -> bool:
    # Playwright finds its own default build itself; anything else must be named.
    return choice.kind != "playwright" or choice.path != _playwright_defaults(headless)[0]


def launch_kwargs(options: BrowserOptions, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return BrowserType.launch() keyword arguments; pytest's browser_type_launch_args can merge them.

    With SELENIUM_REMOTE_URL set, Playwright starts Chrome on that Selenium Grid instead (our flags go along as its
    goog:chromeOptions), so no browser is looked for here."""
    headless = not options.headed
    if (os.environ if env is None else env).get("SELENIUM_REMOTE_URL"):
        kwargs: dict[str, Any] = {"headless": headless, "args": launch_args()}
    else:
        choice = find_chromium(options.browser_path, headless=headless)
        kwargs = {"headless": headless, "args": launch_args(choice.kind)}
        if _needs_executable_path(choice, headless):
            kwargs["executable_path"] = choice.path
    if options.slowmo:
        kwargs["slow_mo"] = options.slowmo
    return kwargs


def _is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def server_launch_options(options: BrowserOptions) -> dict[str, Any]:
    """Return the camelCase launch options a `playwright run-server` reads from its header."""
    headless = not options.headed
    launch: dict[str, Any] = {"headless": headless}
    # A path found here only means something to a server on this machine.
    if options.browser_path or (options.connect and _is_loopback(options.connect)):
        try:
            choice = find_chromium(options.browser_path, headless=headless)
        except BrowserNotFound:
            if options.browser_path:
                raise
            return launch  # The server may still have a browser of its own.
        launch["args"] = launch_args(choice.kind)
        if _needs_executable_path(choice, headless):
            launch["executablePath"] = choice.path
    return launch


def launch_browser(pw: Playwright, options: BrowserOptions) -> Browser:
    """Start or attach to Chromium as the options say: Playwright server, CDP endpoint, or local launch."""
    slow_mo = options.slowmo or None
    if options.connect:
        launch = server_launch_options(options)
        headers = {"x-playwright-launch-options": json.dumps(launch)}
        # A browser on another machine reaches this one's loopback (the embedded portal) through the connection.
        expose = None if _is_loopback(options.connect) else "<loopback>"
        try:
            return pw.chromium.connect(options.connect, slow_mo=slow_mo, headers=headers, expose_network=expose)
        except PlaywrightError as error:
            if "executablePath" in launch and "Executable doesn't exist" in str(error):
                raise BrowserNotFound(
                    f"The Playwright server at {options.connect} ignored executablePath "
                    f"{launch['executablePath']!r}; start it with `playwright run-server --unsafe`."
                ) from error
            raise
    if options.cdp:
        return pw.chromium.connect_over_cdp(options.cdp, slow_mo=slow_mo)
    return pw.chromium.launch(**launch_kwargs(options))
