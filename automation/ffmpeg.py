"""Give Playwright an ffmpeg to record video with when it cannot download its own."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from automation.browser import playwright_browsers_dir, playwright_revision

# File names Playwright's registry expects inside ffmpeg-<revision>/.
_FFMPEG_NAMES = {"darwin": "ffmpeg-mac", "win32": "ffmpeg-win64.exe"}


class FfmpegNotFound(RuntimeError):
    """No ffmpeg to give Playwright: the message says what to install."""


def ffmpeg_revision(package_dir: Path | None = None) -> str:
    """Return the ffmpeg revision the installed playwright package looks for."""
    return playwright_revision("ffmpeg", package_dir)


def playwright_ffmpeg_path(env: Mapping[str, str] | None = None) -> Path:
    """Return where Playwright looks for its ffmpeg, honouring PLAYWRIGHT_BROWSERS_PATH."""
    name = _FFMPEG_NAMES.get(sys.platform, "ffmpeg-linux")
    return playwright_browsers_dir(env) / f"ffmpeg-{ffmpeg_revision()}" / name


def imageio_ffmpeg_exe() -> Path:
    """Return the ffmpeg shipped by the imageio-ffmpeg package (it can encode VP8)."""
    try:
        import imageio_ffmpeg
    except ImportError:
        raise FfmpegNotFound(
            "imageio-ffmpeg is not installed, so there is no ffmpeg to record video with. "
            "Run: pip install imageio-ffmpeg (or `python -m playwright install ffmpeg` with internet)."
        ) from None
    try:
        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as error:
        raise FfmpegNotFound(f"imageio-ffmpeg found no ffmpeg: {error}") from None
    # IMAGEIO_FFMPEG_EXE may name a command rather than a path.
    return Path(shutil.which(exe) or exe).absolute()


def ensure_playwright_ffmpeg(
    env: Mapping[str, str] | None = None, source: Callable[[], Path] = imageio_ffmpeg_exe
) -> Path:
    """Link an ffmpeg where Playwright expects one unless a working one is already there."""
    target = playwright_ffmpeg_path(env)
    if target.is_file() and os.access(target, os.X_OK):
        return target
    binary = source()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Link under a private name, then rename: parallel workers never see a half-made file.
    staging = target.with_name(f".{target.name}.{os.getpid()}")
    staging.unlink(missing_ok=True)
    try:
        staging.symlink_to(binary)
    except OSError:  # Filesystems without symlinks (some Windows setups) get a copy.
        shutil.copy2(binary, staging)
    os.replace(staging, target)
    return target
