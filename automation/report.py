"""Rich tables for the CLI: the doctor's checks and a renewal's summary."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from automation.doctor import Check, DoctorReport


def doctor_table(report: DoctorReport) -> Table:
    """One row per check: a mark, what was checked, what was seen and, under it, the fix."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("", width=1, no_wrap=True)
    table.add_column("Check", no_wrap=True)
    table.add_column("Found / fix", overflow="fold")
    for check in report.checks:
        table.add_row(*_doctor_row(check))
    return table


def _doctor_row(check: Check) -> tuple[Text, Text, Text]:
    mark = Text("✓", style="green") if check.ok else Text("✗", style="bold red")
    cell = Text(check.detail)
    if check.fix and not check.ok:
        cell.append("\n")
        cell.append("\n".join(f"→ {fix}" for fix in check.fix.splitlines()), style="yellow")
    return mark, Text(check.name, style="" if check.ok else "bold"), cell


def doctor_verdict(report: DoctorReport) -> Text:
    """The last line: can renewals run a browser here?"""
    if report.browser_usable:
        return Text("Browser usable: renewals can run here (✗ lines above are fixed when you need them).", style="green")
    return Text("No usable browser: renewals cannot run until one of the fixes above is done.", style="bold red")
