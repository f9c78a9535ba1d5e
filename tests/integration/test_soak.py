"""The soak in short (`make soak` runs it for minutes): mixed traffic against a real portal process gets no error."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder beside the installed packages, not one of them
    sys.path.insert(0, str(ROOT))

from benchmarks.soak import MAX_DURATION, main, soak  # noqa: E402


def test_mixed_traffic_against_a_real_portal_gets_no_error() -> None:
    report = soak(duration=12, warmup=4, workers=3, progress=lambda _line: None)

    assert report.errors == 0, report.error_kinds
    assert report.requests > 100
    # Every kind of work went round at least once, and the strangers were answered 401 or, once limited, 429.
    assert {"stranger sign-ins", "browsing sessions", "renewals", "mail reads"} <= set(report.work)
    assert report.statuses.get("POST 401", 0) + report.statuses.get("POST 429", 0) >= report.work["stranger sign-ins"]
    assert report.rss_start_mib > 0 and report.rss_end_mib > 0


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--duration", str(MAX_DURATION + 1)], "the soak is bounded"),
        (["--duration", "10", "--warmup", "10"], "less than --duration"),
        (["--workers", "0"], "at least 1"),
    ],
)
def test_out_of_range_options_are_refused_with_what_to_give(
    args: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(args)

    assert exited.value.code == 2 and complaint in capsys.readouterr().err
