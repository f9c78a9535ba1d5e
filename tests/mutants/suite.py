"""One e2e suite run in a worktree of HEAD, with a mutant applied or none, judged from pytest's exit code and JUnit XML."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.mutants.patches import MUTABLE, Mutant
from tests.mutants.worktree import git, suite_files, worktree, worktree_env

# Stop at the first failure, and hand tests to the workers one at a time so that, once one fails, each worker has at
# most the test it is running left to finish: a killed mutant costs little more than its first failing test.
PYTEST = ["-n", "2", "-x", "--maxschedchunk", "1", "-q", "-p", "no:cacheprovider"]
PYTEST += ["--video", "off", "--tracing", "off", "--screenshot", "off"]
ONE_TEST = ["-n", "0", "-q", "-p", "no:cacheprovider", "--video", "off", "--tracing", "off", "--screenshot", "off"]


@dataclass(frozen=True)
class Result:
    """What the suite did to one mutant."""

    mutant: Mutant
    outcome: str  # killed | survived | timeout | stale | refused | error
    seconds: float
    test: str = ""
    message: str = ""

    @property
    def fails_run(self) -> bool:
        return self.outcome != "killed"


def first_failure(junit: Path) -> tuple[str, str]:
    """The first failed or errored test in the JUnit XML, as a node id, and the first line of its message."""
    if not junit.exists():
        return "", ""
    for case in ET.parse(junit).iter("testcase"):
        for verdict in ("failure", "error"):
            found = case.find(verdict)
            if found is not None:
                module = case.get("classname", "").replace(".", "/")
                node = f"{module}.py::{case.get('name')}"
                text = found.get("message") or (found.text or "")
                return node, text.strip().splitlines()[0][:160] if text.strip() else verdict
    return "", ""


def stop(process: subprocess.Popen[bytes]) -> None:
    """End the pytest run and everything it started (workers, browsers, the portal): it leads its own session."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def run_pytest(tree: Path, env: dict[str, str], args: Sequence[str], log: Path, timeout: float) -> int | None:
    """Run pytest in the worktree; its exit code, or None when it ran past `timeout` (then it is stopped)."""
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "pytest", *args], cwd=tree, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop(process)
            return None
        except KeyboardInterrupt:  # Ctrl-C reaches only this process: pytest leads its own session
            stop(process)
            raise


def run_mutant(
    mutant: Mutant, head: str, pytest_args: Sequence[str], timeout: float, keep: bool, killer: str | None
) -> Result:
    """Apply one mutant to a fresh worktree of `head` and run the e2e suite there.

    `killer`, the test that killed this mutant last time, runs alone first: most mutants die again at once, and only
    the others pay for the whole suite (xdist hands tests out in file order, so a late file's test waits for the rest)."""
    outside = [p for p in mutant.touched() if not p.startswith(MUTABLE)]
    if not mutant.touched() or outside:
        what = ", ".join(outside) if outside else "no file at all"
        return Result(mutant, "refused", 0.0, message=f"a mutant may change only {MUTABLE}; this one changes {what}")
    with worktree(head, f"mutant-{mutant.number}-", keep) as (scratch, tree):
        applied = git("apply", str(mutant.path), cwd=tree, check=False)
        if applied.returncode:
            why = applied.stderr.strip().splitlines()[0] if applied.stderr.strip() else "git apply failed"
            return Result(
                mutant, "stale", 0.0, message=f"does not apply to HEAD ({why}); refresh it: see README, Mutation testing"
            )
        env, problem = worktree_env(tree)
        if problem:
            return Result(mutant, "error", 0.0, message=problem)
        started = time.monotonic()
        log = scratch / "pytest.log"
        if killer:
            junit = scratch / "junit-killer.xml"
            code = run_pytest(tree, env, [killer, *ONE_TEST, "--junitxml", str(junit), *pytest_args], log, timeout)
            test, message = first_failure(junit)
            if code == 1 and test:
                return Result(mutant, "killed", time.monotonic() - started, test, message)
        junit = scratch / "junit.xml"
        code = run_pytest(tree, env, [*suite_files(tree), *PYTEST, "--junitxml", str(junit), *pytest_args], log, timeout)
        seconds = time.monotonic() - started
        if code is None:
            return Result(mutant, "timeout", seconds, message=f"the suite ran past {timeout:.0f} s")
        test, message = first_failure(junit)
        if code == 0:
            return Result(mutant, "survived", seconds)
        if test:
            return Result(mutant, "killed", seconds, test, message)
        tail = log.read_text(errors="replace").strip().splitlines()[-1:] or [""]
        return Result(mutant, "error", seconds, message=f"pytest exited {code} with no failed test: {tail[0][:160]}")


def run_baseline(head: str, pytest_args: Sequence[str], timeout: float, keep: bool) -> str | None:
    """Run the whole e2e suite on unmutated HEAD; None when green, else what failed. A kill means nothing while the
    unmutated suite fails (a broken HEAD, a flaky test or a missing browser would "kill" every mutant)."""
    with worktree(head, "mutant-baseline-", keep) as (scratch, tree):
        env, problem = worktree_env(tree)
        if problem:
            return problem
        junit, log = scratch / "junit.xml", scratch / "pytest.log"
        code = run_pytest(tree, env, [*suite_files(tree), *PYTEST, "--junitxml", str(junit), *pytest_args], log, timeout)
        if code is None:
            return f"the suite ran past {timeout:.0f} s"
        if code:
            test, message = first_failure(junit)
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] or [""]
            return f"{test}: {message}" if test else f"pytest exited {code}: {tail[0][:160]}"
        return None
