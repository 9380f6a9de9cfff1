"""Write results whole or not at all: every file goes to a temporary name and is renamed."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .schemas.report import Report


def write_atomic(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def report_json(report: Report) -> str:
    return report.model_dump_json(indent=1, exclude_none=True)


def failure_record(name: str, path: str | None, error: str, kind: str) -> dict[str, Any]:
    return {"source": name, "path": path, "error": error, "kind": kind}


def jsonl(records: Iterable[str]) -> str:
    return "".join(r.rstrip("\n") + "\n" for r in records)


def wide_csv(reports: Sequence[Report]) -> str:
    """One row per report, one column per field path; UTF-8 with BOM so spreadsheets read Chinese."""
    paths = sorted({p for r in reports for p in r.fields})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["source", "format", "findings", *paths])
    for r in reports:
        flat = r.flatten()
        writer.writerow([r.source, r.format, len(r.findings), *(flat.get(p, "") for p in paths)])
    return "\ufeff" + buffer.getvalue()


def unique_stem(stem: str, taken: set[str]) -> str:
    """Two inputs with one file name (from different folders) must not overwrite each other."""
    candidate, n = stem, 2
    while candidate in taken:
        candidate, n = f"{stem}-{n}", n + 1
    taken.add(candidate)
    return candidate


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)
