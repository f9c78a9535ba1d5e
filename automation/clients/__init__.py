"""The harness's two API clients, on httpx: `PortalAdmin` for the portal's test-control API (`/__test__/`) and
`Mailbox` for a Mailpit-compatible mail API, with the typed records they return and the errors they raise."""

from .accounts import AccountData, Credentials, OrderData, SubscriptionData, SubscriptionState
from .base import ClientError, ServiceUnavailable
from .control import AdminError, AdminUnavailable, PortalAdmin
from .faults import AccountFaults, ErrorFault, LatencyFault, PortalFaults
from .mailbox import (
    Mailbox,
    MailboxError,
    MailboxTimeout,
    MailboxUnavailable,
    Message,
    MessageNotFound,
    MessageSummary,
    UnexpectedMessages,
    WaitCancelled,
)

__all__ = [
    "AccountData",
    "AccountFaults",
    "AdminError",
    "AdminUnavailable",
    "ClientError",
    "Credentials",
    "ErrorFault",
    "LatencyFault",
    "Mailbox",
    "MailboxError",
    "MailboxTimeout",
    "MailboxUnavailable",
    "Message",
    "MessageNotFound",
    "MessageSummary",
    "OrderData",
    "PortalAdmin",
    "PortalFaults",
    "ServiceUnavailable",
    "SubscriptionData",
    "SubscriptionState",
    "UnexpectedMessages",
    "WaitCancelled",
]
