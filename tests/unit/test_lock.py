"""The lock covers pyproject.toml: `make setup` installs exactly what the project asks for, each file checked by hash.
A dependency added to pyproject.toml without `make lock` fails here (and would fail `make setup` in CI later)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def _pins() -> dict[str, tuple[str, int]]:
    """Each locked package: its exact version and how many hashes the lock gives for it."""
    pins: dict[str, tuple[str, int]] = {}
    name = ""
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        found = PIN.match(line)
        if found:
            name = canonicalize_name(found.group(1))
            pins[name] = (found.group(2), 0)
        elif line.strip().startswith("--hash=sha256:") and name:
            version, hashes = pins[name]
            pins[name] = (version, hashes + 1)
    return pins


def _asked_for() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(text) for text in [*project["dependencies"], *project["optional-dependencies"]["dev"]]]


PINS = _pins()


@pytest.mark.parametrize("requirement", _asked_for(), ids=str)
def test_every_dependency_is_locked_at_a_version_pyproject_allows(requirement: Requirement) -> None:
    name = canonicalize_name(requirement.name)
    assert name in PINS, f"{requirement.name} is in pyproject.toml but not in requirements.lock: run `make lock`"
    version, _ = PINS[name]
    assert requirement.specifier.contains(version, prereleases=True), (
        f"requirements.lock pins {requirement.name}=={version}, outside {requirement}: run `make lock`"
    )


def test_every_locked_package_is_checked_by_hash() -> None:
    assert len(PINS) > 20, "requirements.lock lists the whole tree, not only the direct dependencies"
    unhashed = sorted(name for name, (_, hashes) in PINS.items() if hashes == 0)
    assert not unhashed, f"no --hash for {unhashed}: regenerate with `make lock` (pip-compile --generate-hashes)"
