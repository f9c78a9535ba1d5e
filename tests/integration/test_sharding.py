"""Two shards of the suite (pytest-split) together run every test exactly once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _collect(*args: str) -> subprocess.Popen[str]:
    """Start collecting the test ids pytest would run with these arguments (nothing runs)."""
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-n", "0", *args, "tests"]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _ids(collecting: subprocess.Popen[str]) -> list[str]:
    out, err = collecting.communicate(timeout=600)
    assert collecting.returncode == 0, out[-2000:] + err[-2000:]
    return [line for line in out.splitlines() if "::" in line]


def test_two_shards_together_run_every_test_exactly_once() -> None:
    runs = [_collect(), _collect("--splits", "2", "--group", "1"), _collect("--splits", "2", "--group", "2")]
    everything, first, second = (_ids(run) for run in runs)
    assert first and second, "each shard must get some tests"
    assert not set(first) & set(second), "a test ran in both shards"
    assert sorted(first + second) == sorted(everything), "the shards together must cover the whole suite"
