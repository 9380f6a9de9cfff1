"""The report model: what `extractor.extract` returns, and what is written as JSON.

Fields are kept flat, keyed by vocabulary path, each with its provenance, so that the
flattening to gold paths is the identity on values and nothing can exist in the model
that the vocabulary does not name (paths under ``ext.`` are this project's additions,
documented in the README, and are never scored).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .vocabulary import spec_for

Method = Literal["table", "sentence", "model", "derived", "shape"]
FindingKind = Literal["sum_mismatch", "conflict", "implausible", "ambiguous"]
Value = int | float | str
EXTENSION_PREFIX = "ext."


class Provenance(BaseModel):
    """How a value was found and where: spans are half-open [start, end)."""

    model_config = ConfigDict(frozen=True)

    method: Method
    rule: str = ""
    clean_span: tuple[int, int] | None = None
    source_span: tuple[int, int] | None = None
    text: str = ""  # the clean text of the span, for people reading the JSON
    table: int | None = None
    row: int | None = None
    column: int | None = None


class FieldValue(BaseModel):
    value: Value
    provenance: Provenance


class Figure(BaseModel):
    """One number a finding is about."""

    path: str
    value: Value | None
    clean_span: tuple[int, int] | None = None
    source_span: tuple[int, int] | None = None


class Finding(BaseModel):
    field: str
    kind: FindingKind
    message: str
    figures: list[Figure] = Field(default_factory=list)


class Dispute(BaseModel):
    """A model value that differs from the value kept for a field."""

    field: str
    kept: Value
    kept_method: Method
    other: Value
    other_method: Method
    other_span: tuple[int, int] | None = None


class SummaryIndicator(BaseModel):
    value: Value
    from_fields: list[str]


class Summary(BaseModel):
    """Comparable indicators across formats, each derived from named fields."""

    indicators: dict[str, SummaryIndicator] = Field(default_factory=dict)


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    cache_hits: int = 0
    chunks_sent: int = 0
    chunks_skipped: int = 0
    cached_prompt_tokens: int = 0  # what the answers served from the cache cost when first asked
    seconds: float = 0.0

    def add(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            calls=self.calls + other.calls,
            cache_hits=self.cache_hits + other.cache_hits,
            chunks_sent=self.chunks_sent + other.chunks_sent,
            chunks_skipped=self.chunks_skipped + other.chunks_skipped,
            cached_prompt_tokens=self.cached_prompt_tokens + other.cached_prompt_tokens,
            seconds=self.seconds + other.seconds,
        )


def coerce_value(path: str, value: Value) -> Value:
    """Bring a value to the type the vocabulary gives its path; raise ValueError if it cannot be."""
    spec = spec_for(path)
    if spec is None:
        if path.startswith(EXTENSION_PREFIX):
            return value if isinstance(value, str) else str(value)
        raise ValueError(f"{path!r} is not a path of the field vocabulary")
    if spec.type == "int":
        if isinstance(value, bool):
            raise ValueError(f"{path}: expected a whole number, got {value!r}")
        number = float(value)
        if not number.is_integer():
            raise ValueError(f"{path}: expected a whole number, got {value!r}")
        return int(number)
    if spec.type == "float":
        number = float(value)
        return int(number) if number.is_integer() else number
    if spec.type == "date":
        dt.date.fromisoformat(str(value))
        return str(value)
    return str(value)


class Report(BaseModel):
    source: str
    format: Literal["legacy", "gb2019", "gb2021", "unknown"] = "unknown"
    mode: Literal["rules", "llm", "hybrid"] = "rules"
    model: str | None = None
    encoding: str | None = None
    kind: str = "text"
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list)
    disputes: list[Dispute] = Field(default_factory=list)
    ungrounded: list[dict[str, Any]] = Field(default_factory=list)
    summary: Summary = Field(default_factory=Summary)
    usage: Usage = Field(default_factory=Usage)
    warnings: list[str] = Field(default_factory=list)
    repairs: int = 0
    pipeline_version: str = ""
    clean_text: str | None = Field(default=None, description="the normalized text, when asked for")

    @field_validator("fields")
    @classmethod
    def _fields_follow_vocabulary(cls, fields: dict[str, FieldValue]) -> dict[str, FieldValue]:
        for path, fv in fields.items():
            fv.value = coerce_value(path, fv.value)
        return fields

    @model_validator(mode="after")
    def _format_field_agrees(self) -> Report:
        fmt = self.fields.get("meta.format")
        if fmt is not None and self.format != "unknown" and fmt.value != self.format:
            raise ValueError(f"meta.format {fmt.value!r} disagrees with format {self.format!r}")
        return self

    def flatten(self) -> dict[str, Value]:
        """Gold-path → value, the form the evaluation harness scores."""
        return {path: fv.value for path, fv in sorted(self.fields.items())}

    def value(self, path: str) -> Value | None:
        fv = self.fields.get(path)
        return None if fv is None else fv.value
