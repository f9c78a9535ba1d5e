"""Read a media file's duration, codec and size from `ffmpeg -i`, because imageio-ffmpeg ships no ffprobe."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from automation.ffmpeg import imageio_ffmpeg_exe
from automation.media.encoders import MediaError

_DURATION = re.compile(r"^\s*Duration:\s*(?:(\d+):(\d{2}):(\d{2}(?:\.\d+)?)|N/A)", re.MULTILINE)
# "Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, ...), 320x240 [SAR ...], ..."
_VIDEO = re.compile(r"^\s*Stream #\d+:\d+\S*: Video: (?P<codec>[\w-]+)(?P<rest>.*)$", re.MULTILINE)
_PIX_FMT = re.compile(r"^[^,]*,\s*(?P<pix_fmt>[a-z][\w]*)")
_SIZE = re.compile(r"\b(\d{1,5})x(\d{1,5})\b")
_FRAME = re.compile(r"frame=\s*(\d+)")


@dataclass(frozen=True)
class MediaInfo:
    """What `ffmpeg -i` says about a file's first video stream."""

    path: Path
    container: str
    duration: float | None  # seconds; None when the container does not say (live-written WebMs often don't)
    codec: str
    pix_fmt: str | None
    width: int
    height: int


def _ffmpeg_banner(path: Path, exe: Path) -> str:
    if not path.is_file():
        raise MediaError(f"Cannot probe {path}: no such file.")
    # Without an output ffmpeg prints the input's description and exits 1 ("At least one output file must be specified").
    result = subprocess.run(
        [str(exe), "-hide_banner", "-i", str(path)], capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
    )
    return result.stderr


def parse_banner(path: Path, stderr: str) -> MediaInfo:
    """Return the MediaInfo described by `ffmpeg -i` output, or raise MediaError quoting what was unreadable."""
    container = re.search(r"^Input #0, ([^ ]+), from", stderr, re.MULTILINE)
    video = _VIDEO.search(stderr)
    if container is None or video is None:
        tail = "\n".join(stderr.strip().splitlines()[-5:])
        raise MediaError(f"ffmpeg found no video stream in {path}; it said:\n{tail}")
    size = _SIZE.search(video.group("rest"))
    if size is None:
        raise MediaError(f"ffmpeg gave no frame size for {path}: {video.group(0).strip()}")
    pix_fmt = _PIX_FMT.match(video.group("rest"))
    duration = _DURATION.search(stderr)
    seconds = None
    if duration is not None and duration.group(1) is not None:
        seconds = int(duration.group(1)) * 3600 + int(duration.group(2)) * 60 + float(duration.group(3))
    return MediaInfo(
        path=path,
        container=container.group(1).rstrip(","),
        duration=seconds,
        codec=video.group("codec"),
        pix_fmt=pix_fmt.group("pix_fmt") if pix_fmt else None,
        width=int(size.group(1)),
        height=int(size.group(2)),
    )


def probe(path: Path, exe: Path | None = None) -> MediaInfo:
    """Return the container, duration, codec, pixel format and size of `path`'s first video stream."""
    return parse_banner(path, _ffmpeg_banner(path, exe or imageio_ffmpeg_exe()))


def count_frames(path: Path, exe: Path | None = None, timeout: float = 300.0) -> int:
    """Return how many video frames `path` decodes to (reads the whole file; meant for short clips)."""
    binary = exe or imageio_ffmpeg_exe()
    result = subprocess.run(
        [str(binary), "-nostdin", "-hide_banner", "-i", str(path), "-map", "0:v:0", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    frames = _FRAME.findall(result.stderr)
    if result.returncode != 0 or not frames:
        tail = "\n".join(result.stderr.strip().splitlines()[-5:])
        raise MediaError(f"ffmpeg could not decode {path} to count its frames (exit {result.returncode}):\n{tail}")
    return int(frames[-1])
