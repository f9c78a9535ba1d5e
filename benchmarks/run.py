"""`make bench`: measure the harness against its targets and write benchmarks/results.json, results.md, chart.png.

    python -m benchmarks.run [--quick] [--only 1,2,4] [--out DIR] [--budget SECONDS]

Parts: 1 single renewal vs the browser's floor; 2 bulk renewal of 1–100; 3 the e2e suite with -n 1 and -n 2;
4 portal server time for large accounts; 5 email latency. Everything runs on loopback with free ports."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

if __package__ in (None, ""):  # run as `python benchmarks/run.py`: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import browser_flows, e2e_suite, email_latency, report, server_time
from benchmarks.common import Part, load, machine

PARTS = (1, 2, 3, 4, 5)
DEFAULT_BUDGET = 540.0  # `make bench` < 10 minutes with its setup; the e2e suite gets what the other parts leave


class Plan:
    """How many runs and how big, for a full run or a quick smoke run."""

    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.single_runs = 1 if quick else 7
        self.bulk_runs = 1 if quick else 3
        self.bulk_sizes = (1, 10) if quick else browser_flows.BULK_SIZES
        self.server_runs = 3 if quick else 9
        self.list_sizes = (10, 200) if quick else server_time.LIST_SIZES
        self.bulk_page_size = 300 if quick else server_time.BULK_SIZE
        self.checkouts = 5 if quick else 30


def parse_only(text: str) -> set[int]:
    """`--only 1,2,4` → {1, 2, 4}; anything else is an error naming the allowed parts."""
    try:
        wanted = {int(x) for x in text.split(",") if x.strip()}
    except ValueError:
        wanted = set()
    if not wanted or not wanted <= set(PARTS):
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of parts; use numbers from 1 to 5, e.g. --only 1,4")
    return wanted


def code_version() -> dict[str, object]:
    """The commit measured, and the files of the portal, harness and tests that differed from it (work in progress)."""
    root = Path(__file__).resolve().parents[1]

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.TimeoutExpired):
            return ""

    changed = git("status", "--porcelain", "--", "mock_portal", "automation", "tests")
    return {"commit": git("rev-parse", "HEAD").strip(), "uncommitted": [line[3:] for line in changed.splitlines()]}


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _guarded(number: int, title: str, measure: Callable[[], list[Part]]) -> list[Part]:
    """Run a part; a failure is reported as that part's error and the other parts still run."""
    _say(f"[bench] part {number}: {title} … (load {load()[0]:.1f})")
    started = time.perf_counter()
    try:
        parts = measure()
    except Exception as error:  # noqa: BLE001 — one broken part must not lose the others' figures
        traceback.print_exc()
        part = Part(number, title, load_before=load(), load_after=load(), error=f"{type(error).__name__}: {error}")
        part.seconds = time.perf_counter() - started
        return [part]
    _say(f"[bench] part {number} done in {time.perf_counter() - started:.0f} s")
    return parts


def main(argv: list[str] | None = None) -> int:
    """Run the chosen parts, write the results and print the table; exit 1 only when a part broke (a missed target
    is a finding, reported in the table, not a failure of the run)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller sizes: a smoke test")
    parser.add_argument("--only", type=parse_only, default=set(PARTS), metavar="1,2,…", help="run only these parts")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="where the results go")
    parser.add_argument("--budget", type=float, default=DEFAULT_BUDGET, metavar="SECONDS",
                        help="the whole run's time; the e2e suite gets what is left (default %(default)g)")  # fmt: skip
    args = parser.parse_args(argv)
    plan = Plan(args.quick)
    started, load_before = time.perf_counter(), load()
    parts: list[Part] = []

    # In-process server time first, while no browser of ours is running; the e2e suite last, on the time left.
    if 4 in args.only:
        parts += _guarded(4, "portal server time", lambda: [
            server_time.measure(plan.server_runs, plan.list_sizes, plan.bulk_page_size)
        ])  # fmt: skip
    if args.only & {1, 2, 5}:

        def on_one_stack() -> list[Part]:
            done: list[Part] = []
            with browser_flows.harness() as h:
                if 1 in args.only:
                    done += _guarded(1, "single renewal vs floor", lambda: [browser_flows.single_renewal(h, plan.single_runs)])
                if 2 in args.only:
                    done += _guarded(2, "bulk renewal", lambda: [
                        browser_flows.bulk_renewal(h, plan.bulk_runs, plan.bulk_sizes)
                    ])  # fmt: skip
                if 5 in args.only:
                    assert h.stack.mail_api_url is not None
                    done += _guarded(5, "email latency", lambda: [
                        email_latency.measure(h.base_url, h.stack.mail_api_url or "", plan.checkouts)
                    ])  # fmt: skip
            return done

        parts += on_one_stack()
    if 3 in args.only:
        left = args.budget - (time.perf_counter() - started)
        parts += _guarded(3, "e2e suite", lambda: [e2e_suite.measure(max(60.0, left), quick=plan.quick)])

    parts.sort(key=lambda p: p.number)
    run = {
        "finished_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "quick": plan.quick,
        "parts_run": sorted(args.only),
        "seconds": round(time.perf_counter() - started, 1),
        "budget_seconds": args.budget,
        "machine": machine(),
        "code": code_version(),
        "load_before": load_before,
        "load_after": load(),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    report.write_json(args.out / "results.json", parts, run)
    report.write_markdown(args.out / "results.md", parts, run)
    charted = report.write_chart(args.out / "chart.png", parts)
    print(report.table(parts))
    print(f"\n{run['seconds']:.0f} s on {run['machine']['cores']} cores; load average {load_before} → {run['load_after']}")
    print(f"wrote {args.out / 'results.json'}, {args.out / 'results.md'}" + (f", {args.out / 'chart.png'}" if charted else ""))
    broken = [p for p in parts if p.error]
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
