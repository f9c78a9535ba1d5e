"""tests/integration: the portal on real sockets (PortalStack), browsers, subprocesses and the `renewals` CLI, plus the
in-process fixtures of tests/unit where a test also needs the app or the catcher directly. `admin` and `mailbox` are the
stack's clients here; a test that reads the separate in-process `catcher` opens its own Mailbox on it."""

from portal_app import (  # noqa: F401 (fixtures)
    anonymous,
    app,
    catcher,
    client,
    db,
    outbox_clock,
    pages_app,
    portal_env,
    public_url,
    seed_account,
    signed_in_browser,
)
from portal_stack import admin, mailbox, renewals, stack  # noqa: F401 (fixtures)
