"""What every benchmark part reports: figures with their targets, the samples behind them, and the machine's load."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Op = Literal["<=", "<", ">="]
_OPS: dict[Op, Callable[[float, float], bool]] = {
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
}
_SHOWN_OPS = {"<=": "≤", "<": "<", ">=": "≥"}


def load() -> list[float]:
    """The 1-, 5- and 15-minute load averages now (all zero where the OS has none)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return [0.0, 0.0, 0.0]


@dataclass(frozen=True)
class Target:
    """A bound a figure must keep, e.g. ≤ 1.5, with the unit it is stated in."""

    op: Op
    bound: float
    unit: str = ""

    def met(self, value: float) -> bool:
        """Whether `value` keeps the bound."""
        return _OPS[self.op](value, self.bound)

    def by_how_much(self, value: float) -> str:
        """How far `value` is past the bound, as a ratio of it (e.g. "1.8× the bound")."""
        if self.bound == 0 or value == 0:
            return ""
        ratio = value / self.bound if self.op != ">=" else self.bound / value
        return f"{ratio:.2f}× the bound"

    def __str__(self) -> str:
        return f"{_SHOWN_OPS[self.op]} {self.bound:g}{(' ' + self.unit) if self.unit else ''}"


@dataclass
class Figure:
    """One reported number: the median (or other statistic) of `samples`, with the load around its measurement."""

    key: str
    measure: str
    value: float
    unit: str
    samples: list[float] = field(default_factory=list)
    target: Target | None = None
    load_before: list[float] = field(default_factory=list)
    load_after: list[float] = field(default_factory=list)
    note: str = ""
    lower_bound: bool = False  # the true value is at least `value` (a run was stopped at its time limit)

    @property
    def met(self) -> bool | None:
        """True or False against the target; None without a target, or when a lower bound falls short of it."""
        if self.target is None:
            return None
        met = self.target.met(self.value)
        return None if self.lower_bound and not met and self.target.op == ">=" else met

    def shown(self) -> str:
        """The value with its unit, rounded for a table."""
        return ("≥ " if self.lower_bound else "") + show(self.value, self.unit)

    def to_json(self) -> dict[str, Any]:
        """Everything about the figure, for results.json."""
        data = asdict(self)
        data["target"] = None if self.target is None else {**asdict(self.target), "text": str(self.target)}
        data["met"] = self.met
        data["runs"] = len(self.samples)
        return data


@dataclass
class Part:
    """The figures of one numbered part, plus any breakdown that explains them."""

    number: int
    title: str
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    load_before: list[float] = field(default_factory=list)
    load_after: list[float] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None  # the part broke: what went wrong
    note: str = ""  # something a reader of the table must know, e.g. a figure that could not be measured

    def figure(self, key: str) -> Figure | None:
        """The figure named `key`, if measured."""
        return next((f for f in self.figures if f.key == key), None)


def show(value: float, unit: str) -> str:
    """A value rounded as a person reads it: 1.23 s, 45.6 ms, 2.1×."""
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"
    if unit == "×":
        return f"{value:.2f}×"
    return f"{value:g} {unit}".strip()


def median(values: Sequence[float]) -> float:
    """The median; 0 for no values."""
    return statistics.median(values) if values else 0.0


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0–100) by linear interpolation between the closest ranks."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count() or 0
    return {
        "cores": os.cpu_count(),
        "cores_usable": affinity,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": _cpu_model(),
        "python": sys.version.split()[0],
        "memory_gb": _memory_gb(),
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _memory_gb() -> float | None:
    try:
        with open("/proc/meminfo") as info:
            for line in info:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None
