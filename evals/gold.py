"""Gold files: loading (structure only) and checking (against the field vocabulary and FORMAT.md).

`load_gold` refuses only what cannot be scored at all (bad JSON, wrong containers, values that are
neither numbers nor strings); `check_gold` also reports everything that would be scored wrongly, such
as a typo in a path, which loading lets through because scoring a typo is the visible way to fail.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from extractor.errors import GoldFileError
from extractor.schemas.vocabulary import (
    CUMULATIVE_PREFIX,
    FORMATS,
    LEVELS,
    FieldSpec,
    family_of,
    spec_for,
    vocabulary,
)

from .scoring import FINDING_KINDS, GoldValue, Scalar

GOLD_SUFFIX = ".gold.json"
TOP_LEVEL_KEYS: tuple[str, ...] = ("source", "fields", "findings", "unscored", "notes")
FINDING_KEYS: tuple[str, ...] = ("field", "kind", "note")
ENUMS: dict[str, tuple[str, ...]] = {"meta.format": FORMATS, "meta.level": LEVELS}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class GoldFinding:
    field: str
    kind: str
    note: str = ""


@dataclass
class GoldFile:
    source: str
    fields: dict[str, GoldValue] = field(default_factory=dict)
    findings: list[GoldFinding] = field(default_factory=list)
    unscored: list[str] = field(default_factory=list)
    notes: str = ""
    path: Path | None = None  # where it was loaded from, when it was

    @property
    def stem(self) -> str:
        """The report stem this gold is for: from the file name, else from `source`."""
        if self.path is not None and self.path.name.endswith(GOLD_SUFFIX):
            return self.path.name[: -len(GOLD_SUFFIX)]
        return Path(self.source).stem


def gold_stem(path: Path) -> str:
    name = path.name
    return name[: -len(GOLD_SUFFIX)] if name.endswith(GOLD_SUFFIX) else path.stem


def _read(path: Path) -> tuple[Any, list[str]]:
    # Keys that occur twice in one object: json.loads would silently keep the last one, and a path
    # written twice by hand is a mistake someone should see.
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                duplicates.append(key)
            out[key] = value
        return out

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise GoldFileError(f"cannot read the gold file: {exc.strerror or exc}", source=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise GoldFileError(f"not UTF-8 (byte {exc.start}); save it as UTF-8", source=str(path)) from exc
    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise GoldFileError(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", source=str(path)
        ) from exc
    except ValueError as exc:
        raise GoldFileError(f"invalid JSON: {exc}", source=str(path)) from exc
    return data, duplicates


def _is_scalar(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, int | str)


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _parse(data: Any, path: Path) -> GoldFile:
    problems: list[str] = []
    if not isinstance(data, dict):
        raise GoldFileError(f"expected a JSON object at the top, got {_describe(data)}", source=str(path))

    source = data.get("source")
    if source is None:
        problems.append("'source' is missing: give the report file's name, relative to the reports folder")
    elif not isinstance(source, str) or not source.strip():
        problems.append(f"'source' must be the report file's name, got {_describe(source)}")

    fields: dict[str, GoldValue] = {}
    raw_fields = data.get("fields")
    if raw_fields is None:
        problems.append("'fields' is missing: give an object of field path → value ({} if none)")
    elif not isinstance(raw_fields, dict):
        problems.append(f"'fields' must be an object of field path → value, got {_describe(raw_fields)}")
    else:
        for key, value in raw_fields.items():
            if isinstance(value, list):
                bad = [v for v in value if not _is_scalar(v)]
                if bad:
                    problems.append(
                        f"fields[{key!r}]: list items must be numbers or strings, not {_describe(bad[0])}"
                    )
                else:
                    fields[key] = list(value)
            elif _is_scalar(value):
                fields[key] = value
            elif value is None:
                problems.append(f"fields[{key!r}] is null: leave the path out, or list it under 'unscored'")
            else:
                problems.append(
                    f"fields[{key!r}] must be a number, a string or a list, not {_describe(value)}"
                )

    findings: list[GoldFinding] = []
    raw_findings = data.get("findings", [])
    if not isinstance(raw_findings, list):
        problems.append(f"'findings' must be a list, got {_describe(raw_findings)}")
    else:
        for i, item in enumerate(raw_findings):
            if not isinstance(item, dict):
                problems.append(
                    f"findings[{i}] must be an object with 'field' and 'kind', got {_describe(item)}"
                )
                continue
            f, k, note = item.get("field"), item.get("kind"), item.get("note", "")
            if not isinstance(f, str) or not isinstance(k, str):
                problems.append(f"findings[{i}] needs string 'field' and 'kind'")
                continue
            findings.append(GoldFinding(field=f, kind=k, note=note if isinstance(note, str) else ""))

    unscored: list[str] = []
    raw_unscored = data.get("unscored", [])
    if not isinstance(raw_unscored, list) or not all(isinstance(u, str) for u in raw_unscored):
        problems.append("'unscored' must be a list of field paths")
    else:
        unscored = list(raw_unscored)

    notes = data.get("notes", "")
    if not isinstance(notes, str):
        problems.append(f"'notes' must be a string, got {_describe(notes)}")
        notes = ""

    if problems:
        raise GoldFileError("; ".join(problems), source=str(path))
    assert isinstance(source, str)
    return GoldFile(
        source=source, fields=fields, findings=findings, unscored=unscored, notes=notes, path=path
    )


def load_gold(path: str | Path) -> GoldFile:
    """Read a gold file; raise GoldFileError (naming the file and the cause) if it cannot be scored."""
    path = Path(path)
    data, _ = _read(path)
    return _parse(data, path)


@lru_cache(maxsize=1)
def known_paths() -> tuple[str, ...]:
    """Every concrete path, cumulative ones included, for suggestions."""
    base = list(vocabulary())
    return tuple(base + [CUMULATIVE_PREFIX + p for p in base if family_of(p) != "meta"])


def closest_path(path: str) -> str | None:
    matches = difflib.get_close_matches(path, known_paths(), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _unknown(path: str, what: str) -> str:
    suggestion = closest_path(path)
    hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
    return f"{what}: unknown path {path!r}{hint}"


def _scalar_problem(path: str, spec: FieldSpec, value: Scalar) -> str | None:
    kind = spec.type
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "int":
        if isinstance(value, str):
            return f"{path}: expected a whole number, got the string {value!r} (write it as a JSON number)"
        if isinstance(value, float) and not value.is_integer():
            return f"{path}: expected a whole number, got {value!r}"
        return None
    if kind == "float":
        if isinstance(value, str):
            return f"{path}: expected a number, got the string {value!r} (write it as a JSON number)"
        return None
    if not isinstance(value, str):
        if is_number:
            return f"{path}: expected a string, got the number {value!r} (write it in quotes)"
        return None
    if kind == "date":
        if not _ISO_DATE.fullmatch(value):
            return f"{path}: expected an ISO date YYYY-MM-DD, got {value!r}"
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return f"{path}: {value!r} is not a real date (YYYY-MM-DD)"
        return None
    if kind == "enum":
        allowed = ENUMS.get(path)
        if allowed is not None and value not in allowed:
            return f"{path}: {value!r} is not one of {', '.join(allowed)}"
        return None
    if not value.strip():
        return f"{path}: empty string; leave the path out if the report does not state it"
    return None


def _value_problems(path: str, spec: FieldSpec, value: GoldValue) -> list[str]:
    if isinstance(value, list):
        if not value:
            return [f"{path}: empty list; give at least one accepted value"]
        problems = [p for v in value if (p := _scalar_problem(path, spec, v)) is not None]
        if len(set(map(str, value))) != len(value):
            problems.append(f"{path}: the list repeats a value")
        return problems
    problem = _scalar_problem(path, spec, value)
    return [] if problem is None else [problem]


def _top_level_problems(data: Mapping[str, Any]) -> list[str]:
    problems = []
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            close = difflib.get_close_matches(key, TOP_LEVEL_KEYS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"unknown key {key!r}{hint}; expected {', '.join(TOP_LEVEL_KEYS)}")
    return problems


def check_gold(path: str | Path) -> list[str]:
    """Every problem with a gold file, as messages for people; [] when it is fine."""
    path = Path(path)
    try:
        data, duplicates = _read(path)
        gold = _parse(data, path)
    except GoldFileError as exc:
        return [exc.cause]

    problems = _top_level_problems(data)
    problems += [f"key {key!r} occurs twice in one object; only the last is kept" for key in duplicates]

    stem = Path(gold.source).stem
    if path.name.endswith(GOLD_SUFFIX) and gold_stem(path) != stem:
        problems.append(
            f"the file is named {path.name!r} but its source {gold.source!r} needs {stem + GOLD_SUFFIX!r}"
        )

    for field_path, value in gold.fields.items():
        spec = spec_for(field_path)
        if spec is None:
            problems.append(_unknown(field_path, "fields"))
        else:
            problems += _value_problems(field_path, spec, value)

    seen: set[tuple[str, str]] = set()
    for i, finding in enumerate(gold.findings):
        where = f"findings[{i}]"
        if finding.kind not in FINDING_KINDS:
            problems.append(f"{where}: unknown kind {finding.kind!r} (use one of {', '.join(FINDING_KINDS)})")
        if spec_for(finding.field) is None:
            problems.append(_unknown(finding.field, where))
        if (finding.field, finding.kind) in seen:
            problems.append(f"{where}: ({finding.field}, {finding.kind}) is listed twice")
        seen.add((finding.field, finding.kind))
    for i, item in enumerate(data.get("findings", [])):
        extra = sorted(set(item) - set(FINDING_KEYS)) if isinstance(item, dict) else []
        if extra:
            keys = ", ".join(map(repr, extra))
            problems.append(f"findings[{i}]: unknown keys {keys}; expected {', '.join(FINDING_KEYS)}")

    for unscored_path in gold.unscored:
        if spec_for(unscored_path) is None:
            problems.append(_unknown(unscored_path, "unscored"))
        elif unscored_path in gold.fields:
            problems.append(f"unscored: {unscored_path!r} also has a value in fields; keep one of the two")
    return problems


def gold_files(directory: str | Path, *, recursive: bool = True) -> list[Path]:
    """Every `*.gold.json` in a directory, by default with its subfolders (seeds/, dev/), sorted."""
    root = Path(directory)
    return sorted(root.rglob(f"*{GOLD_SUFFIX}") if recursive else root.glob(f"*{GOLD_SUFFIX}"))


def check_gold_dir(directory: str | Path) -> dict[str, list[str]]:
    """Problems per gold file (relative path → messages); files without problems map to []."""
    root = Path(directory)
    return {p.relative_to(root).as_posix(): check_gold(p) for p in gold_files(root)}
