"""tests/integration: the portal on real sockets (PortalStack), browsers, subprocesses and the `renewals` CLI, plus the
in-process fixtures of tests/unit where a test also needs the app or the catcher directly."""

from portal_app import (  # noqa: F401 (fixtures)
    anonymous,
    app,
    catcher,
    client,
    clock,
    db,
    mailbox,
    pages_app,
    portal_env,
    public_url,
    seed_account,
    signed_in,
)
from portal_stack import admin, renewals, stack  # noqa: F401 (fixtures)
