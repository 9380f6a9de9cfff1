"""Read one report from disk (plain text, HTML, Word .docx or PDF) into a :class:`Source`.

Nothing here cleans the text: for text files ``Source.text`` is the decoded file exactly
(``\\r\\n`` kept), so source offsets index what is on disk. HTML, Word and PDF have no
such "text on disk"; their ``Source.text`` is what the loader read out of them, in
reading order, with every table written as one line per row and cells separated by
tabs (merged cells repeated in every row/column they span), fenced by blank lines.

Every failure is an :class:`~extractor.errors.InputError` subclass whose message names
the file, says what is wrong and what to do; library exceptions never escape raw (they
are chained as ``__cause__`` for debugging).

This module is the stage's entry point: it checks the path and the size, tells the format
from the suffix and the magic bytes, and hands the bytes to one reader in a sibling
module: :mod:`extractor.load_text` (encoding detection and decoding),
:mod:`extractor.load_html`, :mod:`extractor.load_docx` or :mod:`extractor.load_pdf`.
It also expands command-line inputs (files, directories, globs) into report files.

Public API: :func:`load`, :func:`load_bytes`, :func:`load_text`, :func:`decode_text`,
:func:`expand_inputs`, :data:`SUPPORTED_SUFFIXES`.
"""

from __future__ import annotations

import glob
import io
import os
import re
import stat
import zipfile
from collections.abc import Sequence
from pathlib import Path

from .config import DEFAULT_MAX_BYTES
from .document import Source
from .errors import (
    ConfigError,
    DecodingError,
    EmptyInputError,
    ExtractorError,
    InputError,
    InputTooLargeError,
    MissingInputError,
    UnsupportedInputError,
)
from .load_docx import _load_docx
from .load_html import _load_html
from .load_pdf import _load_pdf
from .load_text import _BINARY_HINT, _LIMIT_HINT, _is_blank, _load_text_file, _text_source, decode_text

__all__ = [
    "SUPPORTED_SUFFIXES",
    "decode_text",
    "expand_inputs",
    "load",
    "load_bytes",
    "load_text",
]

TEXT_SUFFIXES: frozenset[str] = frozenset({".txt", ".text", ".md", ".csv", ".tsv"})
HTML_SUFFIXES: frozenset[str] = frozenset({".html", ".htm", ".xhtml"})
SUPPORTED_SUFFIXES: tuple[str, ...] = (
    ".txt", ".text", ".md", ".csv", ".tsv", ".html", ".htm", ".xhtml", ".docx", ".pdf",
)
_SUPPORTED_LIST = " ".join(SUPPORTED_SUFFIXES)


# --------------------------------------------------------------------------- entry points


