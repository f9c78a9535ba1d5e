"""What the harness's two API clients share: one httpx client per base URL with its timeout, retries when a connection
can't be made, the OS's trusted certificates, and errors that name the URL asked and what to do."""

from __future__ import annotations

import json
import ssl
from types import TracebackType
from typing import Any, ClassVar, Self

import httpx

RETRIES = 2  # a connection refused or timed out is tried again (after 0 s, then 0.5 s): a server busy starting up
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ClientError(Exception):
    """An API answered, but not as expected: `message` is its own word (or ours), `status` the HTTP status (None when
    nothing answered), `url` what was asked."""

    def __init__(self, message: str, status: int | None = None, url: str | None = None) -> None:
        super().__init__(f"{message} (HTTP {status} from {url})" if status else message)
        self.message, self.status, self.url = message, status, url


class ServiceUnavailable(ClientError):
    """The API could not be reached at all (refused, reset, no such host, no answer in time)."""


class JsonClient:
    """A JSON API at `base_url`; subclasses name the service, how to start it, their error types and default timeout
    (seconds for each of connecting, sending, reading). `retries`: connection attempts made again after a refusal or a
    connect timeout. `transport` replaces the network, e.g. `httpx.WSGITransport(app=flask_app)` for an in-process app."""

    service: ClassVar[str] = "the API"
    url_name: ClassVar[str] = "API URL"
    start_hint: ClassVar[str] = "it must be running there"
    error: ClassVar[type[ClientError]] = ClientError
    unavailable: ClassVar[type[ClientError]] = ServiceUnavailable
    default_timeout: ClassVar[float] = 10.0

    def __init__(
        self,
        base_url: str,
        timeout: float | None = None,
        *,
        retries: int = RETRIES,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"{self.url_name} {base_url!r} must start with http:// or https://")
        self.base_url = base_url.rstrip("/")
        self.timeout = self.default_timeout if timeout is None else timeout
        # Like the probes that found the service (automation.endpoints, on urllib), the clients talk to it directly, with
        # no proxy from the environment, and trust the certificates the OS trusts: httpx's own default is certifi's
        # bundle, which would refuse an HTTPS portal behind a company CA that the probes had just reached.
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=self.timeout,
            transport=transport or httpx.HTTPTransport(retries=retries, verify=ssl.create_default_context()),
            headers={"Accept": "application/json"},
            trust_env=False,
        )

    def close(self) -> None:
        """Close the connections kept open to the service."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r})"

    def _request(
        self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None, *, json_answer: bool = True
    ) -> Any:
        """Send one request; the decoded JSON answer (None for a non-JSON success when `json_answer` is False)."""
        headers = {}
        if method.upper() not in SAFE_METHODS:  # the test API takes writes only as JSON, even bodiless ones
            headers["Content-Type"] = "application/json"
        content = None if body is None else json.dumps(body).encode()
        try:
            response = self._http.request(method, path, content=content, params=params, headers=headers)
        except httpx.TransportError as failure:  # refused, reset, DNS failure, timeout
            url = str(failure.request.url) if _has_request(failure) else self.base_url + path
            raise self.unavailable(
                f"cannot reach {self.service} at {url} ({_reason(failure)}); {self.start_hint}"
            ) from failure
        if not response.is_success:
            raise self._refusal(method, response)
        if not json_answer and response.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            return None
        try:
            return response.json()
        except ValueError:
            raise self.error(
                f"{method} {response.request.url} answered with something other than JSON: {response.content[:200]!r}"
            ) from None

    def _refusal(self, method: str, response: httpx.Response) -> ClientError:
        """The error for an answer that is not a success: the service's own `error` text when it sent one."""
        return self.error(error_text(response), response.status_code, str(response.request.url))


def error_text(response: httpx.Response) -> str:
    """The `error` field of a JSON refusal (the portal's says what to change), else the start of the body."""
    raw = response.text.strip()
    try:
        return str(json.loads(raw)["error"])
    except (ValueError, KeyError, TypeError):
        return raw[:300] or response.reason_phrase


def _has_request(failure: httpx.TransportError) -> bool:
    try:
        failure.request  # noqa: B018 (httpx raises when the error was made without one)
    except RuntimeError:
        return False
    return True


def _reason(failure: httpx.TransportError) -> str:
    if isinstance(failure, httpx.ConnectTimeout | httpx.ReadTimeout | httpx.WriteTimeout | httpx.PoolTimeout):
        return f"no answer: {type(failure).__name__}"
    text = str(failure) or type(failure).__name__
    return "connection refused" if "refused" in text.lower() else text
