"""A benchmark corpus grown from the bundled real reports, shaped like a crawl.

``generate_corpus(out_dir, n, seed=...)`` writes ``n`` report files made from the reports
under ``corpus/seeds`` and ``corpus/dev``, each in a variant copying really produces: the
original bytes; re-encoded as GB18030, as Big5 after OpenCC's s2t (Taiwan forms), as UTF-16
with BOM; wrapped as an HTML page (tab rows as a real ``<table>``, in UTF-8 or GBK); with
web remnants left in the text (``&nbsp;`` indentation, ``<br>`` for line breaks); with
another agency or year (within the report's era) in the heading; and a few Word files.
No variant touches a figure, so every file must give its origin's figures.

Files go into sorted ``<province>/<year>/`` folders of a few hundred, named
``<index>_<content hash>.<suffix>``; each carries a page footer with its own index number,
so no two files have the same content. ``origins.json`` in ``out_dir`` maps every file's
relative path to the bundled report it came from (``seeds/000_....txt``, ``dev/...``).
The same seed gives the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import random
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["CORPUS", "ORIGINS_FILE", "GeneratedFile", "generate_corpus", "generate_corpus_with_origins",
           "load_origins"]

CORPUS = Path(__file__).parent / "corpus"
ORIGINS_FILE = "origins.json"
_ORIGIN_DIRS = ("seeds", "dev")
_SUFFIXES = (".txt", ".docx")

_PROVINCES = ("anhui", "fujian", "guangdong", "hebei", "henan", "hubei", "hunan", "jiangsu", "jiangxi",
              "shandong", "sichuan", "zhejiang")
_FIRST_YEAR_DIR = 2014

# Containers and encodings, with their share of the corpus.
_CONTAINERS: tuple[tuple[str, int], ...] = (
    ("original", 30),
    ("gb18030", 14),
    ("big5", 12),
    ("utf16", 12),
    ("html", 20),
    ("html-gbk", 8),
    ("docx", 2),  # slow to write and to read: a small share
)
_TEXT_CONTAINERS = frozenset({"original", "gb18030", "big5", "utf16"})
_P_RENAME = 0.3
_P_REMNANTS = 0.25
_P_BR = 0.3  # share of line breaks a remnant copy shows as <br>
_P_NBSP = 0.4  # share of prose lines a remnant copy indents with &nbsp;

# Two-character place-name stems for renamed agencies (every one has a Big5 form).
_STEM_FIRST = "青白龙桃新东西南北石清云金凤柳梅竹松兰杏"
_STEM_SECOND = "山沙泉源城湖岭塘关门溪台坪林园浦江桥口湾"
_PLACE_RE = re.compile(r"([\u4e00-\u9fff]{2})(?=镇|乡|街道|县|区|市)")
_HEADING_YEAR_RE = re.compile(r"(?<![0-9])(20[0-9]{2})(?=\s*年)")
_ANNOTATION_RE = re.compile(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")


@dataclass(frozen=True)
class GeneratedFile:
    path: Path
    origin: str  # the bundled report it was made from, relative to corpus/ ("seeds/000_....txt")
    variant: str  # container and modifications, e.g. "gb18030+renamed"


@dataclass(frozen=True)
class _Base:
    origin: str
    data: bytes  # the file as bundled
    suffix: str
    text: str  # as the loader reads it
    encoding: str  # the encoding of the original text ("utf-8" for Word files)
    heading: tuple[int, int] | None  # character span of the heading lines, if there is one
    era: tuple[int, int]  # plausible years for a renamed heading
    damaged: bool  # pinyin annotations / mojibake: only byte-level copies keep its repairs exact
    big5: bool  # the s2t form encodes in Big5 without loss


def _heading_span(text: str) -> tuple[int, int] | None:
    """The lines up to the title (the first short line saying 年度报告), within the first few."""
    pos = 0
    seen = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            seen += 1
            if "年度报告" in stripped and len(stripped) <= 60:
                return 0, pos + len(line)
            if seen >= 4 or len(stripped) > 60:
                return None
        pos += len(line)
    return None


def _era(year: int | None) -> tuple[int, int]:
    if year is None or year < 2019:
        return 2010, 2018  # before the 2019 template
    if year < 2021:
        return 2019, 2020
    return 2021, 2025


@lru_cache(maxsize=2)
def _converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def _big5_text(text: str) -> str:
    return str(_converter("s2tw").convert(text)).replace("\xa0", " ")  # Taiwan forms: Big5 has them all


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=1)
def _bases() -> tuple[_Base, ...]:
    from ..load import load

    bases = []
    for folder in _ORIGIN_DIRS:
        for path in sorted((CORPUS / folder).iterdir()):
            if path.suffix.lower() not in _SUFFIXES or not path.is_file():
                continue
            source = load(path)
            text = source.text
            heading = _heading_span(text)
            year = None
            if heading is not None and (m := _HEADING_YEAR_RE.search(text, *heading)):
                year = int(m.group(1))
            damaged = len(_ANNOTATION_RE.findall(text)) >= 5
            bases.append(_Base(
                origin=f"{folder}/{path.name}", data=path.read_bytes(), suffix=path.suffix.lower(), text=text,
                encoding=source.encoding or "utf-8", heading=heading, era=_era(year), damaged=damaged,
                big5=not damaged and _encodes(_big5_text(text), "big5"),
            ))
    if not bases:
        raise FileNotFoundError(f"no bundled reports under {CORPUS}")
    return tuple(bases)


# --------------------------------------------------------------------------- text changes


def _renamed(text: str, base: _Base, rng: random.Random) -> str | None:
    """The heading with another agency and/or another year of the same era; None if no heading."""
    if base.heading is None:
        return None
    a, b = base.heading
    head = text[a:b]
    new = head
    place = _PLACE_RE.search(head)
    if place is not None and rng.random() < 0.7:
        stem = rng.choice(_STEM_FIRST) + rng.choice(_STEM_SECOND)
        new = new.replace(place.group(1), stem)
    if _HEADING_YEAR_RE.search(new) and (new == head or rng.random() < 0.6):
        year = str(rng.randint(*base.era))
        new = _HEADING_YEAR_RE.sub(year, new)
    if new == head:
        return None
    return text[:a] + new + text[b:]


def _with_remnants(text: str, rng: random.Random) -> str:
    """What a copy out of a web page keeps: &nbsp; indentation and <br> for some line breaks."""
    out: list[str] = []
    lines = text.splitlines(keepends=True)
    for k, line in enumerate(lines):
        body = line.rstrip("\r\n")
        end = line[len(body):]
        if body.strip() and "\t" not in body and rng.random() < _P_NBSP:
            body = "&nbsp;" * rng.choice((2, 4)) + body.lstrip(" \u3000")
        # A break shown as <br> only between two lines of text: blank lines keep their meaning.
        nxt = lines[k + 1] if k + 1 < len(lines) else ""
        if end and body.strip() and nxt.strip() and rng.random() < _P_BR:
            end = "<br>"
        out.append(body + end)
    return "".join(out)


def _footer(text: str, index: int, rng: random.Random) -> str:
    newline = "\r\n" if "\r\n" in text else "\n"
    code = f"{rng.getrandbits(40):010x}"
    body = text if text.endswith(("\n", "\r")) else text + newline
    return f"{body}{newline}索引号：{code}-{index:05d}。{newline}"


def _as_html(text: str, charset: str, title: str) -> str:
    """Prose as paragraphs, runs of tab rows as one <table>, inside a page with script and style."""
    parts: list[str] = []
    rows: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\f", "").split("\n"):
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        if "\t" in line.strip("\t") and len(cells) >= 2:
            rows.append("<tr>" + "".join(f"<td>{html.escape(c, quote=False)}</td>" for c in cells) + "</tr>")
            continue
        if rows:
            parts.append('<table border="1" cellspacing="0">' + "".join(rows) + "</table>")
            rows = []
        parts.append(f"<p>{html.escape(line, quote=False)}</p>" if line.strip() else "<p>&nbsp;</p>")
    if rows:
        parts.append('<table border="1" cellspacing="0">' + "".join(rows) + "</table>")
    return (
        f'<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{html.escape(title, quote=False)}</title><style>p{{text-indent:2em}}</style>"
        "<script>var _hmt=_hmt||[];</script></head>\n<body><div class=\"article\">\n"
        + "\n".join(parts)
        + "\n</div></body></html>\n"
    )


# --------------------------------------------------------------------------- Word files

_DOCX_DATE = (2020, 1, 1, 0, 0, 0)
_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@lru_cache(maxsize=16)
def _docx_template(text: str) -> tuple[dict[str, bytes], tuple[str, ...]]:
    """The parts of a python-docx document with one paragraph per line, and the part order."""
    import datetime as dt

    import docx

    document = docx.Document()
    stamp = dt.datetime(2020, 1, 1)
    document.core_properties.created = stamp
    document.core_properties.modified = stamp
    for line in text.replace("\r\n", "\n").replace("\f", "").split("\n"):  # no form feeds in XML
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        names = tuple(archive.namelist())
        parts = {name: archive.read(name) for name in names}
    return parts, names


def _docx_bytes(base_text: str, heading: tuple[str, str] | None, footer: str) -> bytes:
    """A Word copy of ``base_text``: python-docx builds it once; each copy patches the heading and a footer."""
    parts, names = _docx_template(base_text)
    xml = parts["word/document.xml"].decode("utf-8")
    if heading is not None:
        old, new = (html.escape(s, quote=False) for s in heading)
        xml = xml.replace(f">{old}</w:t>", f">{new}</w:t>", 1)
    paragraph = f"<w:p><w:r><w:t>{html.escape(footer, quote=False)}</w:t></w:r></w:p>"
    at = xml.rfind("<w:sectPr")
    xml = xml[:at] + paragraph + xml[at:] if at >= 0 else xml.replace("</w:body>", paragraph + "</w:body>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_DOCX_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, xml.encode("utf-8") if name == "word/document.xml" else parts[name])
    return buffer.getvalue()


# --------------------------------------------------------------------------- the corpus


def _allowed(base: _Base, container: str) -> bool:
    if base.damaged:
        # its repairs read the raw characters: only copies that give back the same text
        return container in ("original", "gb18030", "utf16")
    if container == "big5":
        return base.big5
    return True


def _title(text: str, base: _Base) -> str:
    if base.heading is None:
        return "政府信息公开工作年度报告"
    return "".join(text[slice(*base.heading)].split())


def _one(base: _Base, index: int, rng: random.Random, first_use: bool) -> tuple[bytes, str, str]:
    """(content, suffix, variant) of one file."""
    choices = [(c, w) for c, w in _CONTAINERS if _allowed(base, c)]
    container = rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]
    if container == "original" and first_use:
        return base.data, base.suffix, "original"
    text = base.text
    tags = [container]
    renamed = _renamed(text, base, rng) if not base.damaged and rng.random() < _P_RENAME else None
    if renamed is not None:
        tags.append("renamed")
    if container == "docx":
        heading = None
        if renamed is not None and base.heading is not None:
            a, b = base.heading
            old_lines = text[a:b].replace("\r\n", "\n").split("\n")
            new_lines = renamed[a:b + len(renamed) - len(text)].replace("\r\n", "\n").split("\n")
            changed = [(o, n) for o, n in zip(old_lines, new_lines, strict=False) if o != n]
            heading = changed[0] if changed else None
        footer = _footer("", index, rng).strip()
        return _docx_bytes(text, heading, footer), ".docx", "+".join(tags)
    text = renamed if renamed is not None else text
    if container in _TEXT_CONTAINERS and not base.damaged and rng.random() < _P_REMNANTS:
        text = _with_remnants(text, rng)
        tags.append("remnants")
    text = _footer(text, index, rng)
    if container == "original":
        return text.encode(base.encoding), ".txt", "+".join(tags)
    if container == "gb18030":
        return text.encode("gb18030"), ".txt", "+".join(tags)
    if container == "utf16":
        return text.encode("utf-16"), ".txt", "+".join(tags)  # with BOM
    if container == "big5":
        return _big5_text(text).encode("big5"), ".txt", "+".join(tags)
    if container == "html":
        return _as_html(text, "utf-8", _title(text, base)).encode("utf-8"), ".html", "+".join(tags)
    page = _as_html(text, "gb2312", _title(text, base))
    return page.encode("gb18030"), ".htm", "+".join(tags)


def _folder(chunk: int) -> str:
    # 12 provinces and 11 years are coprime: every chunk below 132 gets its own folder
    return f"{_PROVINCES[chunk % len(_PROVINCES)]}/{_FIRST_YEAR_DIR + chunk % 11}"


def generate_corpus_with_origins(out_dir: Path, n: int, *, seed: int = 0,
                                 per_folder: int = 250) -> list[GeneratedFile]:
    """Write ``n`` files (see the module docstring) and ``origins.json``; return them sorted by path."""
    if n < 0:
        raise ValueError("n must be >= 0")
    if per_folder < 1:
        raise ValueError("per_folder must be >= 1")
    out_dir = Path(out_dir)
    bases = _bases()
    rng = random.Random(seed)
    used: set[str] = set()
    hashes: set[bytes] = set()
    made: list[GeneratedFile] = []
    for index in range(n):
        base = bases[rng.randrange(len(bases))]
        data, suffix, variant = _one(base, index, rng, base.origin not in used)
        used.add(base.origin)
        digest = hashlib.sha1(data).digest()
        if digest in hashes:  # cannot happen (every copy but the first carries its index); be sure
            raise AssertionError(f"file {index} repeats an earlier file's content")
        hashes.add(digest)
        rel = f"{_folder(index // per_folder)}/{index:05d}_{digest.hex()[:12]}{suffix}"
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        made.append(GeneratedFile(path, base.origin, variant))
    made.sort(key=lambda f: f.path.relative_to(out_dir).parts)
    origins = {f.path.relative_to(out_dir).as_posix(): f.origin for f in made}
    (out_dir / ORIGINS_FILE).write_text(json.dumps(origins, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                        encoding="utf-8")
    return made


def generate_corpus(out_dir: Path, n: int, *, seed: int = 0) -> list[Path]:
    """Write ``n`` report files made from the bundled reports into ``out_dir``; return their paths, sorted."""
    return [f.path for f in generate_corpus_with_origins(out_dir, n, seed=seed)]


def load_origins(out_dir: Path) -> dict[str, str]:
    """``origins.json`` of a generated corpus: relative path -> bundled report (relative to corpus/)."""
    data: dict[str, str] = json.loads((Path(out_dir) / ORIGINS_FILE).read_text(encoding="utf-8"))
    return data


def origin_path(origin: str) -> Path:
    """The bundled report an ``origins.json`` entry names."""
    return CORPUS / origin


def variant_counts(files: Sequence[GeneratedFile]) -> dict[str, int]:
    """How many files of each container, for a quick look at the mix."""
    counts: dict[str, int] = {}
    for f in files:
        key = f.variant.split("+")[0]
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))
