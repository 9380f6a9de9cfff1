"""Write results whole or not at all: every file goes to a temporary name and is renamed.

The combined outputs of a batch (JSONL, the wide CSV and Parquet tables, the SQLite
database) are built by streaming the per-report JSON files once, so memory does not grow with
the number of reports.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import pydantic_core

from .schemas.report import Report, Value
from .schemas.vocabulary import spec_for

FORMATS = ("json", "jsonl", "csv", "parquet", "sqlite")
# Columns of the wide tables before the field paths; `path` and `sha256` name the input file.
LEAD_COLUMNS = ("source", "path", "sha256", "format", "mode", "findings", "disputes")
ROW_GROUP = 1000


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp makes files only their owner can read; results are for sharing, like any file written.
_FILE_MODE = 0o666 & ~_umask()


def write_atomic(path: Path, data: str | bytes, *, durable: bool = True) -> int:
    """Replace ``path`` with ``data`` whole; returns the number of bytes written.

    A killed process never leaves a partial file either way. ``durable=False`` skips the
    fsync that makes the file survive a power cut too: batch results pay for that with a
    size recorded in the manifest instead, so a result the disk lost is simply redone.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, _FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(raw)


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it only if the block finishes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        os.chmod(tmp, _FILE_MODE)
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _atomic_open(path: Path, mode: str, **kwargs: Any) -> Iterator[Any]:
    with atomic_path(path) as tmp, tmp.open(mode, **kwargs) as fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())


def atomic_text(path: Path, *, newline: str | None = None) -> contextlib.AbstractContextManager[IO[str]]:
    return _atomic_open(path, "w", encoding="utf-8", newline=newline)


def atomic_binary(path: Path) -> contextlib.AbstractContextManager[IO[bytes]]:
    return _atomic_open(path, "wb")


def report_json(report: Report) -> str:
    return report.model_dump_json(indent=1, exclude_none=True)


def failure_record(name: str, path: str | None, error: str, kind: str) -> dict[str, Any]:
    return {"source": name, "path": path, "error": error, "kind": kind}


def jsonl(records: Iterable[str]) -> str:
    return "".join(r.rstrip("\n") + "\n" for r in records)


