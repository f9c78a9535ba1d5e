"""tests/unit: the portal in-process (its Flask test client, its database, the mail catcher in a thread) and pure code.
No browser, no server process, no CLI: those tests live in tests/integration."""

from portal_app import (  # noqa: F401 (fixtures)
    admin,
    anonymous,
    app,
    catcher,
    client,
    db,
    mailbox,
    outbox_clock,
    pages_app,
    portal_env,
    public_url,
    seed_account,
    signed_in_browser,
)
