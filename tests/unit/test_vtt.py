"""WebVTT captions and chapters: what the demo writes is what a player (and parse_vtt) reads back."""

from __future__ import annotations

from pathlib import Path

import pytest

from automation.media.vtt import (
    Chapter,
    Cue,
    VttError,
    chapter_cues,
    chapters_vtt,
    escape,
    format_timestamp,
    parse_vtt,
    parse_vtt_text,
    render_vtt,
    unescape,
    write_vtt,
)


@pytest.mark.parametrize(
    ("seconds", "stamp"),
    [
        (0, "00:00:00.000"),
        (1.5, "00:00:01.500"),
        (59.9994, "00:00:59.999"),
        (59.9996, "00:01:00.000"),
        (61.25, "00:01:01.250"),
        (3600 + 120 + 3.004, "01:02:03.004"),
        (100 * 3600, "100:00:00.000"),
    ],
)
def test_timestamps_are_hours_minutes_seconds_and_milliseconds(seconds: float, stamp: str) -> None:
    assert format_timestamp(seconds) == stamp


def test_a_written_file_has_the_header_then_one_block_per_cue(tmp_path: Path) -> None:
    path = write_vtt([Cue(0, 1.5, "Sign in"), Cue(1.5, 62.25, "Renew two\nsubscriptions")], tmp_path / "demo.vtt")
    assert path.read_text(encoding="utf-8") == (
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nSign in\n\n00:00:01.500 --> 00:01:02.250\nRenew two\nsubscriptions\n"
    )


def test_cue_text_is_escaped_so_it_shows_literally() -> None:
    assert escape("Tom & Jerry <b>bold</b> -> &amp;") == "Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt; -&gt; &amp;amp;"
    assert "-->" not in render_vtt([Cue(0, 1, "a --> b")]).split("\n", 3)[3]


def test_cues_survive_a_round_trip_through_a_file(tmp_path: Path) -> None:
    cues = [
        Cue(0, 2.5, "Sign in as ana@example.com"),
        Cue(2.5, 4.0, "Tax & totals <per group> — 更新"),
        Cue(4.0, 3725.125, "Literal &amp; stays literal\nsecond line"),
    ]
    assert parse_vtt(write_vtt(cues, tmp_path / "round.vtt")) == cues


@pytest.mark.parametrize("text", ["&", "<", ">", "&lt;", "&amp;lt;", "a&b<c>d", "<c.yellow>x</c>"])
def test_unescape_undoes_escape(text: str) -> None:
    assert unescape(escape(text)) == text


def test_parse_reads_what_other_tools_write() -> None:
    document = (
        "\ufeffWEBVTT - made elsewhere\r\n\r\n"
        "NOTE written by hand\r\n\r\n"
        "STYLE\r\n::cue { color: yellow }\r\n\r\n"
        "intro\r\n00:01.000 --> 00:02.500 align:start line:0\r\nHello &lt;there&gt;&nbsp;you\r\n\r\n"
        "01:00:00.000 --> 01:00:01.000\r\nLast\r\n"
    )
    assert parse_vtt_text(document) == [Cue(1.0, 2.5, "Hello <there>\u00a0you"), Cue(3600.0, 3601.0, "Last")]


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        ("SRT\n\n00:00:00.000 --> 00:00:01.000\nx\n", "not WebVTT"),
        ("WEBVTTX\n", "not WebVTT"),
        ("WEBVTT\n\n00:00:00.000 -> 00:00:01.000\nx\n", "valid"),
        ("WEBVTT\n\n0:0:0.0 --> 00:00:01.000\nx\n", "valid"),
    ],
)
def test_parse_rejects_what_is_not_webvtt_naming_the_source(document: str, complaint: str) -> None:
    with pytest.raises(VttError, match=complaint) as error:
        parse_vtt_text(document, source="bad.vtt")
    assert "bad.vtt" in str(error.value)


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [(-0.1, 1, "before the video"), (2, 2, "no time"), (3, 1, "backwards"), (0, 1, "  "), (0, 1, "cut\n\nshort")],
)
def test_a_cue_that_cannot_be_written_faithfully_is_refused(start: float, end: float, text: str) -> None:
    with pytest.raises(VttError):
        Cue(start, end, text)


def test_chapters_run_until_the_next_chapter_or_the_end_in_time_order(tmp_path: Path) -> None:
    chapters = [Chapter(12.0, "Bulk renewal"), Chapter(0.0, "Sign in"), Chapter(30.5, "The inbox")]
    expected = [Cue(0.0, 12.0, "Sign in"), Cue(12.0, 30.5, "Bulk renewal"), Cue(30.5, 41.0, "The inbox")]
    assert chapter_cues(chapters, duration=41.0) == expected
    assert parse_vtt(chapters_vtt(chapters, 41.0, tmp_path / "demo.chapters.vtt")) == expected


@pytest.mark.parametrize(
    "chapters",
    [[Chapter(0, "A"), Chapter(0, "B")], [Chapter(0, "A"), Chapter(41.0, "After the end")]],
)
def test_a_chapter_with_no_time_on_screen_is_refused_by_name(chapters: list[Chapter]) -> None:
    with pytest.raises(VttError, match="no time on screen"):
        chapter_cues(chapters, duration=41.0)
