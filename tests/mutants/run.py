"""Run the e2e suite against each portal mutant, `tests/mutants/NN-name.patch`, in a throwaway git worktree of HEAD.

A mutant is killed when an e2e test fails; one that survives is a rule the suite does not check where it shows, and
fails the run (exit 1), as does a patch that no longer applies or that touches anything outside `mock_portal/`.
Mutants are applied to the committed HEAD, never to the working tree: commit portal and suite changes first (the run
names uncommitted ones it leaves out). The patches themselves are read from this checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MUTANTS_DIR = Path(__file__).resolve().parent
REPO = MUTANTS_DIR.parents[1]
PATCH_NAME = re.compile(r"^(\d{2})-[a-z0-9-]+\.patch$")
MUTABLE = "mock_portal/"
# Stop at the first failure, and hand tests to the workers one at a time so that, once one fails, each worker has at
# most the test it is running left to finish: a killed mutant costs little more than its first failing test.
PYTEST = ["-n", "2", "-x", "--maxschedchunk", "1", "-q", "-p", "no:cacheprovider"]
PYTEST += ["--video", "off", "--tracing", "off", "--screenshot", "off"]
ONE_TEST = ["-n", "0", "-q", "-p", "no:cacheprovider", "--video", "off", "--tracing", "off", "--screenshot", "off"]
# Kept beside the patches and committed, so a fresh clone's first `make mutants` tries each mutant's killer first too.
KILLERS = Path(__file__).with_name("killers.json")
# Robustness and accessibility tests rarely kill a rule mutant: run them last, so a killed mutant dies sooner.
LAST = ("test_faults.py", "test_accessibility.py")
# Checked on disk, not trusted from the venv: the editable install points at the main checkout, so a wrong PYTHONPATH
# would silently test the unmutated portal.
WHICH_PORTAL = "import mock_portal, tests.e2e; print(mock_portal.__file__); print(list(tests.e2e.__path__)[0])"


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


def _git(*args: str, cwd: Path = REPO, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, check=check, capture_output=True, text=True)


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


def _first_failure(junit: Path) -> tuple[str, str]:
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


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the pytest run and everything it started (workers, browsers, the portal): it leads its own session."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def _pytest(tree: Path, env: dict[str, str], args: Sequence[str], log: Path, timeout: float) -> int | None:
    """Run pytest in the worktree; its exit code, or None when it ran past `timeout` (then it is stopped)."""
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "pytest", *args], cwd=tree, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(process)
            return None
        except KeyboardInterrupt:  # Ctrl-C reaches only this process: pytest leads its own session
            _stop(process)
            raise


def _rules_first(test_file: Path) -> tuple[int, str]:
    return (LAST.index(test_file.name) + 1 if test_file.name in LAST else 0, test_file.name)


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
    with _worktree(head, f"mutant-{mutant.number}-", keep) as (scratch, tree):
        applied = _git("apply", str(mutant.path), cwd=tree, check=False)
        if applied.returncode:
            why = applied.stderr.strip().splitlines()[0] if applied.stderr.strip() else "git apply failed"
            return Result(
                mutant, "stale", 0.0, message=f"does not apply to HEAD ({why}); refresh it: see README, Mutation testing"
            )
        env, problem = _env(tree)
        if problem:
            return Result(mutant, "error", 0.0, message=problem)
        started = time.monotonic()
        log = scratch / "pytest.log"
        if killer:
            junit = scratch / "junit-killer.xml"
            code = _pytest(tree, env, [killer, *ONE_TEST, "--junitxml", str(junit), *pytest_args], log, timeout)
            test, message = _first_failure(junit)
            if code == 1 and test:
                return Result(mutant, "killed", time.monotonic() - started, test, message)
        junit = scratch / "junit.xml"
        code = _pytest(tree, env, [*_suite(tree), *PYTEST, "--junitxml", str(junit), *pytest_args], log, timeout)
        seconds = time.monotonic() - started
        if code is None:
            return Result(mutant, "timeout", seconds, message=f"the suite ran past {timeout:.0f} s")
        test, message = _first_failure(junit)
        if code == 0:
            return Result(mutant, "survived", seconds)
        if test:
            return Result(mutant, "killed", seconds, test, message)
        tail = log.read_text(errors="replace").strip().splitlines()[-1:] or [""]
        return Result(mutant, "error", seconds, message=f"pytest exited {code} with no failed test: {tail[0][:160]}")


@contextmanager
def _worktree(head: str, prefix: str, keep: bool) -> Iterator[tuple[Path, Path]]:
    """A throwaway worktree of `head` in a scratch folder: (scratch, tree); removed afterwards unless `keep`."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    tree = scratch / "tree"
    _git("worktree", "add", "--detach", "--quiet", str(tree), head)
    try:
        yield scratch, tree
    finally:
        if keep:
            print(f"   kept {tree} (pytest.log and junit.xml beside it)", flush=True)
        else:
            _git("worktree", "remove", "--force", str(tree), check=False)
            shutil.rmtree(scratch, ignore_errors=True)


