"""Encode a recorded WebM into the files demo audiences use: MP4 (H.264), an animated GIF and a PNG poster."""

from __future__ import annotations

from pathlib import Path

from automation.ffmpeg import imageio_ffmpeg_exe
from automation.media.encoders import GIF_ENCODERS, MP4_ENCODERS, MediaError, choose_encoder, run_ffmpeg

DEFAULT_GIF_MAX_BYTES = 10 * 1024 * 1024
# Each retry scales the GIF down and drops frames; four shrinks take a 960 px, 10 fps GIF to about 300 px at 2 fps.
_GIF_ATTEMPTS = 5
_GIF_SHRINK = 0.75
_GIF_MIN_FPS = 2

# Quality/speed settings per H.264 encoder: libx264 by rate factor, OpenH264 only by bitrate.
_H264_ARGS: dict[str, list[str]] = {
    "libx264": ["-preset", "veryfast", "-crf", "23", "-profile:v", "high"],
    "libopenh264": ["-b:v", "2M"],
}
# yuv420p (what browsers, slides and editors decode) needs even width and height; setsar keeps square pixels.
_EVEN_SIZE = "scale=trunc(iw/2)*2:trunc(ih/2)*2,setsar=1"


class GifTooLarge(MediaError):
    """Even the smallest GIF the retries allow is over the byte limit."""


def to_mp4(webm: Path, mp4: Path, exe: Path | None = None) -> Path:
    """Encode `webm` as an MP4 that plays everywhere: H.264, yuv420p, even size, index first (faststart)."""
    binary = exe or imageio_ffmpeg_exe()
    encoder = choose_encoder(MP4_ENCODERS, "MP4 (H.264) video", binary)
    args = ["-i", str(webm), "-map", "0:v:0", "-vf", _EVEN_SIZE, "-c:v", encoder, *_H264_ARGS.get(encoder, [])]
    # faststart moves the moov index before the media data, so a browser starts playing before the download ends.
    args += ["-pix_fmt", "yuv420p", "-movflags", "+faststart", "-an", str(mp4)]
    run_ffmpeg(args, mp4, binary)
    return mp4


def _gif_filter(width: int, fps: int) -> str:
    # One palette made from this clip (palettegen/paletteuse) instead of GIF's default web palette keeps UI colours
    # true; diff_mode=rectangle re-dithers only the part of each frame that changed, so a still screen stays small.
    return (
        f"fps={fps},scale='min({width},iw)':-2:flags=lanczos,split[frames][again];"
        "[frames]palettegen[palette];"
        "[again][palette]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle"
    )


def to_gif(
    webm: Path,
    gif: Path,
    width: int = 960,
    fps: int = 10,
    max_bytes: int = DEFAULT_GIF_MAX_BYTES,
    exe: Path | None = None,
) -> Path:
    """Encode `webm` as a looping GIF at most `width` wide and `max_bytes` big, shrinking it a few times if needed."""
    if width < 2 or fps < 1 or max_bytes < 1:
        raise ValueError(
            f"to_gif needs width >= 2, fps >= 1 and max_bytes >= 1; got width={width}, fps={fps}, max_bytes={max_bytes}"
        )
    binary = exe or imageio_ffmpeg_exe()
    encoder = choose_encoder(GIF_ENCODERS, "animated GIF", binary)
    tried: list[str] = []
    for _ in range(_GIF_ATTEMPTS):
        filters = ["-vf", _gif_filter(width, fps)]
        run_ffmpeg(["-i", str(webm), "-map", "0:v:0", *filters, "-c:v", encoder, "-loop", "0", "-an", str(gif)], gif, binary)
        size = gif.stat().st_size
        if size <= max_bytes:
            return gif
        tried.append(f"{width} px at {fps} fps: {size} bytes")
        width = max(2, int(width * _GIF_SHRINK))
        fps = max(min(fps, _GIF_MIN_FPS), int(fps * _GIF_SHRINK))
    gif.unlink(missing_ok=True)
    raise GifTooLarge(
        f"{gif} stays over the {max_bytes}-byte limit after {_GIF_ATTEMPTS} tries ({'; '.join(tried)}). "
        "Record a shorter clip, start from a smaller width or fps, or raise max_bytes."
    )


def poster(webm: Path, png: Path, at_seconds: float = 0.0, exe: Path | None = None) -> Path:
    """Save the frame shown at `at_seconds` into `webm` as a PNG (for docs, tickets and the video's poster)."""
    if at_seconds < 0:
        raise ValueError(f"poster time must be 0 or later, got {at_seconds} s")
    binary = exe or imageio_ffmpeg_exe()
    encoder = choose_encoder(("png",), "PNG poster", binary)
    # -ss before -i seeks the input, which is fast on long recordings and still frame-exact: ffmpeg decodes from the
    # keyframe before and drops frames up to the moment.
    seek = ["-ss", f"{at_seconds:.3f}", "-i", str(webm)]
    run_ffmpeg([*seek, "-map", "0:v:0", "-frames:v", "1", "-update", "1", "-c:v", encoder, str(png)], png, binary)
    return png
