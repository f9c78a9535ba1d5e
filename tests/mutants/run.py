"""Run the e2e suite against each portal mutant, `tests/mutants/NN-name.patch`, in a throwaway git worktree of HEAD.

A mutant is killed when an e2e test fails; one that survives is a rule the suite does not check where it shows, and
fails the run (exit 1), as does a patch that no longer applies or that touches anything outside `mock_portal/`.
Mutants are applied to the committed HEAD, never to the working tree: commit portal and suite changes first (the run
names uncommitted ones it leaves out). The patches themselves are read from this checkout.
"""

from __future__ import annotations

import argparse
import os
import shlex
import time
from collections.abc import Sequence

from tests.mutants.patches import find_mutants, load_killers, save_killers
from tests.mutants.suite import Result, run_baseline, run_mutant
from tests.mutants.worktree import git


def _line(result: Result) -> str:
    detail = "  ".join(filter(None, [result.test, result.message]))
    return f"{result.mutant.name:<44} {result.outcome:<8} {result.seconds:6.1f} s  {detail}"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.mutants",
        description="Run the e2e suite against each portal mutant (tests/mutants/NN-name.patch) in a throwaway "
        "worktree of HEAD; exit 1 if any survives, no longer applies or touches more than mock_portal/.",
    )
    parser.add_argument(
        "--only",
        default=os.environ.get("MUTANTS_ONLY", ""),
        metavar="NN[,NN]",
        help="run only these mutants, e.g. --only 03,11 (env MUTANTS_ONLY)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        default=os.environ.get("MUTANTS_KEEP", "") not in ("", "0"),
        help="keep each worktree with its pytest.log and junit.xml (env MUTANTS_KEEP=1); remove them with "
        "`git worktree remove --force <path>`",
    )
    parser.add_argument(
        "--pytest-args",
        default=os.environ.get("MUTANTS_PYTEST_ARGS", ""),
        metavar="ARGS",
        help="more pytest arguments, one shell-quoted string, e.g. --pytest-args='-k renew_one' (env MUTANTS_PYTEST_ARGS)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        default=os.environ.get("MUTANTS_FRESH", "") not in ("", "0"),
        help="ignore the tests that killed each mutant last time (tests/mutants/killers.json) and run the whole suite "
        "for every mutant (env MUTANTS_FRESH=1)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=float(os.environ.get("MUTANTS_TIMEOUT", "600")),
        metavar="SECONDS",
        help="stop one mutant's suite after this long and count it as a timeout (env MUTANTS_TIMEOUT; default 600)",
    )
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        default=os.environ.get("MUTANTS_NO_BASELINE", "") not in ("", "0"),
        help="skip the run of the unmutated suite that comes first (env MUTANTS_NO_BASELINE=1), e.g. to retry one mutant",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the mutants one after another (the suite already uses both workers) and print a line for each."""
    args = parse_args(argv)
    mutants = find_mutants({n.strip().zfill(2) for n in args.only.split(",") if n.strip()})
    pytest_args = shlex.split(args.pytest_args)
    if any(a.startswith("--base-url") for a in pytest_args):
        raise SystemExit("mutants: --base-url would test a running portal, not the mutant; the suite must start its own")
    head = git("rev-parse", "HEAD").stdout.strip()
    git("worktree", "prune", check=False)  # worktrees left by an interrupted run
    print(f"{len(mutants)} mutant(s) against HEAD {head[:10]}; one at a time, e2e suite -n 2 -x", flush=True)
    dirty = git("status", "--porcelain", "--", "mock_portal", "tests/e2e", "automation", "fixtures").stdout.splitlines()
    if dirty:
        shown = ", ".join(line[3:] for line in dirty[:6]) + (", …" if len(dirty) > 6 else "")
        print(f"note: not in this run (uncommitted; commit first to include them): {shown}", flush=True)
    started = time.monotonic()
    if not args.no_baseline:
        print("unmutated HEAD: the whole e2e suite first…", flush=True)
        failed = run_baseline(head, pytest_args, args.timeout, args.keep)
        if failed:
            print(f"the unmutated suite fails, so no mutant result would mean anything; fix it first: {failed}", flush=True)
            return 1
        print(f"unmutated HEAD: green in {time.monotonic() - started:.0f} s", flush=True)
    results: list[Result] = []
    killers = {} if args.fresh else load_killers()
    for mutant in mutants:
        killer = killers.get(mutant.name)
        print(f"{mutant.name:<44} running{f' {killer} first' if killer else ''}…", flush=True)
        result = run_mutant(mutant, head, pytest_args, args.timeout, args.keep, killer)
        results.append(result)
        print(_line(result), flush=True)
        if result.outcome == "killed":
            killers[mutant.name] = result.test
        else:
            killers.pop(mutant.name, None)
        save_killers(killers)
    counts = {o: sum(r.outcome == o for r in results) for o in ("killed", "timeout", "survived", "stale", "refused", "error")}
    summary = ", ".join(f"{n} {o}" for o, n in counts.items() if n)
    print(f"\n{summary or 'no mutants'} of {len(results)} in {time.monotonic() - started:.0f} s", flush=True)
    failing = [r for r in results if r.fails_run]
    for r in failing:
        advice = {
            "survived": "no e2e test failed: add a test for the rule its header names",
            "stale": "refresh the patch against HEAD",
            "refused": "a mutant may change only mock_portal/",
            "error": "the run itself went wrong",
            "timeout": f"the suite ran past {args.timeout:.0f} s: a mutant that hangs the portal is not caught either",
        }[r.outcome]
        print(f"  {r.mutant.name}: {r.outcome} — {advice}", flush=True)
    return 1 if failing else 0


if __name__ == "__main__":
    raise SystemExit(main())
