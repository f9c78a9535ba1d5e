"""The portal mutants kept here as `NN-name.patch`, and the test that last killed each (killers.json)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

MUTANTS_DIR = Path(__file__).resolve().parent
PATCH_NAME = re.compile(r"^(\d{2})-[a-z0-9-]+\.patch$")
MUTABLE = "mock_portal/"
# Kept beside the patches and committed, so a fresh clone's first `make mutants` tries each mutant's killer first too.
KILLERS = Path(__file__).with_name("killers.json")


@dataclass(frozen=True)
class Mutant:
    """One patch file: its number, name and the files it changes."""

    path: Path

    @property
    def number(self) -> str:
        return self.path.name[:2]

    @property
    def name(self) -> str:
        return self.path.stem

    def touched(self) -> list[str]:
        """Every path the diff names, before and after (a rename or a new file counts too)."""
        paths: list[str] = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if line.startswith("diff --git "):
                paths += [p[2:] if p[:2] in ("a/", "b/") else p for p in line.split()[2:4]]
            elif line.startswith(("--- ", "+++ ")) and not line.endswith("/dev/null"):
                p = line[4:].split("\t")[0]
                paths.append(p[2:] if p[:2] in ("a/", "b/") else p)
        return sorted(set(paths))


def find_mutants(only: set[str]) -> list[Mutant]:
    """The patches in this folder, by number; `only` keeps those numbers."""
    found = [Mutant(p) for p in sorted(MUTANTS_DIR.glob("*.patch")) if PATCH_NAME.match(p.name)]
    misnamed = [p.name for p in MUTANTS_DIR.glob("*.patch") if not PATCH_NAME.match(p.name)]
    if misnamed:
        raise SystemExit(f"mutants: rename {', '.join(misnamed)} to NN-what-it-breaks.patch (two digits, lowercase, dashes)")
    numbers = [m.number for m in found]
    if len(numbers) != len(set(numbers)):
        raise SystemExit(f"mutants: two patches share a number in {MUTANTS_DIR}: {sorted(numbers)}")
    unknown = only - set(numbers)
    if unknown:
        raise SystemExit(f"mutants: no mutant numbered {', '.join(sorted(unknown))}; have {', '.join(numbers)}")
    return [m for m in found if not only or m.number in only]


def load_killers() -> dict[str, str]:
    """The test that last killed each mutant (tests/mutants/killers.json; a stale entry only costs a whole-suite run)."""
    try:
        found = json.loads(KILLERS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(found, dict) else {}


def save_killers(killers: dict[str, str]) -> None:
    """Remember the test that killed each mutant, so the next run tries it first."""
    KILLERS.parent.mkdir(parents=True, exist_ok=True)
    KILLERS.write_text(json.dumps(dict(sorted(killers.items())), indent=1) + "\n", encoding="utf-8")
