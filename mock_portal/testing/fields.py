"""The kinds of value the test-control API takes, as pydantic field metadata: each is checked by pydantic, shows
itself in the OpenAPI document and words its own refusal ("'XYZ' is not allowed; use one of EUR, GBP, JPY, USD");
and the translation of a ValidationError into the API's one line that names the field (`users[0].email: ...`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationError,
    model_validator,
)
from pydantic.json_schema import JsonDict, JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from ..addresses import MAX_LENGTH, AddressError, mailbox
from ..config import DATE_FORM, calendar_date

Model = TypeVar("Model", bound=BaseModel)
DATE_PATTERN = "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"  # with format: date, exactly what calendar_date takes
# The OpenAPI document's outline of an address; the rule itself is addresses.mailbox (email-validator's).
EMAIL_PATTERN = r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"
_REFUSED = "spec"  # the type of every error these kinds raise; its ctx carries the message and where, below the loc


class SpecError(ValueError):
    """A spec that can't be created; `field` is where (e.g. `subscriptions[3].currency`), the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def shown(value: Any) -> str:
    """A value sent, as a message quotes it (JSON's true, false and null), cut short."""
    text = repr(value) if not isinstance(value, bool | None) else {True: "true", False: "false", None: "null"}[value]
    return text if len(text) <= 60 else text[:57] + "..."


def refusal(message: str, at: str = "") -> PydanticCustomError:
    """The error a validator raises: `message` as the API words it; `at` the field below the model it is about.
    (A Kind's own refusals carry its wording instead, and are shown with the value refused.)"""
    return PydanticCustomError(_REFUSED, "{message}", {"message": message, "at": at})


def parse(model: type[Model], body: Any) -> Model:
    """`body` (decoded JSON) as `model`, or a SpecError naming the first field refused."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
    ctx = error.get("ctx") or {}
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"])
    if ctx.get("at"):
        where += f".{ctx['at']}"
    if error["type"] == _REFUSED:
        message = str(ctx["message"]) if "message" in ctx else f"{shown(error['input'])} {ctx['wording']}"
    elif error["type"] == "missing":
        message = "required"
    else:  # a check without a kind of its own: pydantic's words
        message = f"{shown(error['input'])} is not allowed: {error['msg']}"
    raise SpecError(where.lstrip(".") or "body", message)


class Spec(BaseModel):
    """A JSON object the API takes: the named fields only, each checked by its kind; null or omitted is unset."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _an_object_of_known_fields(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise refusal(f"must be a JSON object, got {shown(data)}")
        for key in data:
            if key not in cls.model_fields:
                allowed = f"allowed fields are {', '.join(sorted(cls.model_fields))}" if cls.model_fields else ""
                raise refusal(f"unknown field; {allowed or 'this endpoint takes no fields'}", at=str(key)[:60])
        return data


def omittable(description: str) -> Any:
    """A field that may be left out but not sent as null: None stands for "not sent", and the document shows no
    default (null would be refused)."""
    return Field(default=None, description=description, json_schema_extra=_no_default)


def _no_default(schema: JsonDict) -> None:
    schema.pop("default", None)


@dataclass(frozen=True, eq=False)  # hashed by identity: typing hashes the metadata of Annotated[...] | None
class Kind:
    """Field metadata: pydantic checks `schema`, which the document shows with `shows` added; `keep` checks what a
    schema can't say and gives the value kept (a ValueError refuses it, with its own words if it has some). A refusal
    reads "<the value sent> <wording>"."""

    schema: CoreSchema
    wording: str
    keep: Callable[[Any], Any] | None = None
    before: Callable[[Any], Any] | None = None
    shows: Mapping[str, Any] = field(default_factory=dict)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        # pydantic-core words a refusal of `schema` itself, so a value it takes costs no Python call
        schema: CoreSchema = core_schema.custom_error_schema(
            self.schema, _REFUSED, custom_error_message=self.wording, custom_error_context={"wording": self.wording}
        )
        if self.keep is not None:
            schema = core_schema.no_info_after_validator_function(self._keep, schema)
        if self.before is not None:
            schema = core_schema.no_info_before_validator_function(self.before, schema)
        return schema

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {**handler(schema), **self.shows}

    def _keep(self, value: Any) -> Any:
        assert self.keep is not None
        try:
            return self.keep(value)
        except ValueError as exc:
            raise refusal(f"{shown(value)} {str(exc) or self.wording}") from None


