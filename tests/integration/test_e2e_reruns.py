"""The e2e suite's reruns (pytest-rerunfailures, --reruns N / RENEWALS_E2E_RETRIES): a test that fails once then passes
is run again, reported as rerun and named as flaky, with its own artifact folder per attempt.

Each case runs pytest in a subprocess on a generated e2e-like test with tests/e2e/conftest.py loaded as a plugin, so
the suite's own hooks (the env twin, the JUnit property, the flaky summary) are the ones judged.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
E2E = ROOT / "tests" / "e2e"

# Fails on its first attempt only (the marker file survives between attempts), and writes down the folder
# pytest-playwright gives each attempt's artifacts.
FLAKY_TEST = '''
from pathlib import Path


def test_fails_once_then_passes(output_path):
    here = Path(__file__).parent
    with (here / "output_paths.txt").open("a") as paths:
        paths.write(output_path + "\\n")
    marker = here / "attempted"
    if not marker.exists():
        marker.touch()
        raise AssertionError("the first attempt fails")
'''


def _run(tmp_path: Path, *args: str, retries_env: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run pytest on the generated flaky test with the e2e conftest as a plugin; JUnit XML goes to tmp_path."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # this folder is the rootdir: none of the repo's addopts
    (tmp_path / "test_flaky.py").write_text(FLAKY_TEST)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "RENEWALS_E2E_RETRIES"))}
    # tests/e2e imports its sibling modules by name (pytest's default rootdir-relative import), so put it on the path.
    env["PYTHONPATH"] = os.pathsep.join([str(E2E), str(ROOT)])
    if retries_env is not None:
        env["RENEWALS_E2E_RETRIES"] = retries_env
    command = [sys.executable, "-m", "pytest", "test_flaky.py", "-p", "conftest", "-p", "no:cacheprovider"]
    command += ["--junitxml", "junit.xml", *args]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    ("args", "retries_env"),
    [
        pytest.param(["--reruns", "1"], None, id="--reruns"),
        pytest.param(["-n", "1"], "1", id="RENEWALS_E2E_RETRIES-under-xdist"),
    ],
)
def test_a_test_that_fails_once_is_rerun_and_named_flaky(tmp_path: Path, args: list[str], retries_env: str | None) -> None:
    run = _run(tmp_path, *args, retries_env=retries_env)
    out = run.stdout + run.stderr
    assert run.returncode == 0, f"a test that passes on its rerun must pass the run:\n{out[-3000:]}"
    assert "1 passed, 1 rerun" in out, f"pytest-rerunfailures must count the failed attempt as a rerun:\n{out[-3000:]}"
    assert "e2e tests that passed only on a rerun (flaky)" in out, out[-3000:]
    assert "test_flaky.py::test_fails_once_then_passes (failed 1 time(s) first)" in out, out[-3000:]

    # JUnit XML keeps an empty testcase for the rerun attempt, then the final one.
    cases = ET.parse(tmp_path / "junit.xml").findall(".//testcase[@name='test_fails_once_then_passes']")
    assert cases, (tmp_path / "junit.xml").read_text()
    assert all(case.find("failure") is None for case in cases), "a passing rerun must leave no failure in JUnit XML"
    properties = [(p.get("name"), p.get("value")) for p in cases[-1].iter("property")]
    assert properties == [("e2e_failed_attempts", "1")], f"the JUnit testcase must say it failed once first: {properties}"

    first, second = (tmp_path / "output_paths.txt").read_text().splitlines()
    assert second == f"{first}-retry1", "pytest-playwright must keep each attempt's artifacts in its own folder"


def test_without_reruns_a_flaky_test_fails_the_run(tmp_path: Path) -> None:
    run = _run(tmp_path)
    out = run.stdout + run.stderr
    assert run.returncode == 1, f"reruns are opt-in (a flaky test is a bug):\n{out[-3000:]}"
    assert "1 failed" in out and "rerun" not in out.splitlines()[-1], out[-3000:]


def test_a_retry_count_that_is_not_a_number_is_refused_naming_the_variable(tmp_path: Path) -> None:
    run = _run(tmp_path, retries_env="two")
    out = run.stdout + run.stderr
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, out[-3000:]
    assert "RENEWALS_E2E_RETRIES='two' is not a whole number" in out, out[-3000:]
