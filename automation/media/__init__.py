"""Demo media: turn a recorded WebM into MP4, GIF and a PNG poster, and write WebVTT captions and chapters.

All encoding uses the ffmpeg that imageio-ffmpeg ships (it has no ffprobe, so `probe` reads `ffmpeg -i`)."""

from automation.media.convert import DEFAULT_GIF_MAX_BYTES, GifTooLarge, poster, to_gif, to_mp4
from automation.media.encoders import (
    GIF_ENCODERS,
    MP4_ENCODERS,
    MediaError,
    MissingEncoder,
    available_encoders,
    choose_encoder,
    run_ffmpeg,
)
from automation.media.probe import MediaInfo, count_frames, probe
from automation.media.vtt import Chapter, Cue, VttError, chapter_cues, chapters_vtt, parse_vtt, write_vtt

__all__ = [
    "DEFAULT_GIF_MAX_BYTES",
    "GIF_ENCODERS",
    "MP4_ENCODERS",
    "Chapter",
    "Cue",
    "GifTooLarge",
    "MediaError",
    "MediaInfo",
    "MissingEncoder",
    "VttError",
    "available_encoders",
    "chapter_cues",
    "chapters_vtt",
    "choose_encoder",
    "count_frames",
    "parse_vtt",
    "poster",
    "probe",
    "run_ffmpeg",
    "to_gif",
    "to_mp4",
    "write_vtt",
]
