"""What every scenario model shares: frozen, unknown fields refused with the allowed ones listed, and the slug type."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Names people type in a scenario and read back in errors and file names: lower case, digits, '-' and '_'.
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+([-_][a-z0-9]+)*$", min_length=1, max_length=60)]
Words = Annotated[str, Field(min_length=1, max_length=500)]


def one_of(value: str, allowed: tuple[str, ...] | list[str], what: str) -> str:
    """`value` if it is among `allowed`, else a refusal naming it and listing what is allowed."""
    if value not in allowed:
        raise ValueError(f"{value!r} is not a known {what}; use one of {', '.join(allowed)}")
    return value


class Strict(BaseModel):
    """A scenario table: immutable, and a misspelt key is an error that lists the keys this table takes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data: Any) -> Any:
        # pydantic's own "Extra inputs are not permitted" does not say what is permitted; a person needs that.
        if isinstance(data, dict):
            unknown = [key for key in data if key not in cls.model_fields]
            if unknown:
                allowed = ", ".join(cls.model_fields)
                raise ValueError(f"unknown field {unknown[0]!r}; allowed: {allowed}")
        return data
