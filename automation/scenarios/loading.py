"""Reading a `demos/*.toml` file into a Scenario, with errors that name the file, the step and the field."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .checks import Problem, check
from .model import Scenario

_ACCOUNT_TAGS = ("fixture", "inline")


class ScenarioError(ValueError):
    """A scenario file that can't run: the message says where (file, step, field) and what to change."""


def _path(parts: tuple[int | str, ...]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _where(file: str, step: int | None, do: str | None, field: str) -> str:
    at = f"step {step + 1} ({do})" if step is not None else ""
    return ": ".join(part for part in (file, at, field) if part)


def _step_do(data: dict[str, Any], index: int) -> str:
    steps = data.get("steps")
    step = steps[index] if isinstance(steps, list) and index < len(steps) else None
    return str(step.get("do", "?")) if isinstance(step, dict) else "?"


def _message(error: ErrorDetails) -> str:
    if error["type"] == "missing":
        return "required field missing"
    if error["type"] == "union_tag_not_found":
        return "missing field 'do' (what the step does)"
    return error["msg"].removeprefix("Value error, ")


def _describe(file: str, data: dict[str, Any], error: ErrorDetails) -> str:
    loc = tuple(error["loc"])
    if loc[:1] == ("steps",) and len(loc) > 1 and isinstance(loc[1], int):
        do = _step_do(data, loc[1])
        if len(loc) == 2:  # the tag itself: missing or not a step kind
            return f"{_where(file, loc[1], do, 'do')}: {_message(error)}"
        rest = loc[3:] if loc[2] == do else loc[2:]  # drop the union's tag pydantic adds
        return f"{_where(file, loc[1], do, _path(rest))}: {_message(error)}"
    if loc[:1] == ("account",) and len(loc) > 1 and loc[1] in _ACCOUNT_TAGS:
        loc = loc[:1] + loc[2:]
    return f"{_where(file, None, None, _path(loc) or 'scenario')}: {_message(error)}"


def problem_text(file: str, scenario: Scenario, problem: Problem) -> str:
    """A cross-check's problem as one line naming the file, the step and the field."""
    do = scenario.steps[problem.step].do if problem.step is not None else None
    return f"{_where(file, problem.step, do, problem.field)}: {problem.message}"


def parse_scenario(text: str, file: str, today: date | None = None) -> Scenario:
    """Validate a scenario's TOML text; `file` is the name errors give it, `today` the day the rules are read on."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{file}: not valid TOML: {error}") from None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        lines = [_describe(file, data, e) for e in error.errors(include_url=False)]
        raise ScenarioError("\n".join(lines)) from None
    problem = check(scenario, today or date.today())
    if problem is not None:
        raise ScenarioError(problem_text(file, scenario, problem))
    return scenario


def load_scenario(path: Path | str, today: date | None = None) -> Scenario:
    """Read and validate a `demos/*.toml` file; ScenarioError says what is wrong and where."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"{path}: can't read the scenario: {error}") from None
    return parse_scenario(text, str(path), today)