@dataclass(frozen=True)
class Items:
    """Field metadata for a list: from `low` to `high` items, refused as a whole ("must be a list of ..."); each
    item is checked by its own kind and refused with its index."""

    low: int
    high: int
    noun: str

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        inner = handler(source)
        assert inner["type"] == "list"  # so the document shows the bounds as minItems / maxItems
        bounded = core_schema.list_schema(inner.get("items_schema"), min_length=self.low or None, max_length=self.high)
        return core_schema.no_info_wrap_validator_function(self._validate, bounded)

    def _validate(self, value: Any, check: core_schema.ValidatorFunctionWrapHandler) -> Any:
        if not (isinstance(value, list) and self.low <= len(value) <= self.high):
            span = f"{self.low} to {self.high}" if self.low else f"at most {self.high}"
            got = f"{len(value)} items" if isinstance(value, list) else shown(value)
            raise refusal(f"must be a list of {span} {self.noun}, got {got}")
        return check(value)


def one_of(values: Iterable[str]) -> Kind:
    """One of `values` (an enum in the document)."""
    options = sorted(values)
    return Kind(core_schema.literal_schema(options), f"is not allowed; use one of {', '.join(options)}")


def whole(low: int, high: int) -> Kind:
    """A whole number from `low` to `high`. JSON has one number type, and JSON Schema calls 3.0 an integer: so is it."""
    return Kind(
        core_schema.int_schema(strict=True, ge=low, le=high),
        f"is not allowed; use a whole number from {low} to {high}",
        before=_integral,
    )


def _integral(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


FLAG = Kind(core_schema.bool_schema(strict=True), "is not allowed; use true or false")


def text(max_length: int, *, strip: bool = True) -> Kind:
    """Non-blank text of at most `max_length` characters (the spaces around it dropped unless `strip` is off)."""
    return Kind(
        core_schema.str_schema(strict=True, min_length=1, max_length=max_length),
        f"is not allowed; use a non-empty string of at most {max_length} characters",
        keep=lambda value: _non_blank(value, strip),
        shows={"pattern": r"\S"},
    )


def _non_blank(value: str, strip: bool) -> str:
    if not value.strip():
        raise ValueError
    return value.strip() if strip else value


def digits(count: int, what: str) -> Kind:
    """A string of exactly `count` digits (0-9 only: not every script's digits), e.g. a CSN."""
    return Kind(
        core_schema.str_schema(strict=True, pattern=f"^[0-9]{{{count}}}$"),
        f"is not {what}; use a string of exactly {count} digits",
    )


def _day(value: str) -> date:
    parsed = calendar_date(value)
    if parsed is None:
        raise ValueError
    return parsed


DAY = Kind(
    core_schema.str_schema(strict=True, pattern=DATE_PATTERN),
    f"is not a date; use {DATE_FORM}",
    keep=_day,
    shows={"format": "date"},
)


def _one_mailbox(value: str) -> str:
    """Exactly one mailbox, kept as given: a stored address is later one SMTP recipient, never a list."""
    try:
        return mailbox(value)
    except AddressError as exc:
        reason = str(exc).rstrip(".")
        raise ValueError(f"is not one email address ({reason}); use one address such as name@example.com") from None


MAILBOX = Kind(
    core_schema.str_schema(strict=True, max_length=MAX_LENGTH),  # a length check also refuses lone surrogates
    "is not an email address; use one address such as name@example.com",
    keep=_one_mailbox,
    shows={"format": "email", "pattern": EMAIL_PATTERN},
)