def load(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read the report at ``path``; the suffix picks the reader, strong magic bytes win over it.

    A ``.txt`` that is really a PDF or a .docx is read as one (mislabelled downloads are
    common); files with an unknown suffix are sniffed (PDF, .docx, HTML, else text).
    """
    if max_bytes <= 0:
        raise ConfigError(f"max_bytes must be a positive number of bytes, not {max_bytes}")
    p = Path(os.fspath(path))
    source = str(p)
    try:
        info = p.stat()
    except FileNotFoundError as exc:
        raise MissingInputError("file not found; check the path and the current directory",
                                source=source) from exc
    except PermissionError as exc:
        raise InputError("permission denied; check the file's permissions", source=source) from exc
    except OSError as exc:
        raise InputError(f"cannot access the file ({exc.strerror or exc}); check the path",
                         source=source) from exc
    if stat.S_ISDIR(info.st_mode):
        raise UnsupportedInputError(
            "is a directory, not a report file; pass the files in it, or use expand_inputs() "
            "(the command line expands directories and globs for you)",
            source=source,
        )
    if not stat.S_ISREG(info.st_mode):
        raise UnsupportedInputError("is not a regular file (device, socket or pipe); pass a report file",
                                    source=source)
    # Checked before reading so an oversized file costs nothing.
    if info.st_size > max_bytes:
        raise InputTooLargeError(
            f"file is {info.st_size:,} bytes, above the limit of {max_bytes:,} bytes; {_LIMIT_HINT}",
            source=source,
        )
    data = _read_bytes(p, max_bytes, source)
    return load_bytes(data, p.name, path=p, max_bytes=max_bytes, source=source)


def load_bytes(
    data: bytes,
    name: str,
    *,
    path: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    source: str | None = None,
) -> Source:
    """Read a report held in memory; ``name``'s suffix picks the reader like :func:`load` does."""
    source = source or name
    if len(data) > max_bytes:
        raise InputTooLargeError(f"input is {len(data):,} bytes, above the limit of {max_bytes:,} bytes; "
                                 f"{_LIMIT_HINT}", source=source)
    if not data:
        raise EmptyInputError("file is empty (0 bytes); check that the download or export finished",
                              source=source)
    suffix = Path(name).suffix.lower()
    magic = _magic(data, strict_pdf=suffix != ".pdf")
    if magic == "pdf":
        return _load_pdf(data, name, path, source)
    if magic == "docx":
        return _load_docx(data, name, path, source, max_bytes)
    if magic is not None:
        raise UnsupportedInputError(_MAGIC_MESSAGES[magic], source=source)
    if suffix == ".docx":
        raise UnsupportedInputError(
            "not a valid .docx (it is not a zip archive); the file is corrupt or mislabelled: "
            "open it in Word/WPS and save it again as .docx",
            source=source,
        )
    if suffix == ".pdf":
        raise UnsupportedInputError(
            "not a valid PDF (no %PDF header); the file is corrupt, truncated or mislabelled: "
            "download it again",
            source=source,
        )
    if suffix in TEXT_SUFFIXES:
        return _load_text_file(data, name, path, source)
    if suffix in HTML_SUFFIXES:
        return _load_html(data, name, path, source)
    return _load_unknown(data, name, path, source, suffix)


def load_text(text: str, name: str = "<text>") -> Source:
    """Wrap text that is already in memory (pasted, fetched, from a test) as a Source."""
    if not isinstance(text, str):
        raise ConfigError(
            f"load_text() takes str, not {type(text).__name__}; decode it first, or use load_bytes()",
            source=name,
        )
    if _is_blank(text):
        raise EmptyInputError("the text is empty or only whitespace; pass the report's text", source=name)
    return Source(name=name, text=text, kind="text", encoding=None, path=None)


def _read_bytes(p: Path, max_bytes: int, source: str) -> bytes:
    try:
        with p.open("rb") as handle:
            # One byte past the limit: a file that grew after stat() is still caught.
            data = handle.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise MissingInputError("file disappeared while being read; check the path", source=source) from exc
    except PermissionError as exc:
        raise InputError("permission denied; check the file's permissions", source=source) from exc
    except IsADirectoryError as exc:
        raise UnsupportedInputError("is a directory, not a report file; use expand_inputs()",
                                    source=source) from exc
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc}); check the disk and retry",
                         source=source) from exc
    if len(data) > max_bytes:
        raise InputTooLargeError(f"file is above the limit of {max_bytes:,} bytes; {_LIMIT_HINT}",
                                 source=source)
    return data


# --------------------------------------------------------------------------- input expansion


def expand_inputs(inputs: Sequence[str]) -> tuple[list[Path], list[tuple[str, ExtractorError]]]:
    """Turn command-line style inputs into report files, collecting problems instead of raising.

    Each input is a file (taken as is, whatever its suffix), a directory (searched
    recursively for files with a supported suffix; hidden entries and Office lock files
    ``~$*`` skipped), or a glob pattern (``*``, ``?``, ``[...]``, ``**`` recursive) whose
    matches are filtered like a directory's. Results keep input order, each directory or
    glob sorted, duplicates removed. A missing path or a pattern that matches no report
    comes back in the failure list as a MissingInputError.
    """
    paths: list[Path] = []
    failures: list[tuple[str, ExtractorError]] = []
    seen: set[str] = set()

    def add(candidate: Path) -> None:
        key = _dedupe_key(candidate)
        if key not in seen:
            seen.add(key)
            paths.append(candidate)

    for raw in inputs:
        text = os.path.expanduser(raw) if raw else raw
        if not text:
            failures.append((raw, MissingInputError("empty path; pass a file, directory or glob",
                                                    source=raw)))
            continue
        p = Path(text)
        # A literal name wins over glob syntax: "report[1].txt" may exist as such.
        if p.is_file():
            add(p)
        elif p.is_dir():
            found, errors = _walk_dir(p, raw)
            failures.extend(errors)
            if not found and not errors:
                failures.append((raw, MissingInputError(
                    f"directory has no report files ({_SUPPORTED_LIST}); check the path", source=raw)))
            for f in found:
                add(f)
        elif glob.has_magic(text):
            matched, anything = _expand_glob(text, raw, failures)
            if not matched:
                why = (
                    "matched files, but none with a supported suffix "
                    f"({_SUPPORTED_LIST}); name such a file explicitly to load it anyway"
                    if anything
                    else "pattern matched nothing; check the pattern and the current directory"
                )
                failures.append((raw, MissingInputError(why, source=raw)))
            for f in matched:
                add(f)
        elif p.exists():
            add(p)  # a pipe or device: load() explains why it cannot read it
        else:
            failures.append((raw, MissingInputError(
                "no such file or directory; check the path and the current directory", source=raw)))
    return paths, failures


