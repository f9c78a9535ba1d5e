"""The media module turns a recorded WebM into an MP4, a GIF and a poster with imageio-ffmpeg's ffmpeg (a subprocess)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from automation.ffmpeg import imageio_ffmpeg_exe
from automation.media import (
    GIF_ENCODERS,
    MP4_ENCODERS,
    GifTooLarge,
    MediaError,
    MissingEncoder,
    available_encoders,
    choose_encoder,
    count_frames,
    poster,
    probe,
    run_ffmpeg,
    to_gif,
    to_mp4,
)
from automation.media.probe import parse_banner

# Odd on purpose: yuv420p needs even sides, so the MP4 must come out 320x240.
WIDTH, HEIGHT, SECONDS, RATE = 321, 241, 2, 10


@pytest.fixture(scope="module")
def webm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-second VP8 test pattern, like the WebM Playwright records."""
    path = tmp_path_factory.mktemp("media") / "clip.webm"
    encoder = choose_encoder(("libvpx", "libvpx-vp9"), "the WebM test clip")
    source = f"testsrc=size={WIDTH}x{HEIGHT}:rate={RATE}"
    run_ffmpeg(["-f", "lavfi", "-i", source, "-t", str(SECONDS), "-c:v", encoder, "-b:v", "200k", str(path)], path)
    return path


def top_level_boxes(path: Path) -> list[str]:
    """Return the types of an MP4's top-level boxes in file order (ISO/IEC 14496-12: 32-bit size, 4-byte type)."""
    data = path.read_bytes()
    boxes, at = [], 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        if size == 1:  # a 64-bit size follows the type
            size = struct.unpack(">Q", data[at + 8 : at + 16])[0]
        elif size == 0:  # the box runs to the end of the file
            size = len(data) - at
        assert size >= 8, f"corrupt box {kind!r} of size {size} at byte {at} in {path}"
        boxes.append(kind.decode("latin-1"))
        at += size
    return boxes


def test_this_ffmpeg_has_the_encoders_the_demo_outputs_choose() -> None:
    encoders = available_encoders()
    assert {"libvpx", "png"} <= encoders, f"{imageio_ffmpeg_exe()} lacks VP8 or PNG: {sorted(encoders)}"
    assert choose_encoder(MP4_ENCODERS, "MP4") in MP4_ENCODERS
    assert choose_encoder(GIF_ENCODERS, "GIF") == "gif"


def test_the_test_clip_probes_as_vp8_of_the_size_and_length_it_was_made(webm: Path) -> None:
    info = probe(webm)
    assert (info.codec, info.width, info.height) == ("vp8", WIDTH, HEIGHT)
    assert info.duration == pytest.approx(SECONDS, abs=0.15)
    assert count_frames(webm) == SECONDS * RATE


def test_mp4_is_h264_yuv420p_with_even_size_and_the_same_length(webm: Path, tmp_path: Path) -> None:
    mp4 = to_mp4(webm, tmp_path / "clip.mp4")
    info = probe(mp4)
    assert info.codec == "h264", f"{mp4} is {info.codec}, not H.264"
    assert info.pix_fmt == "yuv420p", f"{mp4} is {info.pix_fmt}; only yuv420p plays in every browser"
    assert (info.width, info.height) == (WIDTH - 1, HEIGHT - 1), "odd sides must be trimmed to even for yuv420p"
    assert info.duration == pytest.approx(SECONDS, abs=0.15)


def test_mp4_is_faststart_with_the_index_before_the_media_data(webm: Path, tmp_path: Path) -> None:
    boxes = top_level_boxes(to_mp4(webm, tmp_path / "clip.mp4"))
    assert "moov" in boxes and "mdat" in boxes, boxes
    assert boxes.index("moov") < boxes.index("mdat"), f"moov after mdat ({boxes}): a browser must download it all to play"


def test_gif_is_animated_scaled_and_under_the_byte_limit(webm: Path, tmp_path: Path) -> None:
    gif = to_gif(webm, tmp_path / "clip.gif", width=160, fps=5)
    info = probe(gif)
    assert info.codec == "gif"
    assert info.width == 160
    assert gif.stat().st_size <= 10 * 1024 * 1024
    assert count_frames(gif) > 1, "a GIF of a 2-second clip must move"


def test_gif_over_the_limit_is_retried_smaller_until_it_fits(webm: Path, tmp_path: Path) -> None:
    full = to_gif(webm, tmp_path / "full.gif", width=WIDTH, fps=RATE)
    limit = full.stat().st_size - 1
    smaller = to_gif(webm, tmp_path / "smaller.gif", width=WIDTH, fps=RATE, max_bytes=limit)
    assert smaller.stat().st_size <= limit
    assert probe(smaller).width < WIDTH


def test_gif_that_never_fits_fails_naming_the_limit_and_leaves_no_file(webm: Path, tmp_path: Path) -> None:
    gif = tmp_path / "clip.gif"
    with pytest.raises(GifTooLarge, match=r"over the 100-byte limit after \d+ tries"):
        to_gif(webm, gif, width=160, fps=5, max_bytes=100)
    assert not gif.exists()


def test_poster_is_one_png_frame_of_the_video_size(webm: Path, tmp_path: Path) -> None:
    png = poster(webm, tmp_path / "poster.png", at_seconds=1.0)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The IHDR chunk, first after the signature, holds the width and height.
    assert struct.unpack(">II", png.read_bytes()[16:24]) == (WIDTH, HEIGHT)
    # testsrc draws a running counter, so another moment is another picture: the seek took effect.
    assert poster(webm, tmp_path / "first.png", at_seconds=0).read_bytes() != png.read_bytes()


def test_poster_past_the_end_fails_clearly_instead_of_writing_nothing(webm: Path, tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="wrote nothing"):
        poster(webm, tmp_path / "late.png", at_seconds=SECONDS + 5)


def test_a_missing_encoder_is_named_with_what_to_do() -> None:
    with pytest.raises(MissingEncoder) as error:
        choose_encoder(("no-such-h264",), "MP4 (H.264) video")
    message = str(error.value)
    assert "no-such-h264" in message and "MP4 (H.264) video" in message
    assert "IMAGEIO_FFMPEG_EXE" in message and "-encoders" in message


def test_a_recording_without_a_duration_header_probes_with_duration_none() -> None:
    # Playwright writes its WebM live, so the container often has no duration; ffmpeg then prints N/A.
    banner = (
        "Input #0, matroska,webm, from 'video.webm':\n"
        "  Metadata:\n    ENCODER         : Lavf59.27.100\n"
        "  Duration: N/A, start: 0.000000, bitrate: N/A\n"
        "  Stream #0:0(eng): Video: vp8, yuv420p(tv, bt709, progressive), 1280x720, SAR 1:1 DAR 16:9, 25 fps, 1k tbn\n"
        "At least one output file must be specified\n"
    )
    info = parse_banner(Path("video.webm"), banner)
    assert (info.container, info.duration, info.codec, info.pix_fmt) == ("matroska,webm", None, "vp8", "yuv420p")
    assert (info.width, info.height) == (1280, 720)


def test_probing_a_file_that_is_not_video_names_the_file(tmp_path: Path) -> None:
    junk = tmp_path / "notes.webm"
    junk.write_text("not a video")
    with pytest.raises(MediaError, match="notes.webm"):
        probe(junk)
