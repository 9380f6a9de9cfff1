"""Response models for the model path: one per chunk kind, generated from the vocabulary.

The same class is sent to the model (as its JSON schema, through instructor) and used to
validate the answer, so a path cannot exist in the prompt and not in the vocabulary. Field
names are vocabulary paths with ``.`` written as ``__``; every field is optional, because
a chunk states only some of them. Schemas are kept compact (no titles, ``type: [x, null]``)
because instructor writes them into the prompt, where every token counts against the
model's context.

The applications table of the gb formats is asked for as rows (printed label + its seven
numbers) rather than as 182 separate fields; ``answer_paths`` maps each label onto the
template row the rule engine would read it as.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from .templates import request_row_of
from .vocabulary import REQUEST_COLUMNS, REQUEST_ROWS, FieldSpec, spec_for, vocabulary

_TYPES: dict[str, Any] = {"int": int, "float": float, "str": str, "enum": str, "date": str}


@dataclass(frozen=True)
class ChunkKind:
    name: str
    prefixes: tuple[str, ...]  # vocabulary paths the chunk may fill
    extra: tuple[tuple[str, str], ...] = ()  # (ext. path, description) beyond the vocabulary
    exclude: tuple[str, ...] = ()


_ARTICLE_FIELDS = ("proactive.regulations.", "proactive.normative.", "proactive.licensing.",
                   "proactive.other_services.", "proactive.penalty.", "proactive.coercion.", "proactive.fees.",
                   "proactive.procurement.")

CHUNK_KINDS: dict[str, ChunkKind] = {
    k.name: k
    for k in (
        ChunkKind("meta", ("meta.",), exclude=("meta.format",)),
        ChunkKind("proactive", ("proactive.", "responses.", "cumulative.proactive.total"), exclude=_ARTICLE_FIELDS),
        ChunkKind("articles", _ARTICLE_FIELDS),
        ChunkKind("applications", ("applications.", "fees.")),
        ChunkKind("requests", ()),  # the gb applications table, asked for as rows
        ChunkKind("review", ("review.", "litigation.", "complaints.")),
        ChunkKind("organisation", ("staff.", "budget.", "training.", "archives.", "reading_points.", "gazette.",
                                   "websites.")),
        ChunkKind("problems", (), (("ext.problems", "存在的主要问题，逐条原文摘录，用；分隔"),
                                   ("ext.improvements", "改进情况或措施，逐条原文摘录，用；分隔"))),
        ChunkKind("appendix", ("proactive.total", "proactive.channel.", "applications.received",
                               "applications.channel.", "applications.answered", "applications.outcome.",
                               "fees.amount_yuan", "complaints.total", "review.total", "litigation.total")),
    )
}


def field_name(path: str) -> str:
    return path.replace(".", "__")


def path_of(name: str) -> str:
    return name.replace("__", ".")


def chunk_paths(kind: ChunkKind) -> list[FieldSpec]:
    specs = [s for p, s in vocabulary().items()
             if any(p == x or (x.endswith(".") and p.startswith(x)) for x in kind.prefixes)
             and not any(p == x or (x.endswith(".") and p.startswith(x)) for x in kind.exclude)]
    for prefix in kind.prefixes:
        if prefix.startswith("cumulative.") and (spec := spec_for(prefix)) is not None:
            specs.append(spec)
    return specs


def _compact_schema(schema: Any) -> Any:
    if isinstance(schema, dict):
        any_of = schema.get("anyOf")
        if isinstance(any_of, list) and len(any_of) == 2 and {"type": "null"} in any_of:
            other = next(s for s in any_of if s != {"type": "null"})
            if set(other) == {"type"}:
                schema = {**{k: v for k, v in schema.items() if k != "anyOf"}, "type": [other["type"], "null"]}
        return {k: _compact_schema(v) for k, v in schema.items() if k not in ("title", "default")}
    if isinstance(schema, list):
        return [_compact_schema(v) for v in schema]
    return schema


class CompactFacts(BaseModel):
    """Base of every response model: strict fields, and a schema without decoration."""

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        compact: dict[str, Any] = _compact_schema(super().model_json_schema(*args, **kwargs))
        return compact


class RequestRow(CompactFacts):
    label: str = Field(description="该行印出的行名，如 一、本年新收政府信息公开申请数量、（一）予以公开")
    values: list[int] = Field(
        description="该行7个数：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计")


class RequestsTable(CompactFacts):
    """收到和处理政府信息公开申请情况表：每行一项，只填表中印出的行。"""

    rows: list[RequestRow] = Field(default_factory=list)


@cache
def response_model(kind_name: str) -> type[BaseModel]:
    if kind_name == "requests":
        return RequestsTable
    kind = CHUNK_KINDS[kind_name]
    fields: dict[str, Any] = {}
    for spec in chunk_paths(kind):
        python_type = _TYPES.get(spec.type, str)
        description = spec.label + (f"（{spec.unit}）" if spec.unit else "")
        if spec.type == "date":
            description += "，YYYY-MM-DD"
        fields[field_name(spec.path)] = (python_type | None, Field(default=None, description=description))
    for path, description in kind.extra:
        fields[field_name(path)] = (str | None, Field(default=None, description=description))
    model: type[BaseModel] = create_model(
        f"{kind_name.title()}Facts",
        __base__=CompactFacts,
        __doc__=f"报告{kind_name}部分明确写出的事实；没写的留空。",
        **fields,
    )
    return model


def asked_paths(kind_name: str) -> set[str]:
    """The paths an answer of this kind may fill."""
    if kind_name == "requests":
        return {f"requests.{r}.{c}" for r in REQUEST_ROWS for c in REQUEST_COLUMNS}
    return {path_of(name) for name in response_model(kind_name).model_fields}


def schema_hash(kind_name: str) -> str:
    schema = json.dumps(response_model(kind_name).model_json_schema(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(schema.encode("utf-8")).hexdigest()[:16]


def answer_paths(answer: BaseModel) -> dict[str, Any]:
    """A validated answer as path → value, leaving out what the model left empty."""
    if isinstance(answer, RequestsTable):
        out: dict[str, Any] = {}
        for row in answer.rows:
            key = request_row_of(row.label)
            if key is None or len(row.values) != len(REQUEST_COLUMNS):
                continue
            for column, value in zip(REQUEST_COLUMNS, row.values, strict=True):
                out.setdefault(f"requests.{key}.{column}", value)
        return out
    return {path_of(k): v for k, v in answer.model_dump().items() if v is not None and v != ""}
