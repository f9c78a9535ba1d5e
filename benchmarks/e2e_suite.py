"""Part 3: the e2e suite's wall time with one xdist worker and with two, each run once (the suite takes minutes)."""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import Figure, Part, Target, load

ROOT = Path(__file__).resolve().parents[1]
SPEEDUP_TARGET = Target(">=", 1.6, "×")
QUICK_PATHS = ("tests/e2e/test_manual_payment.py", "tests/e2e/test_reminder_link.py")  # three short tests
_COUNTS = re.compile(r"(\d+) (passed|failed|error|errors|skipped|xfailed|xpassed|rerun)")


@dataclass(frozen=True)
class SuiteRun:
    """One run of the suite: its wall time, whether it finished before its time limit, and pytest's counts."""

    workers: int
    seconds: float
    finished: bool
    returncode: int | None
    counts: dict[str, int]
    load_before: list[float]
    load_after: list[float]
    summary: str
    cpu_seconds: float  # user + system time of pytest, its workers, the driver and the browsers

    @property
    def cores_used(self) -> float:
        """CPU seconds per wall second: how many cores the run actually got on average."""
        return self.cpu_seconds / self.seconds if self.seconds else 0.0


def run_suite(workers: int, time_limit: float, paths: tuple[str, ...] = ("tests/e2e",)) -> SuiteRun:
    """`python -m pytest <paths> -q -p no:cacheprovider -n <workers>`, stopped after `time_limit` seconds.

    Failure artifacts go to a scratch folder: pytest-playwright empties its --output folder when a run starts, and
    test-results/ in the work tree may be someone else's evidence."""
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as scratch:
        command = [sys.executable, "-m", "pytest", *paths, "-q", "-p", "no:cacheprovider", "-n", str(workers),
                   "--output", scratch]  # fmt: skip
        before = load()
        cpu = _children_cpu()
        started = time.perf_counter()
        # Its own process group, so a run stopped at its limit takes its xdist workers and browsers with it.
        with subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
        ) as proc:
            try:
                output, _ = proc.communicate(timeout=time_limit)
                finished = True
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                output, _ = proc.communicate()
                finished = False
        seconds = time.perf_counter() - started
        cpu = _children_cpu() - cpu
    lines = [line for line in output.strip().splitlines() if line.strip()]
    summary = lines[-1] if lines else ""
    counts = {kind: int(n) for n, kind in _COUNTS.findall(summary)} if finished else {}
    return SuiteRun(workers, seconds, finished, proc.returncode if finished else None, counts, before, load(), summary, cpu)


def _children_cpu() -> float:
    """CPU seconds used so far by this process's finished children (and theirs, once reaped)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(time_limit: float, quick: bool = False) -> Part:
    """Part 3: `-n 2` first, then `-n 1` in what is left of `time_limit`.

    If `-n 1` is stopped at its limit, its time is only known to be longer, so the speedup is a lower bound."""
    part = Part(3, "e2e suite: -n 1 vs -n 2 (one run each)", load_before=load())
    started = time.perf_counter()
    paths = QUICK_PATHS if quick else ("tests/e2e",)
    two = run_suite(2, time_limit * 0.4, paths)  # -n 1 should take about twice as long
    one = run_suite(1, max(30.0, time_limit - (time.perf_counter() - started)), paths)
    speedup = one.seconds / two.seconds
    bound = "" if one.finished else f"lower bound: -n 1 was stopped at {one.seconds:.0f} s"
    for run in (one, two):
        part.figures.append(
            Figure(
                f"e2e_n{run.workers}_s", f"e2e suite -n {run.workers}", run.seconds, "s", [run.seconds], None,
                run.load_before, run.load_after,
                # A stopped run's workers die unreaped, so its CPU time is not known.
                note=f"{_counts(run)}; {run.cores_used:.2f} cores used" if run.finished
                else f"stopped at its {run.seconds:.0f} s limit",
                lower_bound=not run.finished,
            )
        )  # fmt: skip
    if not two.finished:
        part.note = (
            f"speedup not measured: -n 2 did not finish within its {two.seconds:.0f} s share of the budget "
            "(rerun with a larger --budget, or --only 3, on a quieter machine)"
        )
    else:
        part.figures.append(
            Figure("e2e_speedup", "e2e speedup -n 2 vs -n 1", speedup, "×", [], SPEEDUP_TARGET, one.load_before,
                   two.load_after, note=bound, lower_bound=not one.finished)
        )  # fmt: skip
    part.details = {
        "paths": list(paths),
        "runs": "one run each; the suite takes minutes",
        "summaries": {f"-n {r.workers}": r.summary for r in (one, two)},
        "returncodes": {f"-n {r.workers}": r.returncode for r in (one, two)},
        "cpu_seconds": {f"-n {r.workers}": round(r.cpu_seconds, 1) for r in (one, two) if r.finished},
        # About the same for both: the second worker found no free core (other processes held them).
        "cores_used": {f"-n {r.workers}": round(r.cores_used, 2) for r in (one, two) if r.finished},
    }
    part.seconds = time.perf_counter() - started
    part.load_after = load()
    return part


def _counts(run: SuiteRun) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in run.counts.items()) or run.summary
