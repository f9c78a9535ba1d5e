"""A scenario file as a whole: who, in which language, at what size and pace, and the steps."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from ..profiles import LOCALES
from .account import Account
from .base import Slug, Strict
from .steps import Step

DEFAULT_SEED = 20260105  # the demo fixture's: the same CSNs and numbers as the built-in demo


class Viewport(Strict):
    """The browser window and the video's frame, in CSS pixels."""

    width: Annotated[int, Field(ge=320, le=3840)] = 1280
    height: Annotated[int, Field(ge=240, le=2160)] = 800


class Pace(Strict):
    """How fast the recording goes: Playwright's slow motion and a pause after each step, for viewers."""

    slowmo_ms: Annotated[int, Field(ge=0, le=5000)] = 0
    pause_ms: Annotated[int, Field(ge=0, le=30_000)] = 1000


class Scenario(Strict):
    """One `demos/*.toml` file, validated."""

    name: Slug
    title: Annotated[str, Field(min_length=1, max_length=120)]
    description: Annotated[str, Field(max_length=2000)] = ""
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = DEFAULT_SEED
    locale: str = "en"
    viewport: Viewport = Field(default_factory=Viewport)
    pace: Pace = Field(default_factory=Pace)
    account: Account
    steps: Annotated[list[Step], Field(min_length=1, max_length=1000)]

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in LOCALES:
            raise ValueError(f"{value!r} is not a language the bundled profiles speak; use one of {', '.join(LOCALES)}")
        return value