def _flat_row(report: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """A report as read back from its JSON file, as one row of the wide tables."""
    fields = report.get("fields", {})
    return {"source": report.get("source"), "path": entry.get("path", ""), "sha256": entry.get("sha256", ""),
            "format": report.get("format"), "mode": report.get("mode"), "findings": len(report.get("findings", ())),
            "disputes": len(report.get("disputes", ())),
            **{path: fields[path].get("value") for path in sorted(fields)}}


def _write_csv(fh: IO[str], rows: Iterable[dict[str, Any]], paths: Sequence[str]) -> None:
    fh.write("\ufeff")
    writer = csv.writer(fh)
    columns = [*LEAD_COLUMNS, *paths]
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


# -- Parquet ------------------------------------------------------------------------------


def _arrow_type(path: str) -> Any:
    import pyarrow as pa

    spec = spec_for(path)
    kind = spec.type if spec is not None else "str"
    return {"int": pa.int64(), "float": pa.float64()}.get(kind, pa.string())


def _write_parquet(target: Path, rows: Iterable[dict[str, Any]], paths: Sequence[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    lead = [("source", pa.string()), ("path", pa.string()), ("sha256", pa.string()), ("format", pa.string()),
            ("mode", pa.string()), ("findings", pa.int64()), ("disputes", pa.int64())]
    schema = pa.schema([*lead, *((p, _arrow_type(p)) for p in paths)])
    names = schema.names

    def batch(chunk: list[dict[str, Any]]) -> Any:
        columns = []
        for name, kind in zip(names, schema.types, strict=True):
            values = [row.get(name) for row in chunk]
            if kind == pa.string():
                values = [None if v is None else str(v) for v in values]
            elif kind == pa.float64():
                values = [None if v is None else float(v) for v in values]
            columns.append(pa.array(values, type=kind))
        return pa.RecordBatch.from_arrays(columns, schema=schema)

    with atomic_path(target) as tmp:
        with pq.ParquetWriter(tmp, schema) as writer:
            chunk: list[dict[str, Any]] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= ROW_GROUP:
                    writer.write_batch(batch(chunk))
                    chunk = []
            if chunk or not paths:
                writer.write_batch(batch(chunk))


# -- SQLite -------------------------------------------------------------------------------

# Indexes are built after the rows are in: one sort instead of a B-tree update per row.
# The fields table is stored in its key order (rows arrive in it, so they are appended):
# a fifth smaller, and no separate key index to fill.
SQLITE_INDEXES = """
CREATE INDEX fields_by_path ON fields(path);
CREATE INDEX findings_by_kind ON findings(kind);
CREATE INDEX summary_by_indicator ON summary(indicator);
"""
SQLITE_SCHEMA = """
CREATE TABLE reports (
  id INTEGER PRIMARY KEY, stem TEXT UNIQUE, source TEXT, path TEXT, sha256 TEXT,
  format TEXT, mode TEXT, model TEXT, encoding TEXT, kind TEXT,
  agency TEXT, year INTEGER, level TEXT, province TEXT,
  pipeline_version TEXT, fields INTEGER, findings INTEGER, disputes INTEGER, repairs INTEGER,
  warnings TEXT
);
CREATE TABLE fields (
  report_id INTEGER NOT NULL REFERENCES reports(id), path TEXT NOT NULL, value,
  method TEXT, rule TEXT, clean_start INTEGER, clean_end INTEGER, source_start INTEGER, source_end INTEGER,
  text TEXT, table_index INTEGER, row_index INTEGER, column_index INTEGER,
  dispute_value, dispute_method TEXT,
  PRIMARY KEY (report_id, path)
) WITHOUT ROWID;
CREATE TABLE findings (
  report_id INTEGER NOT NULL REFERENCES reports(id), field TEXT, kind TEXT, message TEXT, figures TEXT
);
CREATE TABLE disputes (
  report_id INTEGER NOT NULL REFERENCES reports(id), field TEXT, kept, kept_method TEXT,
  other, other_method TEXT, other_start INTEGER, other_end INTEGER
);
CREATE TABLE summary (
  report_id INTEGER NOT NULL REFERENCES reports(id), indicator TEXT, value, from_fields TEXT
);
CREATE VIEW field_values AS
  SELECT r.stem, r.agency, r.year, r.format, f.path, f.value, f.method
  FROM fields f JOIN reports r ON r.id = f.report_id;
"""


def _span(span: list[int] | None, i: int) -> int | None:
    return None if span is None else span[i]


_FIGURE_KEYS = ("path", "value", "clean_span", "source_span")  # every key, as the database always had them


def _insert_report(db: sqlite3.Connection, report_id: int, entry: dict[str, Any], report: dict[str, Any]) -> None:
    """One report, as read back from its JSON file (absent keys are the ``None`` the file omits)."""
    fields: dict[str, dict[str, Any]] = report.get("fields", {})
    findings: list[dict[str, Any]] = report.get("findings", [])
    disputes: list[dict[str, Any]] = report.get("disputes", [])

    def meta(path: str) -> Value | None:
        return fields[path].get("value") if path in fields else None

    db.execute(
        "INSERT INTO reports VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (report_id, entry.get("stem"), report.get("source"), entry.get("path"), entry.get("sha256"),
         report.get("format"), report.get("mode"), report.get("model"), report.get("encoding"), report.get("kind"),
         meta("meta.agency"), meta("meta.year"), meta("meta.level"), meta("meta.province"),
         report.get("pipeline_version"), len(fields), len(findings), len(disputes), report.get("repairs", 0),
         json.dumps(report.get("warnings", []), ensure_ascii=False)),
    )
    by_field = {d["field"]: d for d in disputes}
    rows = []
    for path in sorted(fields):
        fv = fields[path]
        prov = fv.get("provenance", {})
        dispute = by_field.get(path, {})
        clean, source = prov.get("clean_span"), prov.get("source_span")
        rows.append((report_id, path, fv.get("value"), prov.get("method"), prov.get("rule"), _span(clean, 0),
                     _span(clean, 1), _span(source, 0), _span(source, 1), prov.get("text"), prov.get("table"),
                     prov.get("row"), prov.get("column"), dispute.get("other"), dispute.get("other_method")))
    db.executemany("INSERT INTO fields VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.executemany(
        "INSERT INTO findings VALUES (?,?,?,?,?)",
        [(report_id, f.get("field"), f.get("kind"), f.get("message"),
          json.dumps([{key: g.get(key) for key in _FIGURE_KEYS} for g in f.get("figures", [])], ensure_ascii=False))
         for f in findings],
    )
    db.executemany(
        "INSERT INTO disputes VALUES (?,?,?,?,?,?,?,?)",
        [(report_id, d.get("field"), d.get("kept"), d.get("kept_method"), d.get("other"), d.get("other_method"),
          _span(d.get("other_span"), 0), _span(d.get("other_span"), 1)) for d in disputes],
    )
    indicators: dict[str, dict[str, Any]] = report.get("summary", {}).get("indicators", {})
    db.executemany(
        "INSERT INTO summary VALUES (?,?,?,?)",
        [(report_id, name, indicators[name].get("value"),
          json.dumps(indicators[name].get("from_fields", []), ensure_ascii=False)) for name in sorted(indicators)],
    )


# -- the combined outputs -----------------------------------------------------------------


def write_combined(out_dir: Path, entries: Sequence[dict[str, Any]], *, formats: Sequence[str],
                   failures: Sequence[dict[str, Any]]) -> None:
    """Build results.jsonl/.csv/.parquet/.sqlite from the per-report JSON files of ``entries``.

    One pass over the reports writes the JSONL and the database and keeps each report's flat
    row in a scratch file; the wide tables need every column before their first row.
    """
    want = set(formats)
    paths: set[str] = set()
    with contextlib.ExitStack() as stack:
        jsonl_fh = stack.enter_context(atomic_binary(out_dir / "results.jsonl")) if "jsonl" in want else None
        db = None
        if "sqlite" in want:
            db_tmp = stack.enter_context(atomic_path(out_dir / "results.sqlite"))
            db_tmp.unlink()
            db = sqlite3.connect(db_tmp)
            stack.callback(db.close)
            # A scratch file until it is renamed into place: no journal, no syncs while filling it.
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.executescript(SQLITE_SCHEMA)
        scratch = stack.enter_context(tempfile.TemporaryFile("w+b", dir=out_dir))
        for report_id, entry in enumerate(entries, start=1):
            # Our own files, validated when written: read as plain JSON, which is several times
            # faster than validating; pydantic_core's parser and writer are faster again than json's
            # (its compact output is the same bytes as json.dumps(..., ensure_ascii=False)).
            report = pydantic_core.from_json((out_dir / f"{entry['stem']}.json").read_bytes())
            if jsonl_fh is not None:
                jsonl_fh.write(pydantic_core.to_json(report) + b"\n")
            if db is not None:
                _insert_report(db, report_id, entry, report)
            paths.update(report.get("fields", ()))
            scratch.write(pydantic_core.to_json(_flat_row(report, entry)) + b"\n")
        if db is not None:
            db.executescript(SQLITE_INDEXES)
            db.commit()
            db.close()
        ordered = sorted(paths)

        def rows() -> Iterator[dict[str, Any]]:
            scratch.seek(0)
            for line in scratch:
                yield pydantic_core.from_json(line)

        if "csv" in want:
            with atomic_text(out_dir / "results.csv", newline="") as fh:
                _write_csv(fh, rows(), ordered)
        if "parquet" in want:
            _write_parquet(out_dir / "results.parquet", rows(), ordered)
    if failures:
        write_atomic(out_dir / "failures.jsonl", jsonl(json.dumps(f, ensure_ascii=False) for f in failures))
    else:
        (out_dir / "failures.jsonl").unlink(missing_ok=True)
