"""`make bench` still runs: part 4 (portal server time) at tiny sizes through the same functions, and its results files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder beside the installed packages, not one of them
    sys.path.insert(0, str(ROOT))

from benchmarks import report, server_time  # noqa: E402


@pytest.mark.usefixtures("portal_env")
def test_server_time_bench_times_every_page_and_writes_json_markdown_and_chart(tmp_path: Path) -> None:
    part = server_time.measure(runs=2, list_sizes=(3, 12), bulk_size=6, folder=tmp_path)

    keys = [f.key for f in part.figures]
    assert keys == ["list_3", "list_12", "list_12_status", "list_12_csn", "list_12_q", "bulk_6"]
    assert all(f.value > 0 and len(f.samples) == 2 and f.load_before and f.load_after for f in part.figures)
    assert all(f.target is None for f in part.figures), "the 100 ms target is for a 10,000-subscription list only"
    assert set(part.details["profiles"]) >= {"list_12"}, "the target's page is profiled as evidence"
    run = {"finished_at": "now", "quick": True, "seconds": 1.0, "machine": {"cores": 2, "processor": "cpu",
           "platform": "linux", "python": "3"}, "load_before": [0.0] * 3, "load_after": [0.0] * 3}  # fmt: skip
    report.write_json(tmp_path / "results.json", [part], run)
    report.write_markdown(tmp_path / "results.md", [part], run)

    assert json.loads((tmp_path / "results.json").read_text())["parts"][0]["figures"][0]["key"] == "list_3"
    assert "| subscriptions page, 12 subscriptions |" in (tmp_path / "results.md").read_text()
    assert report.write_chart(tmp_path / "chart.png", [part])
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
