"""Two shards (pytest-split) of each suite `make test-shard` splits, tests/unit + tests/integration in one pytest and
tests/e2e in another, together run every test of that suite exactly once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The suites as the Makefile's SUITE_PYTEST and E2E_PYTEST run them: each is split into shards on its own.
SUITES = [
    pytest.param(("tests/unit", "tests/integration"), id="unit+integration"),
    pytest.param(("tests/e2e",), id="e2e"),
]


def _collect(paths: tuple[str, ...], *args: str) -> subprocess.Popen[str]:
    """Start collecting the test ids pytest would run on `paths` with these arguments (nothing runs)."""
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-n", "0", *args, *paths]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _ids(collecting: subprocess.Popen[str]) -> list[str]:
    out, err = collecting.communicate(timeout=600)
    assert collecting.returncode == 0, out[-2000:] + err[-2000:]
    return [line for line in out.splitlines() if "::" in line]


@pytest.mark.parametrize("paths", SUITES)
def test_two_shards_of_a_suite_together_run_each_of_its_tests_exactly_once(paths: tuple[str, ...]) -> None:
    runs = [
        _collect(paths),
        _collect(paths, "--splits", "2", "--group", "1"),
        _collect(paths, "--splits", "2", "--group", "2"),
    ]
    everything, first, second = (_ids(run) for run in runs)
    assert everything, f"nothing collected in {' '.join(paths)}"
    assert first and second, f"each shard of {' '.join(paths)} must get some tests"
    assert not set(first) & set(second), f"a test of {' '.join(paths)} ran in both shards: {sorted(set(first) & set(second))[:5]}"
    assert sorted(first + second) == sorted(everything), f"the shards together must cover the whole of {' '.join(paths)}"
