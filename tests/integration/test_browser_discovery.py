"""Which Chromium the harness picks, with which flags, and that the pick really launches."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import sync_playwright

from automation import browser
from automation.browser import (
    BrowserNotFound,
    Which,
    find_chromium,
    launch_args,
    launch_browser,
    launch_kwargs,
    playwright_executable,
    server_launch_options,
)
from automation.browser_options import BrowserOptions

PW_CHROME = "/pw/chromium-1/chrome"
SYSTEM = ("chromium", "/usr/bin/chromium")


def fake_which(*existing: str) -> Which:
    """Return a `which` that knows only these names and paths; names resolve under /usr/bin."""
    return lambda name: (name if name.startswith("/") else f"/usr/bin/{name}") if name in existing else None


def make_executable(path: Path) -> Path:
    """Create an empty executable file at path, with its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


@pytest.fixture(autouse=True)
def no_browser_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's own RENEWALS_* settings out of these tests."""
    for name in ("RENEWALS_BROWSER_PATH", "RENEWALS_CONNECT", "RENEWALS_CDP", "RENEWALS_HEADED",
                 "RENEWALS_SLOWMO"):
        monkeypatch.delenv(name, raising=False)


def test_explicit_path_wins_over_playwright_and_system() -> None:
    which = fake_which("/opt/my/chrome", PW_CHROME, "chromium")
    choice = find_chromium("/opt/my/chrome", playwright_paths=[PW_CHROME], system_candidates=SYSTEM,
                           which=which)
    assert (choice.kind, choice.path) == ("explicit", "/opt/my/chrome")


def test_playwright_download_wins_over_system_browser() -> None:
    which = fake_which(PW_CHROME, "chromium")
    choice = find_chromium(playwright_paths=[PW_CHROME], system_candidates=SYSTEM, which=which)
    assert (choice.kind, choice.path) == ("playwright", PW_CHROME)


def test_system_browser_is_the_last_resort() -> None:
    choice = find_chromium(playwright_paths=[PW_CHROME], system_candidates=SYSTEM,
                           which=fake_which("/usr/bin/chromium"))
    assert (choice.kind, choice.path) == ("system", "/usr/bin/chromium")


def test_missing_explicit_path_is_an_error_naming_it_not_a_fallback() -> None:
    with pytest.raises(BrowserNotFound, match=r"'/nowhere/chrome' \(from --browser-path\) does not exist"):
        find_chromium("/nowhere/chrome", playwright_paths=[PW_CHROME], which=fake_which(PW_CHROME))


def test_explicit_path_that_is_not_executable_says_so(tmp_path: Path) -> None:
    plain_file = tmp_path / "chrome"
    plain_file.write_text("not a program")
    with pytest.raises(BrowserNotFound, match="is not executable"):
        find_chromium(str(plain_file))


def test_env_var_twin_is_used_when_no_argument_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENEWALS_BROWSER_PATH", "/opt/env/chrome")
    choice = find_chromium(playwright_paths=[PW_CHROME], which=fake_which("/opt/env/chrome", PW_CHROME))
    assert (choice.kind, choice.path) == ("explicit", "/opt/env/chrome")


def test_env_var_pointing_nowhere_names_the_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENEWALS_BROWSER_PATH", "/opt/gone/chrome")
    with pytest.raises(BrowserNotFound, match=r"'/opt/gone/chrome' \(from RENEWALS_BROWSER_PATH\)"):
        find_chromium(which=fake_which())


def test_nothing_found_tells_every_way_to_fix_it() -> None:
    with pytest.raises(BrowserNotFound) as caught:
        find_chromium(playwright_paths=[PW_CHROME], system_candidates=SYSTEM, which=fake_which())
    message = str(caught.value)
    for fix in ("playwright install chromium", "apt-get install chromium", "--browser-path",
                "RENEWALS_BROWSER_PATH", PW_CHROME, "/usr/bin/chromium"):
        assert fix in message, f"the not-found message should mention {fix!r}"


def test_headless_uses_playwrights_shell_and_headed_its_full_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    shell = make_executable(playwright_executable("chromium-headless-shell"))
    full = make_executable(playwright_executable("chromium"))
    assert find_chromium(headless=True, system_candidates=()).path == str(shell)
    assert find_chromium(headless=False, system_candidates=()).path == str(full)
    # Playwright finds its own default build, so no executable_path is passed for it.
    assert "executable_path" not in launch_kwargs(BrowserOptions())
    assert "executable_path" not in launch_kwargs(BrowserOptions(headed=True))


def test_expected_download_path_matches_what_the_playwright_driver_says() -> None:
    with sync_playwright() as pw:
        assert str(playwright_executable("chromium")) == pw.chromium.executable_path


@pytest.mark.parametrize(("euid", "sandbox_off"), [(0, True), (1000, False)])
def test_no_sandbox_only_when_running_as_root(
    monkeypatch: pytest.MonkeyPatch, euid: int, sandbox_off: bool
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: euid)
    assert ("--no-sandbox" in launch_args("system")) is sandbox_off


def test_launch_args_keep_chromium_off_the_network() -> None:
    assert {"--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-quic", "--disable-gpu"} <= set(launch_args("playwright"))


