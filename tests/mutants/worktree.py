"""A throwaway git worktree of HEAD for one suite run, set up so that the worktree's portal and suite are the ones
imported, never this checkout's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Robustness and accessibility tests rarely kill a rule mutant: run them last, so a killed mutant dies sooner.
LAST = ("test_faults.py", "test_accessibility.py")
# Checked on disk, not trusted from the venv: the editable install points at the main checkout, so a wrong PYTHONPATH
# would silently test the unmutated portal.
WHICH_PORTAL = "import mock_portal, tests.e2e; print(mock_portal.__file__); print(list(tests.e2e.__path__)[0])"


def git(*args: str, cwd: Path = REPO, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run git in the main checkout (or `cwd`), capturing its output."""
    return subprocess.run(["git", *args], cwd=cwd, check=check, capture_output=True, text=True)


@contextmanager
def worktree(head: str, prefix: str, keep: bool) -> Iterator[tuple[Path, Path]]:
    """A throwaway worktree of `head` in a scratch folder: (scratch, tree); removed afterwards unless `keep`."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    tree = scratch / "tree"
    git("worktree", "add", "--detach", "--quiet", str(tree), head)
    try:
        yield scratch, tree
    finally:
        if keep:
            print(f"   kept {tree} (pytest.log and junit.xml beside it)", flush=True)
        else:
            git("worktree", "remove", "--force", str(tree), check=False)
            shutil.rmtree(scratch, ignore_errors=True)


def worktree_env(tree: Path) -> tuple[dict[str, str], str | None]:
    """The environment that makes the worktree's code the one imported, and what is wrong if it still isn't."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tree), os.environ.get("PYTHONPATH")]))}
    env.pop("PYTEST_ADDOPTS", None)  # e.g. a --base-url there would test some other portal, not this mutant
    where = subprocess.run([sys.executable, "-c", WHICH_PORTAL], cwd=tree, env=env, capture_output=True, text=True)
    if where.returncode or not all(Path(p).is_relative_to(tree) for p in where.stdout.split()):
        return env, f"the worktree's code is not the one imported: {f'{where.stdout}{where.stderr}'.strip()}"
    return env, None


def _rules_first(test_file: Path) -> tuple[int, str]:
    return (LAST.index(test_file.name) + 1 if test_file.name in LAST else 0, test_file.name)


def suite_files(tree: Path) -> list[str]:
    """The e2e modules, rule tests first."""
    return [str(f.relative_to(tree)) for f in sorted((tree / "tests" / "e2e").glob("test_*.py"), key=_rules_first)]
