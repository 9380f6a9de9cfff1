"""Response models for the model path: one per chunk kind, generated from the vocabulary.

The same class is sent to the model (as its JSON schema, through instructor) and used to
validate the answer, so a path cannot exist in the prompt and not in the vocabulary. Field
names are vocabulary paths with ``.`` written as ``__``; every field is optional, because
a chunk states only some of them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from .vocabulary import FieldSpec, vocabulary

_TYPES: dict[str, Any] = {"int": int, "float": float, "str": str, "enum": str, "date": str}


@dataclass(frozen=True)
class ChunkKind:
    name: str
    prefixes: tuple[str, ...]  # vocabulary paths the chunk may fill
    extra: tuple[tuple[str, str], ...] = ()  # (ext. path, description) beyond the vocabulary


CHUNK_KINDS: dict[str, ChunkKind] = {
    k.name: k
    for k in (
        ChunkKind("meta", ("meta.",)),
        ChunkKind("proactive", ("proactive.", "responses.", "cumulative.proactive.total")),
        ChunkKind("applications", ("applications.", "fees.")),
        ChunkKind("review", ("review.", "litigation.", "complaints.")),
        ChunkKind("organisation", ("staff.", "budget.", "training.", "archives.", "reading_points.", "gazette.",
                                   "websites.")),
        ChunkKind("problems", (), (("ext.problems", "存在的主要问题，逐条原文摘录"),
                                   ("ext.improvements", "改进情况/措施，逐条原文摘录"))),
        ChunkKind("appendix", ("proactive.", "applications.", "requests.", "review.", "litigation.", "complaints.",
                               "fees.")),
    )
}

# meta.format and meta.level are read from the report's shape, not asked for.
_NOT_ASKED = ("meta.format",)


def field_name(path: str) -> str:
    return path.replace(".", "__")


def path_of(name: str) -> str:
    return name.replace("__", ".")


def chunk_paths(kind: ChunkKind) -> list[FieldSpec]:
    specs = [s for p, s in vocabulary().items() if p.startswith(kind.prefixes) and p not in _NOT_ASKED]
    if "cumulative.proactive.total" in kind.prefixes:
        from .vocabulary import spec_for

        cumulative = spec_for("cumulative.proactive.total")
        if cumulative is not None:
            specs.append(cumulative)
    return specs


@cache
def response_model(kind_name: str) -> type[BaseModel]:
    kind = CHUNK_KINDS[kind_name]
    fields: dict[str, Any] = {}
    for spec in chunk_paths(kind):
        python_type = _TYPES.get(spec.type, str)
        description = f"{spec.label}" + (f"（单位：{spec.unit}）" if spec.unit else "")
        if spec.type == "date":
            description += "，格式 YYYY-MM-DD"
        fields[field_name(spec.path)] = (python_type | None, Field(default=None, description=description))
    for path, description in kind.extra:
        fields[field_name(path)] = (str | None, Field(default=None, description=description))
    model = create_model(
        f"{kind_name.title()}Facts",
        __config__=ConfigDict(extra="forbid"),
        __doc__=f"Facts the report states in its {kind_name} part; leave out what it does not state.",
        **fields,
    )
    return model


def schema_hash(kind_name: str) -> str:
    schema = json.dumps(response_model(kind_name).model_json_schema(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(schema.encode("utf-8")).hexdigest()[:16]


def answer_paths(answer: BaseModel) -> dict[str, Any]:
    """A validated answer as path → value, leaving out what the model left empty."""
    return {path_of(k): v for k, v in answer.model_dump().items() if v is not None and v != ""}
