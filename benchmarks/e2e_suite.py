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
    cpu_seconds: float  # user + system time of pytest and the children it reaped (not the browsers' own)
    machine_busy: float | None  # share of all cores busy during the run (/proc/stat; None off Linux)

    @property
    def cores_used(self) -> float:
        """Cores kept busy on average: the machine's busy share (which counts the browsers, whose CPU time doesn't
        come back to pytest) times its cores; from pytest's own children where /proc/stat is missing."""
        if self.machine_busy is not None:
            return self.machine_busy * (os.cpu_count() or 1)
        return self.cpu_seconds / self.seconds if self.seconds else 0.0


def run_suite(workers: int, time_limit: float, paths: tuple[str, ...] = ("tests/e2e",)) -> SuiteRun:
    """`python -m pytest <paths> -q -p no:cacheprovider -n <workers>`, stopped after `time_limit` seconds.

    Failure artifacts go to a scratch folder: pytest-playwright empties its --output folder when a run starts, and
    test-results/ in the work tree may be someone else's evidence."""
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as scratch:
        command = [sys.executable, "-m", "pytest", *paths, "-q", "-p", "no:cacheprovider", "-n", str(workers),
                   "--output", scratch]  # fmt: skip
        before = load()
        cpu, machine = _children_cpu(), _machine_cpu()
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
        machine_after = _machine_cpu()
        busy = None
        if machine is not None and machine_after is not None and machine_after[1] > machine[1]:
            busy = (machine_after[0] - machine[0]) / (machine_after[1] - machine[1])
    lines = [line for line in output.strip().splitlines() if line.strip()]
    summary = lines[-1] if lines else ""
    counts = {kind: int(n) for n, kind in _COUNTS.findall(summary)} if finished else {}
    return SuiteRun(
        workers, seconds, finished, proc.returncode if finished else None, counts, before, load(), summary, cpu, busy
    )


def _machine_cpu() -> tuple[int, int] | None:
    """(busy, total) CPU ticks of the whole machine so far, from /proc/stat; None where there is none."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]) - idle, sum(fields[:8])


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
    if one.finished and one.cores_used:
        # A second worker can only use the cores the first leaves idle: with -n 1 already using c of the machine's
        # cores, -n 2 is at most (cores / c) times faster, however well the tests are spread.
        cores = min(2, os.cpu_count() or 1)
        bound = f"-n 1 used {one.cores_used:.2f} of {cores} cores: the most -n 2 can gain is {cores / one.cores_used:.2f}×"
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
        # How many cores each run kept busy on average: -n 1 near the core count leaves -n 2 little to gain.
        "cores_used": {f"-n {r.workers}": round(r.cores_used, 2) for r in (one, two) if r.finished},
    }
    part.seconds = time.perf_counter() - started
    part.load_after = load()
    return part


def _counts(run: SuiteRun) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in run.counts.items()) or run.summary