def test_options_come_from_their_env_var_twins() -> None:
    env = {"RENEWALS_BROWSER_PATH": "/b", "RENEWALS_CONNECT": "ws://h:3000/", "RENEWALS_CDP": "http://h:9222",
           "RENEWALS_HEADED": "yes", "RENEWALS_SLOWMO": "250"}
    assert BrowserOptions.from_env(env) == BrowserOptions("/b", "ws://h:3000/", "http://h:9222", True, 250.0)
    assert BrowserOptions.from_env({}) == BrowserOptions()


@pytest.mark.parametrize(("name", "value"), [("RENEWALS_HEADED", "maybe"), ("RENEWALS_SLOWMO", "slow")])
def test_bad_env_values_are_named_in_the_error(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=f"{name}='{value}'"):
        BrowserOptions.from_env({name: value})


def test_system_browser_launch_names_the_executable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "_playwright_defaults", lambda *_: [])
    monkeypatch.setattr(browser.shutil, "which", fake_which("chromium"))
    kwargs = launch_kwargs(BrowserOptions(headed=True, slowmo=100))
    assert kwargs["executable_path"] == "/usr/bin/chromium"
    assert (kwargs["headless"], kwargs["slow_mo"]) == (False, 100)


@pytest.mark.parametrize(("endpoint", "sends_path"), [("ws://127.0.0.1:3000/", True),
                                                      ("ws://localhost:3000/", True),
                                                      ("ws://grid.example:3000/", False)])
def test_only_a_local_playwright_server_is_told_our_browser_path(
    monkeypatch: pytest.MonkeyPatch, endpoint: str, sends_path: bool
) -> None:
    monkeypatch.setattr(browser, "_playwright_defaults", lambda *_: [])
    monkeypatch.setattr(browser.shutil, "which", fake_which("chromium"))
    launch = server_launch_options(BrowserOptions(connect=endpoint))
    assert ("executablePath" in launch) is sends_path
    assert launch["headless"] is True


def test_local_server_without_a_local_browser_uses_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "_playwright_defaults", lambda *_: [])
    monkeypatch.setattr(browser.shutil, "which", fake_which())
    assert server_launch_options(BrowserOptions(connect="ws://127.0.0.1:3000/")) == {"headless": True}


def test_the_found_browser_really_opens_a_page_headless() -> None:
    with sync_playwright() as pw:
        found = launch_browser(pw, BrowserOptions())
        try:
            page = found.new_page()
            page.goto("data:text/html,<title>launched</title>")
            assert page.title() == "launched"
        finally:
            found.close()


def _disabled_feature_lists(marker: str) -> list[set[str]]:
    """Each --disable-features value on the command line of the running browser started with `marker`."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if marker in args and not any(a.startswith("--type=") for a in args):
            prefix = "--disable-features="
            return [set(a.removeprefix(prefix).split(",")) for a in args if a.startswith(prefix)]
    raise AssertionError(f"no browser process with {marker} is running")


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads command lines from /proc (Linux)")
def test_our_disabled_features_keep_every_one_playwright_disables() -> None:
    # Chromium keeps only the last --disable-features: ours must repeat the list Playwright's driver passes.
    with sync_playwright() as pw:
        kwargs = launch_kwargs(BrowserOptions())
        kwargs["args"] = [a for a in kwargs["args"] if not a.startswith("--disable-features=")]
        marker = f"--renewals-probe={os.getpid()}"
        kwargs["args"].append(marker)
        plain = pw.chromium.launch(**kwargs)
        try:
            (playwrights,) = _disabled_feature_lists(marker)
        finally:
            plain.close()
    ours = set(browser.PLAYWRIGHT_DISABLED_FEATURES)
    assert playwrights <= ours, (
        f"Playwright now also disables {sorted(playwrights - ours)}: add them to PLAYWRIGHT_DISABLED_FEATURES"
    )
    (flag,) = [a for a in launch_args() if a.startswith("--disable-features=")]
    assert set(flag.split("=", 1)[1].split(",")) == ours | set(browser.UNUSED_FEATURES)


def test_with_a_selenium_grid_no_local_browser_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "_playwright_defaults", lambda *_: [])
    monkeypatch.setattr(browser.shutil, "which", fake_which())  # no Chromium on this machine
    kwargs = launch_kwargs(BrowserOptions(), env={"SELENIUM_REMOTE_URL": "http://grid.example:4444/wd/hub"})
    assert "executable_path" not in kwargs and kwargs["headless"] is True
    with pytest.raises(BrowserNotFound):
        launch_kwargs(BrowserOptions(), env={})


class _RecordingChromium:
    """Stands in for pw.chromium: records how connect() was called."""

    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []

    def connect(self, endpoint: str, **kwargs: object) -> str:
        self.calls.append({"endpoint": endpoint, **kwargs})
        return "browser"


@pytest.mark.parametrize(("endpoint", "exposed"), [("ws://grid.example:3000/", "<loopback>"),
                                                   ("ws://127.0.0.1:3000/", None)])
def test_a_remote_playwright_server_is_given_this_machines_loopback(
    monkeypatch: pytest.MonkeyPatch, endpoint: str, exposed: str | None
) -> None:
    monkeypatch.setattr(browser, "_playwright_defaults", lambda *_: [])
    monkeypatch.setattr(browser.shutil, "which", fake_which("chromium"))
    chromium = _RecordingChromium()
    launch_browser(SimpleNamespace(chromium=chromium), BrowserOptions(connect=endpoint))  # type: ignore[arg-type]
    (call,) = chromium.calls
    assert call["expose_network"] == exposed
