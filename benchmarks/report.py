"""Write what a benchmark run measured: results.json (everything), results.md (the table) and chart.png."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.common import Figure, Part

MET = {True: "yes", False: "**no**", None: "—"}


def table(parts: list[Part]) -> str:
    """The Markdown table: measure, value, target, met?, and the 1-minute load average while measured."""
    lines = ["| measure | value | target | met? | load 1-min before → after | note |", "| --- | ---: | --- | --- | --- | --- |"]
    for part in parts:
        lines.append(f"| **{part.number}. {part.title}** | | | | | {part.error or part.note} |")
        for f in part.figures:
            target = str(f.target) if f.target else ""
            loads = f"{f.load_before[0]:.1f} → {f.load_after[0]:.1f}" if f.load_before and f.load_after else ""
            lines.append(f"| {f.measure} | {f.shown()} | {target} | {MET[f.met]} | {loads} | {_note(f)} |")
    return "\n".join(lines)


def _note(f: Figure) -> str:
    note = f.note
    if f.met is False and f.target is not None:
        note = "; ".join(x for x in (f"misses: {f.target.by_how_much(f.value)}", note) if x)
    if len(f.samples) > 1:
        note = "; ".join(x for x in (note, f"{len(f.samples)} runs") if x)
    return note.replace("|", "\\|")


def misses(parts: list[Part]) -> list[Figure]:
    """Every figure that misses its target."""
    return [f for part in parts for f in part.figures if f.met is False]


def write_json(path: Path, parts: list[Part], run: dict[str, Any]) -> None:
    """results.json: every figure with its samples, target and load, each part's breakdown, and the run's context."""
    data = {
        **run,
        "targets_met": sum(1 for p in parts for f in p.figures if f.met is True),
        "targets_missed": [f.key for f in misses(parts)],
        "parts": [
            {
                "number": p.number,
                "title": p.title,
                "seconds": round(p.seconds, 1),
                "load_before": p.load_before,
                "load_after": p.load_after,
                "error": p.error,
                "note": p.note,
                "figures": [f.to_json() for f in p.figures],
                "details": p.details,
            }
            for p in parts
        ],
    }
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")


def write_markdown(path: Path, parts: list[Part], run: dict[str, Any]) -> None:
    """results.md: the machine and load, the table, and the breakdowns that explain the misses."""
    m = run["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Measured {run['finished_at']} on {m['cores']} cores ({m['processor']}), {m['platform']}, Python {m['python']}; "
        f"{'quick run' if run['quick'] else 'full run'} in {run['seconds']:.0f} s, at commit "
        f"{str(run.get('code', {}).get('commit', ''))[:10]}"
        + (
            f" with uncommitted changes in {', '.join(run['code']['uncommitted'])}"
            if run.get("code", {}).get("uncommitted")
            else ""
        )
        + ".",
        f"Load average (1, 5, 15 min) before: {_loads(run['load_before'])}; after: {_loads(run['load_after'])}. "
        "Every figure is a median of its runs unless it says otherwise; the load beside it is the 1-minute average "
        "around its measurement. Figures taken under a load above the core count are slowed by other processes.",
        "",
        table(parts),
        "",
    ]
    for part in parts:
        if part.details:
            lines += [f"## {part.number}. {part.title}", "", _details(part.details), ""]
    path.write_text("\n".join(lines))


def _loads(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def _details(details: dict[str, Any]) -> str:
    out = []
    for key, value in details.items():
        if key.startswith("profile"):
            profiles = value if isinstance(value, dict) else {"": value}
            for name, text in profiles.items():
                out += [f"- {key} {name}:", "", "```", text, "```", ""]
        else:
            out.append(f"- {key}: {json.dumps(value, default=str)}")
    return "\n".join(out)


def write_chart(path: Path, parts: list[Part]) -> bool:
    """chart.png: (2) bulk time vs count and (4) server time vs account size; False when neither was measured."""
    bulk = next((p for p in parts if p.number == 2 and p.figures), None)
    server = next((p for p in parts if p.number == 4 and p.figures), None)
    if bulk is None and server is None:
        return False
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as Chart  # no pyplot: no GUI backend, no global state, a faster import

    fig = Chart(figsize=(11, 4.2))
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2)
    if bulk is not None:
        sizes = bulk.details["sizes"]
        times = [bulk.figure(f"bulk_{n}_s").value for n in sizes]  # type: ignore[union-attr]
        left.plot(sizes, times, "o-", label="renew_many (median)")
        left.axhline(3 * times[0], color="tab:red", linestyle="--", label=f"target: 3 × bulk {sizes[0]}")
        left.set_ylim(bottom=0)
        left.legend()
    left.set(title="(2) Bulk renewal: time vs count", xlabel="subscriptions renewed", ylabel="seconds")
    if server is not None:
        lists = [f for f in server.figures if f.key.startswith("list_") and f.key.count("_") == 1]
        sizes4 = [int(f.key.split("_")[1]) for f in lists]
        right.plot(sizes4, [f.value for f in lists], "o-", label="subscriptions page")
        for f in server.figures:
            if f.key.count("_") == 2 and f.key.startswith("list_"):
                right.plot([int(f.key.split("_")[1])], [f.value], "x", label=f.measure.split(": ")[-1])
            elif f.key.startswith("bulk_"):
                right.plot([int(f.key.split("_")[1])], [f.value], "s", label="bulk page (eligible)")
        right.axhline(100, color="tab:red", linestyle="--", label="target: 100 ms")
        right.set_xscale("log")
        ticks = sorted({int(f.key.split("_")[1]) for f in server.figures})
        right.set_xticks(ticks, [f"{n // 1000:,}k" if n >= 1000 and n % 1000 == 0 else f"{n:,}" for n in ticks])
        right.minorticks_off()
        right.set_ylim(bottom=0)
        right.legend(fontsize="small")
    right.set(title="(4) Portal server time vs account size", xlabel="subscriptions in the account", ylabel="ms")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True