def _dedupe_key(p: Path) -> str:
    try:
        return str(p.resolve())
    except OSError:
        return str(p.absolute())


def _is_candidate(name: str) -> bool:
    return (
        not name.startswith(".")
        and not name.startswith("~$")
        and Path(name).suffix.lower() in SUPPORTED_SUFFIXES
    )


def _walk_dir(root: Path, raw: str) -> tuple[list[Path], list[tuple[str, ExtractorError]]]:
    found: list[Path] = []
    errors: list[tuple[str, ExtractorError]] = []

    def on_error(exc: OSError) -> None:
        where = exc.filename or raw
        errors.append((str(where), InputError(
            f"cannot list the directory ({exc.strerror or exc}); check its permissions", source=str(where))))

    # os.walk (not rglob) so unreadable sub-directories become failures instead of silent gaps.
    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fname in sorted(filenames):
            full = Path(dirpath) / fname
            if _is_candidate(fname) and full.is_file():
                found.append(full)
    found.sort(key=lambda f: f.relative_to(root).parts)
    return found, errors


def _expand_glob(
    pattern: str, raw: str, failures: list[tuple[str, ExtractorError]]
) -> tuple[list[Path], bool]:
    """Files matched by ``pattern`` that look like reports, and whether it matched anything at all."""
    matched: list[Path] = []
    anything = False
    for hit in sorted(glob.glob(pattern, recursive=True)):
        anything = True
        hp = Path(hit)
        if hp.is_dir():
            found, errors = _walk_dir(hp, raw)
            matched.extend(found)
            failures.extend(errors)
        elif hp.is_file() and _is_candidate(hp.name):
            matched.append(hp)
    return matched, anything


# --------------------------------------------------------------------------- sniffing

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"BM", "bmp"),
)
_MAGIC_MESSAGES: dict[str, str] = {
    "ole": (f"{_BINARY_HINT} (an old-style Office file such as .doc/.xls/.wps, or a password-protected "
            ".docx); convert it to .docx or PDF first (e.g. libreoffice --headless --convert-to docx)"),
    "zip": (f"{_BINARY_HINT} (a zip archive that is not a Word document); unpack it and pass the report "
            "files inside"),
    "xlsx": f"{_BINARY_HINT} (an Excel workbook); export the report as .docx, PDF or text",
    "pptx": f"{_BINARY_HINT} (a PowerPoint file); export the report as PDF or text",
    "rtf": "an RTF document, which is not supported; save it as .docx or plain text",
    "png": f"{_BINARY_HINT} (a PNG image); OCR the image to text first (e.g. tesseract)",
    "jpeg": f"{_BINARY_HINT} (a JPEG image); OCR the image to text first (e.g. tesseract)",
    "gif": f"{_BINARY_HINT} (a GIF image); OCR the image to text first",
    "tiff": f"{_BINARY_HINT} (a TIFF image); OCR the image to text first (e.g. tesseract)",
    "bmp": f"{_BINARY_HINT} (a BMP image); OCR the image to text first",
}


def _magic(data: bytes, *, strict_pdf: bool) -> str | None:
    """Name the container format the bytes announce, or None for "could be text/HTML"."""
    # PDF allows junk before the header; outside .pdf files only trust it at the very start.
    if data.startswith(b"%PDF-") or (not strict_pdf and data.find(b"%PDF-", 0, 1024) >= 0):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "ppt/presentation.xml" in names:
            return "pptx"
        return "zip"
    if data.startswith(_OLE_MAGIC):
        return "ole"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    for signature, kind in _IMAGE_MAGIC:
        # "BM" is too short to trust on its own: text could start with it.
        if data.startswith(signature) and (kind != "bmp" or b"\x00" in data[:32]):
            return kind
    return None


_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body|table|meta\s)", re.IGNORECASE)


def _load_unknown(data: bytes, name: str, path: Path | None, source: str, suffix: str) -> Source:
    try:
        text, encoding = decode_text(data, source=source)
    except (UnsupportedInputError, DecodingError) as exc:
        label = suffix or "(no suffix)"
        raise UnsupportedInputError(
            f"unsupported file type {label} and the content is not text; "
            f"supported types: {_SUPPORTED_LIST}", source=source,
        ) from exc
    if _HTML_START.search(text[:2048]):
        return _load_html(data, name, path, source)
    return _text_source(text, encoding, name, path, source)
