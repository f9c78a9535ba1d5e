"""Playwright finds an ffmpeg where it looks for one, without downloading it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from automation.browser import playwright_browsers_dir, playwright_package_dir
from automation.ffmpeg import (
    FfmpegNotFound,
    ensure_playwright_ffmpeg,
    ffmpeg_revision,
    imageio_ffmpeg_exe,
    playwright_ffmpeg_path,
)


@pytest.fixture
def browsers_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point PLAYWRIGHT_BROWSERS_PATH at an empty temporary folder."""
    folder = tmp_path / "browsers"
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(folder))
    return folder


@pytest.fixture
def fake_ffmpeg(tmp_path: Path) -> Path:
    """Create a stand-in ffmpeg executable."""
    exe = tmp_path / "fake-ffmpeg"
    exe.write_text("#!/bin/sh\necho fake ffmpeg\n")
    exe.chmod(0o755)
    return exe


def test_revision_is_read_from_browsers_json(tmp_path: Path) -> None:
    browsers = [{"name": "chromium", "revision": "1"}, {"name": "ffmpeg", "revision": "4242"}]
    (tmp_path / "browsers.json").write_text(json.dumps({"browsers": browsers}))
    assert ffmpeg_revision(tmp_path) == "4242"


def test_revision_of_the_installed_playwright_names_the_ffmpeg_folder(browsers_dir: Path) -> None:
    revision = ffmpeg_revision()
    assert revision.isdigit(), f"browsers.json gave a non-numeric ffmpeg revision {revision!r}"
    assert playwright_ffmpeg_path().parent == browsers_dir / f"ffmpeg-{revision}"


def test_browsers_path_zero_means_inside_the_playwright_package() -> None:
    env = {"PLAYWRIGHT_BROWSERS_PATH": "0"}
    assert playwright_browsers_dir(env) == playwright_package_dir() / ".local-browsers"


@pytest.mark.skipif(sys.platform != "linux", reason="the default cache folder is platform specific")
def test_default_browsers_path_is_the_user_cache() -> None:
    assert playwright_browsers_dir({"XDG_CACHE_HOME": "/c"}) == Path("/c/ms-playwright")


def test_link_is_created_executable_and_pointing_at_the_source(browsers_dir: Path, fake_ffmpeg: Path) -> None:
    linked = ensure_playwright_ffmpeg(source=lambda: fake_ffmpeg)
    assert linked == playwright_ffmpeg_path()
    assert linked.is_relative_to(browsers_dir)
    assert linked.resolve() == fake_ffmpeg
    assert os.access(linked, os.X_OK)


def test_second_run_keeps_the_link_without_looking_for_a_source(
    browsers_dir: Path, fake_ffmpeg: Path
) -> None:
    first = ensure_playwright_ffmpeg(source=lambda: fake_ffmpeg)

    def no_source() -> Path:
        raise AssertionError("an existing ffmpeg must be kept, not replaced")

    assert ensure_playwright_ffmpeg(source=no_source) == first
    assert first.resolve() == fake_ffmpeg


def test_dangling_link_is_repaired(browsers_dir: Path, fake_ffmpeg: Path) -> None:
    target = playwright_ffmpeg_path()
    target.parent.mkdir(parents=True)
    target.symlink_to(browsers_dir / "moved-away")
    assert ensure_playwright_ffmpeg(source=lambda: fake_ffmpeg).resolve() == fake_ffmpeg


def test_real_imageio_ffmpeg_link_runs(browsers_dir: Path) -> None:
    linked = ensure_playwright_ffmpeg()
    result = subprocess.run([str(linked), "-hide_banner", "-encoders"], capture_output=True, text=True,
                            check=True)
    assert "libvpx" in result.stdout, "Playwright records VP8 video; this ffmpeg has no libvpx encoder"


def test_missing_imageio_ffmpeg_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    with pytest.raises(FfmpegNotFound, match="pip install imageio-ffmpeg"):
        imageio_ffmpeg_exe()

