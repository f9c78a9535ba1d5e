"""One shape for what the portal starts and stops as a whole (the stack, the mail catcher): `with` runs it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import ClassVar, Self


class Startable(ABC):
    """Started by `start()`, stopped by `stop()`; `with` starts it and stops it however the block ends."""

    error: ClassVar[type[Exception]] = RuntimeError  # what a second start() raises

    @property
    @abstractmethod
    def running(self) -> bool:
        """Whether start() has run and stop() hasn't."""

    @abstractmethod
    def _start(self) -> None:
        """Start every part; start() stops them all again if one fails."""

    @abstractmethod
    def stop(self) -> None:
        """Stop and free whatever has started; safe to call twice, and after a failed start."""

    def start(self) -> Self:
        """Start and return self; on failure stop what had started and re-raise."""
        if self.running:
            raise self.error(f"this {type(self).__name__} is already running; stop() it first")
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
