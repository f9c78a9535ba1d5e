"""WebVTT captions and chapter markers: write cues, read them back. Pure code, no ffmpeg."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

_HEADER = "WEBVTT"
# Hours are optional in WebVTT ("MM:SS.mmm"); we always write them.
_TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIMESTAMP}\s+-->\s+{_TIMESTAMP}(?:\s+.*)?$")
# Order matters: & first when escaping, last when unescaping, so "&lt;" typed by a person survives the round trip.
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))


class VttError(ValueError):
    """A WebVTT file or cue that breaks the format: the message names the file, line or cue."""


@dataclass(frozen=True)
class Cue:
    """Text on screen from `start` to `end` seconds into the video."""

    start: float
    end: float
    text: str

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise VttError(
                f"A cue must start at 0 s or later and end after it starts; got {self.start} -> {self.end} for {self.text!r}."
            )
        if not self.text.strip():
            raise VttError(f"The cue at {self.start} s has no text.")
        # A blank line ends a cue in WebVTT, so text with one would be cut short when read back.
        if any(not line.strip() for line in self.text.splitlines()):
            raise VttError(f"The cue at {self.start} s has a blank line in its text, which would end the cue: {self.text!r}.")


@dataclass(frozen=True)
class Chapter:
    """A chapter that starts `start` seconds into the video; it runs until the next one (or the end)."""

    start: float
    title: str


def format_timestamp(seconds: float) -> str:
    """Return `seconds` as a WebVTT timestamp, HH:MM:SS.mmm."""
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def escape(text: str) -> str:
    """Return cue text with &, < and > escaped, so it shows literally instead of as markup."""
    for raw, entity in _ESCAPES:
        text = text.replace(raw, entity)
    return text


def unescape(text: str) -> str:
    """Undo `escape` (and the non-breaking-space entity WebVTT also defines)."""
    text = text.replace("&nbsp;", "\u00a0")
    for raw, entity in reversed(_ESCAPES):
        text = text.replace(entity, raw)
    return text


def render_vtt(cues: Iterable[Cue]) -> str:
    """Return the WebVTT document for `cues`, in the order given."""
    blocks = [_HEADER]
    for cue in cues:
        blocks.append(f"{format_timestamp(cue.start)} --> {format_timestamp(cue.end)}\n{escape(cue.text)}")
    return "\n\n".join(blocks) + "\n"


def write_vtt(cues: Iterable[Cue], path: Path) -> Path:
    """Write `cues` to `path` as a UTF-8 WebVTT file and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_vtt(cues), encoding="utf-8", newline="\n")
    return path


def _seconds(groups: Sequence[str | None]) -> float:
    hours, minutes, secs, millis = groups
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(secs or 0) + int(millis or 0) / 1000


def parse_vtt_text(text: str, source: str = "<text>") -> list[Cue]:
    """Return the cues of a WebVTT document (identifiers, settings, NOTE/STYLE/REGION blocks are skipped)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    blocks = re.split(r"\n{2,}", text.strip("\n"))
    header = blocks[0].split("\n", 1)[0]
    if not (header == _HEADER or header.startswith((_HEADER + " ", _HEADER + "\t"))):
        raise VttError(f"{source} is not WebVTT: its first line is {header!r}, not 'WEBVTT'.")
    cues = []
    for block in blocks[1:]:
        lines = block.split("\n")
        if lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        # A cue may have an identifier line before its timing line.
        timing_at = 0 if "-->" in lines[0] else 1
        match = _TIMING.match(lines[timing_at].strip()) if len(lines) > timing_at else None
        if match is None:
            raise VttError(f"{source}: cue block without a valid 'HH:MM:SS.mmm --> HH:MM:SS.mmm' line: {block!r}")
        groups = match.groups()
        cue_text = "\n".join(lines[timing_at + 1 :])
        cues.append(Cue(_seconds(groups[:4]), _seconds(groups[4:]), unescape(cue_text)))
    return cues


def parse_vtt(path: Path) -> list[Cue]:
    """Read the cues of the WebVTT file at `path`."""
    return parse_vtt_text(path.read_text(encoding="utf-8"), str(path))


def chapter_cues(chapters: Sequence[Chapter], duration: float) -> list[Cue]:
    """Return one cue per chapter, each lasting until the next chapter starts or the video (`duration` s) ends."""
    ordered = sorted(chapters, key=lambda chapter: chapter.start)
    ends = [chapter.start for chapter in ordered[1:]] + [duration]
    for chapter, end in zip(ordered, ends, strict=True):
        if end <= chapter.start:
            raise VttError(
                f"Chapter {chapter.title!r} at {chapter.start} s has no time on screen: the next chapter or "
                f"the end of the video comes at {end} s. Give each chapter its own start before {duration} s."
            )
    return [Cue(chapter.start, end, chapter.title) for chapter, end in zip(ordered, ends, strict=True)]


def chapters_vtt(chapters: Sequence[Chapter], duration: float, path: Path) -> Path:
    """Write a chapters WebVTT file (for `<track kind="chapters">`) for a video `duration` seconds long."""
    return write_vtt(chapter_cues(chapters, duration), path)