def _env(tree: Path) -> tuple[dict[str, str], str | None]:
    """The environment that makes the worktree's code the one imported, and what is wrong if it still isn't."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tree), os.environ.get("PYTHONPATH")]))}
    env.pop("PYTEST_ADDOPTS", None)  # e.g. a --base-url there would test some other portal, not this mutant
    where = subprocess.run([sys.executable, "-c", WHICH_PORTAL], cwd=tree, env=env, capture_output=True, text=True)
    if where.returncode or not all(Path(p).is_relative_to(tree) for p in where.stdout.split()):
        return env, f"the worktree's code is not the one imported: {f'{where.stdout}{where.stderr}'.strip()}"
    return env, None


def _suite(tree: Path) -> list[str]:
    """The e2e modules, rule tests first."""
    return [str(f.relative_to(tree)) for f in sorted((tree / "tests" / "e2e").glob("test_*.py"), key=_rules_first)]


def run_baseline(head: str, pytest_args: Sequence[str], timeout: float, keep: bool) -> str | None:
    """Run the whole e2e suite on unmutated HEAD; None when green, else what failed. A kill means nothing while the
    unmutated suite fails (a broken HEAD, a flaky test or a missing browser would "kill" every mutant)."""
    with _worktree(head, "mutant-baseline-", keep) as (scratch, tree):
        env, problem = _env(tree)
        if problem:
            return problem
        junit, log = scratch / "junit.xml", scratch / "pytest.log"
        code = _pytest(tree, env, [*_suite(tree), *PYTEST, "--junitxml", str(junit), *pytest_args], log, timeout)
        if code is None:
            return f"the suite ran past {timeout:.0f} s"
        if code:
            test, message = _first_failure(junit)
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] or [""]
            return f"{test}: {message}" if test else f"pytest exited {code}: {tail[0][:160]}"
        return None


def load_killers() -> dict[str, str]:
    """The test that last killed each mutant (tests/mutants/killers.json; a stale entry only costs a whole-suite run)."""
    try:
        found = json.loads(KILLERS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(found, dict) else {}


def save_killers(killers: dict[str, str]) -> None:
    KILLERS.parent.mkdir(parents=True, exist_ok=True)
    KILLERS.write_text(json.dumps(dict(sorted(killers.items())), indent=1) + "\n", encoding="utf-8")


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
    head = _git("rev-parse", "HEAD").stdout.strip()
    _git("worktree", "prune", check=False)  # worktrees left by an interrupted run
    print(f"{len(mutants)} mutant(s) against HEAD {head[:10]}; one at a time, e2e suite -n 2 -x", flush=True)
    dirty = _git("status", "--porcelain", "--", "mock_portal", "tests/e2e", "automation", "fixtures").stdout.splitlines()
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
