"""Which ffmpeg the media module runs, which encoders it has, and running it quietly."""

from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from automation.ffmpeg import imageio_ffmpeg_exe

# Preferred first. libx264 gives the smallest files at a given quality; OpenH264 (Cisco's, baseline profile) is the
# fallback some builds carry instead.
MP4_ENCODERS = ("libx264", "libopenh264")
GIF_ENCODERS = ("gif",)

# An encoder line of `ffmpeg -encoders`: six flag characters (V/A/S then F, S, X, B, D or dots), then the name.
_ENCODER_LINE = re.compile(r"^\s*[VAS.][F.][S.][X.][B.][D.]\s+(\S+)\s")
_STDERR_TAIL_LINES = 15


class MediaError(RuntimeError):
    """An ffmpeg run failed or produced nothing usable: the message says which file, why and what to do."""


class MissingEncoder(MediaError):
    """The ffmpeg in use lacks every encoder that can make the wanted format."""


@functools.lru_cache(maxsize=8)
def _encoders_of(exe: Path) -> frozenset[str]:
    result = subprocess.run(
        [str(exe), "-hide_banner", "-encoders"], capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
    )
    if result.returncode != 0:
        raise MediaError(f"{exe} -encoders failed (exit {result.returncode}): {_tail(result.stderr)}")
    return frozenset(match.group(1) for line in result.stdout.splitlines() if (match := _ENCODER_LINE.match(line)))


def available_encoders(exe: Path | None = None) -> frozenset[str]:
    """Return the names of the encoders this ffmpeg build has, as `ffmpeg -hide_banner -encoders` lists them."""
    return _encoders_of(exe or imageio_ffmpeg_exe())


def choose_encoder(wanted: Sequence[str], purpose: str, exe: Path | None = None) -> str:
    """Return the first of `wanted` this ffmpeg has, or raise MissingEncoder naming them and what to do."""
    binary = exe or imageio_ffmpeg_exe()
    have = available_encoders(binary)
    for name in wanted:
        if name in have:
            return name
    raise MissingEncoder(
        f"The ffmpeg at {binary} has no encoder for {purpose}: it needs one of {', '.join(wanted)}, "
        f"and `{binary} -hide_banner -encoders` lists none of them. Reinstall the official wheel "
        "(pip install --force-reinstall imageio-ffmpeg), or point IMAGEIO_FFMPEG_EXE at an ffmpeg that has one of them."
    )


def run_ffmpeg(args: Sequence[str], output: Path, exe: Path | None = None, timeout: float = 600.0) -> None:
    """Run ffmpeg with `args` (overwriting, silent unless it fails) and check that it wrote `output`."""
    binary = exe or imageio_ffmpeg_exe()
    command = [str(binary), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args]
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise MediaError(f"ffmpeg took longer than {timeout:g} s making {output}; command: {' '.join(command)}") from None
    if result.returncode != 0:
        raise MediaError(
            f"ffmpeg failed making {output} (exit {result.returncode}): {_tail(result.stderr)}\ncommand: {' '.join(command)}"
        )
    if not output.is_file() or output.stat().st_size == 0:
        raise MediaError(
            f"ffmpeg exited cleanly but wrote nothing to {output} (a seek past the end of the input does this); "
            f"command: {' '.join(command)}"
        )


def _tail(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return "\n".join(lines[-_STDERR_TAIL_LINES:]) or "(no message)"
