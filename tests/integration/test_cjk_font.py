"""A font for Japanese: `renewals doctor` says when none is installed and how to get one, and `make setup` installs
fonts-noto-cjk with apt-get when it may (root, apt-get there) or says why it did not. fc-list and apt-get are
stand-in scripts on the PATH, so nothing is installed and the answers are the test's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from stand_ins import closed_port

from automation import doctor, setup_browser
from automation.browser import BrowserChoice
from automation.browser_options import BrowserOptions
from automation.fonts import CJK_PACKAGE, japanese_fonts

NOTO = "Noto Sans CJK JP,Noto Sans CJK JP Regular"


class StandIns:
    """A bin folder holding fc-list (listing the lines of `fonts`) and apt-get (logging its arguments to `apt_log`;
    `apt-get install fonts-noto-cjk` adds a Noto font unless `apt_fails`)."""

    def __init__(self, root: Path) -> None:
        self.bin, self.fonts, self.apt_log = root / "bin", root / "fonts.txt", root / "apt.log"
        self.bin.mkdir()
        self.fonts.write_text("")

    def fc_list(self) -> None:
        lines = f'while read -r line; do echo "$line"; done < "{self.fonts}"'
        self._script("fc-list", f'[ "$1" = ":lang=ja" ] && [ "$2" = "family" ] || exit 2\n{lines}')

    def apt_get(self, fails: bool = False) -> None:
        install = f'echo "E: Unable to locate package {CJK_PACKAGE}"; exit 100' if fails else f'echo "{NOTO}" >> "{self.fonts}"'
        body = f'echo "$*" >> "{self.apt_log}"\nif [ "$1" = "install" ] && [ "$3" = "{CJK_PACKAGE}" ]; then {install}; fi'
        self._script("apt-get", body)

    def apt_calls(self) -> list[str]:
        return self.apt_log.read_text().splitlines() if self.apt_log.exists() else []

    def _script(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)


@pytest.fixture
def stand_ins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StandIns:
    """The stand-ins' folder is the whole PATH: a tool not put there does not exist."""
    made = StandIns(tmp_path)
    monkeypatch.setenv("PATH", str(made.bin))
    return made


def as_root(monkeypatch: pytest.MonkeyPatch, root: bool) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0 if root else 1000)


# --- what fontconfig says ---------------------------------------------------------------------------------------


def test_fonts_for_japanese_are_listed_japanese_first_and_none_without_fc_list(stand_ins: StandIns) -> None:
    assert japanese_fonts() is None, "no fc-list: nobody to ask"
    stand_ins.fc_list()
    assert japanese_fonts() == []
    stand_ins.fonts.write_text(f"Noto Sans CJK SC,Noto Sans CJK SC Regular\n{NOTO}\nIPAGothic\n")
    assert japanese_fonts() == ["Noto Sans CJK JP", "IPAGothic", "Noto Sans CJK SC"]


# --- renewals doctor --------------------------------------------------------------------------------------------


def test_doctor_says_no_font_covers_japanese_and_how_to_install_one(stand_ins: StandIns) -> None:
    stand_ins.fc_list()
    check = doctor.cjk_font()
    assert not check.ok and check.name == "CJK font"
    assert "--locale ja" in check.detail and "empty boxes" in check.detail
    assert f"apt-get install -y {CJK_PACKAGE}" in check.fix and "make setup" in check.fix


def test_doctor_names_the_font_japanese_renders_with(stand_ins: StandIns) -> None:
    stand_ins.fc_list()
    stand_ins.fonts.write_text(NOTO + "\n")
    assert doctor.cjk_font() == doctor.Check("CJK font", True, "Noto Sans CJK JP, for Japanese")


def test_doctor_without_fc_list_does_not_claim_a_font_is_missing(stand_ins: StandIns) -> None:
    check = doctor.cjk_font()
    assert check.ok and "not checked" in check.detail


def test_the_doctors_report_has_the_font_line_and_it_does_not_decide_the_exit(stand_ins: StandIns) -> None:
    stand_ins.fc_list()
    found = BrowserChoice("system", "/usr/bin/chromium-fake", "test")
    dead = f"http://127.0.0.1:{closed_port()}"
    report = doctor.run(dead, dead, BrowserOptions(), env={"PATH": str(stand_ins.bin)}, find=lambda *a, **k: found)
    [font] = [check for check in report.checks if check.name == "CJK font"]
    assert not font.ok and report.browser_usable, "a missing font is reported, yet the browser is still usable"


# --- make setup (python -m automation.setup_browser) ------------------------------------------------------------


def test_setup_as_root_installs_fonts_noto_cjk_with_apt_get(
    stand_ins: StandIns, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stand_ins.fc_list()
    stand_ins.apt_get()
    as_root(monkeypatch, True)
    setup_browser.ensure_cjk_font()
    assert stand_ins.apt_calls() == [f"install -y {CJK_PACKAGE}"]
    assert f"apt-get install {CJK_PACKAGE}: done" in capsys.readouterr().out
    assert japanese_fonts() == ["Noto Sans CJK JP"]


def test_setup_refreshes_the_package_lists_once_when_the_install_fails_and_says_it_failed(
    stand_ins: StandIns, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stand_ins.fc_list()
    stand_ins.apt_get(fails=True)
    as_root(monkeypatch, True)
    setup_browser.ensure_cjk_font()
    assert stand_ins.apt_calls() == [f"install -y {CJK_PACKAGE}", "update", f"install -y {CJK_PACKAGE}"]
    said = capsys.readouterr().out
    assert f"failed (E: Unable to locate package {CJK_PACKAGE})" in said and "empty boxes" in said


@pytest.mark.parametrize(
    ("root", "check", "why"), [(False, False, "needs root and apt-get"), (True, True, "--check")], ids=["not root", "--check"]
)
def test_setup_that_may_not_install_says_why_and_how_and_runs_no_apt_get(
    stand_ins: StandIns, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], root: bool, check: bool,
    why: str,
) -> None:
    stand_ins.fc_list()
    stand_ins.apt_get()
    as_root(monkeypatch, root)
    setup_browser.ensure_cjk_font(check)
    assert stand_ins.apt_calls() == []
    said = capsys.readouterr().out
    assert f"not installing {CJK_PACKAGE} ({why})" in said and f"sudo apt-get install -y {CJK_PACKAGE}" in said


def test_setup_without_apt_get_skips_the_font_saying_so(
    stand_ins: StandIns, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stand_ins.fc_list()
    as_root(monkeypatch, True)
    setup_browser.ensure_cjk_font()
    assert "(needs root and apt-get)" in capsys.readouterr().out


def test_setup_with_a_font_for_japanese_installs_nothing(
    stand_ins: StandIns, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stand_ins.fc_list()
    stand_ins.apt_get()
    stand_ins.fonts.write_text(NOTO + "\n")
    as_root(monkeypatch, True)
    setup_browser.ensure_cjk_font()
    assert stand_ins.apt_calls() == []
    assert "Japanese text renders with Noto Sans CJK JP\n" in capsys.readouterr().out
