"""Rich tables for the CLI: the doctor's checks and a renewal's summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:  # doctor, the flows and the runner import Playwright; --help need not
    from automation.doctor import Check, DoctorReport
    from automation.flows import RenewalResult
    from automation.runner import Outcome


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
        later = " (fix the ✗ lines when you need them)" if any(not c.ok for c in report.checks) else ""
        return Text(f"Browser usable: renewals can run here{later}.", style="green")
    return Text("No usable browser: renewals cannot run until one of the fixes above is done.", style="bold red")


def renewal_table(results: list[RenewalResult]) -> Table:
    """One row per renewed subscription: dates before and after, its order, and whether its one email came."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for title in ("Subscription", "Date before", "Date after", "Renewed through", "Order"):
        table.add_column(title, no_wrap=True)
    table.add_column("Email", justify="center")
    for result in results:
        for renewed in result.subscriptions:
            emailed = len(result.emails.get(renewed.order, [])) == 1
            table.add_row(
                renewed.number,
                renewed.date_before.isoformat(),
                Text(renewed.date_after.isoformat(), style="" if renewed.date_after == renewed.date_before else "bold red"),
                renewed.renewed_through.isoformat() if renewed.renewed_through else "awaiting payment",
                renewed.order,
                Text("✓", style="green") if emailed else Text("✗", style="bold red"),
            )
    return table


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def counts_line(results: list[RenewalResult]) -> str:
    """Renewed N subscriptions in N orders over N checkouts; N confirmation emails."""
    subscriptions = sum(len(r.subscriptions) for r in results)
    orders = sum(len(r.orders) for r in results)
    checkouts = sum(r.checkouts for r in results)
    emails = sum(len(found) for r in results for found in r.emails.values())
    return (
        f"Renewed {_count(subscriptions, 'subscription')} in {_count(orders, 'order')} over {_count(checkouts, 'checkout')}; "
        f"{_count(emails, 'confirmation email')}, one per order; renewal dates unchanged."
    )


def print_outcome(console: Console, outcome: Outcome) -> None:
    """The summary table and the counts of what was renewed (before a failure, if one stopped the run)."""
    if any(r.subscriptions for r in outcome.results):
        console.print(renewal_table(outcome.results))
        console.print(counts_line(outcome.results), style="" if outcome.error else "green", highlight=False)


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    """The run as JSON: ok, error, and every order, subscription and email of the renewals done."""
    parts = [r.to_dict() for r in outcome.results]
    return {
        "ok": outcome.error is None,
        "error": outcome.error,
        "orders": [o for p in parts for o in p["orders"]],
        "checkouts": sum(p["checkouts"] for p in parts),
        "subscriptions": [s for p in parts for s in p["subscriptions"]],
        "emails": {order: found for p in parts for order, found in p["emails"].items()},
    }
