"""The soak's figures: what the workers did (every request's latency and answer, errors by kind) and the report
printed and written as JSON, with its verdict."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

MAX_GROWTH = 0.10  # RSS growth after warm-up the soak accepts


@dataclass
class Tally:
    """What the workers did: every request's latency and outcome, and the errors seen, by kind."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    work: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, method: str, status: int | str, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[f"{method} {status}"] += 1

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what[:160]] += 1

    def done(self, kind: str) -> None:
        with self.lock:
            self.work[kind] += 1


@dataclass(frozen=True)
class Report:
    """The soak's figures, as printed and written to JSON."""

    seconds: float
    workers: int
    requests: int
    errors: int
    p95_ms: float
    median_ms: float
    rss_start_mib: float
    rss_warm_mib: float
    rss_end_mib: float
    rss_max_mib: float
    growth: float
    work: dict[str, int]
    statuses: dict[str, int]
    error_kinds: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.growth < MAX_GROWTH

    def lines(self) -> list[str]:
        verdict = "OK" if self.ok else "FAILED"
        lines = [
            f"Soak {verdict}: {self.requests} requests in {self.seconds:.0f} s by {self.workers} workers, "
            f"{self.errors} errors, p95 {self.p95_ms:.1f} ms (median {self.median_ms:.1f} ms)",
            f"  portal RSS: start {self.rss_start_mib:.1f} MiB, after warm-up {self.rss_warm_mib:.1f} MiB, "
            f"end {self.rss_end_mib:.1f} MiB (max {self.rss_max_mib:.1f}); growth after warm-up "
            f"{self.growth * 100:+.1f} % (must be < {MAX_GROWTH * 100:.0f} %)",
            "  work done: " + ", ".join(f"{kind} {count}" for kind, count in sorted(self.work.items())),
            "  answers: " + ", ".join(f"{key} ×{count}" for key, count in sorted(self.statuses.items())),
        ]
        lines += [f"  error ×{count}: {what}" for what, count in self.error_kinds.items()]
        return lines
