"""The one door from the harness to the mock portal: start a private copy of it on this machine.

Everything else in `automation/` and `tests/e2e/` treats the portal as a black box reached over HTTP, SMTP and the
mail API, so the harness judges any portal that keeps the contract (a staging copy of the real one, a localized
variant) and never shares the mock's bugs. `make demo`, `renewals serve` and the e2e suite's default portal start
the mock through here; import-linter (`lint-imports`, contract in pyproject.toml) allows no other import of it.
The mock is imported only when a portal is actually started, so commands that don't start one never load Flask."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self


@dataclass(frozen=True)
class DemoSignIn:
    """The seeded demo account: who signs in, and its subscription numbers by scenario case (fixtures/demo_scenario.json)."""

    email: str
    password: str
    subscriptions: dict[str, str] = field(default_factory=dict)


class LocalPortal:
    """The mock portal, its SMTP catcher and Mailpit-compatible mail API, on free loopback ports, started and stopped
    together. With `demo=True` the demo account is seeded (`demo_seed` varies its names and numbers; `demo_locale`,
    "fr" or "ja", is its user's language, of the pages once signed in and of the emails)."""

    def __init__(
        self,
        database_url: str,
        *,
        testing: bool = True,
        demo: bool = False,
        demo_seed: int | None = None,
        demo_locale: str | None = None,
    ) -> None:
        from mock_portal.server import PortalStack  # the adapter's one import of the mock

        language: dict[str, Any] = {} if demo_locale is None else {"demo_locale": demo_locale}
        self._stack: Any = PortalStack(
            port=0, smtp_port=0, mail_port=0, testing=testing, database_url=database_url, seed_demo=demo, demo_seed=demo_seed,
            **language,
        )  # fmt: skip

    @property
    def base_url(self) -> str:
        """The portal's address, e.g. http://127.0.0.1:40123."""
        return str(self._stack.base_url)

    @property
    def mailbox_url(self) -> str:
        """The mail API's (and inbox page's) address."""
        url = self._stack.mail_api_url
        assert url is not None, "a LocalPortal always runs its own mail catcher"
        return str(url)

    @property
    def demo(self) -> DemoSignIn | None:
        """The demo account, when seeded."""
        seeded = self._stack.demo
        if seeded is None:
            return None
        return DemoSignIn(seeded.email, seeded.password, dict(seeded.subscriptions))

    def start(self) -> Self:
        """Start everything; on failure nothing is left running."""
        self._stack.start()
        return self

    def stop(self) -> None:
        """Stop everything and free the ports; safe to call twice."""
        self._stack.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def serve(argv: list[str]) -> int:
    """`python -m mock_portal` with these arguments (what `renewals serve` runs); returns its exit code."""
    from mock_portal.__main__ import main

    return int(main(argv))
