"""The same report in another encoding, script or container must give the same figures."""

from __future__ import annotations

import html
from pathlib import Path

import docx
import opencc
import pytest

from extractor import extract

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "evals" / "corpus" / "seeds").glob("*.txt"))
DEV = ROOT / "evals" / "corpus" / "dev" / "hongze_2023.txt"
CLEAN_SEEDS = [p for p in SEEDS if not p.name.startswith("003_")]  # 003 is already damaged in its own way


def _numbers(path: Path) -> dict[str, object]:
    flat = extract(path, mode="rules").flatten()
    return {k: v for k, v in flat.items() if not k.startswith("meta.")}


@pytest.mark.parametrize("path", [*CLEAN_SEEDS, DEV], ids=lambda p: p.stem)
def test_gb18030_and_utf16_copies(path: Path, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = _numbers(path)
    for encoding in ("gb18030", "utf-16"):
        copy = tmp_path / f"{path.stem}.{encoding}.txt"
        copy.write_bytes(text.encode(encoding))
        assert _numbers(copy) == expected, encoding


@pytest.mark.parametrize("path", CLEAN_SEEDS, ids=lambda p: p.stem)
def test_traditional_script_copy(path: Path, tmp_path: Path) -> None:
    text = opencc.OpenCC("s2tw").convert(path.read_text(encoding="utf-8"))  # Taiwan forms: Big5 has them all
    copy = tmp_path / f"{path.stem}.big5.txt"
    copy.write_bytes(text.replace("\xa0", " ").encode("big5", errors="replace"))
    expected = _numbers(path)
    got = _numbers(copy)
    assert got == expected


def _as_html(text: str) -> str:
    """Prose as paragraphs; runs of tab-separated lines as a real <table>, as a web page has them."""
    parts: list[str] = []
    rows: list[str] = []
    for line in text.replace("\f", "").split("\n"):
        cells = [c for c in line.split("\t") if c.strip()]
        if "\t" in line.strip("\t") and len(cells) >= 2:
            rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
            continue
        if rows:
            parts.append("<table>" + "".join(rows) + "</table>")
            rows = []
        parts.append(f"<p>{html.escape(line)}</p>" if line.strip() else "<p>&nbsp;</p>")
    if rows:
        parts.append("<table>" + "".join(rows) + "</table>")
    return "<html><head><meta charset='utf-8'><script>var x=1;</script></head><body>" + "".join(parts) + "</body></html>"


@pytest.mark.parametrize("path", CLEAN_SEEDS, ids=lambda p: p.stem)
def test_html_copy(path: Path, tmp_path: Path) -> None:
    copy = tmp_path / f"{path.stem}.html"
    copy.write_text(_as_html(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert _numbers(copy) == _numbers(path)


def test_pdf_text_whose_blank_lines_were_lost(tmp_path: Path) -> None:
    # Without the blank lines that set a PDF's column blocks apart, the row sums and the
    # column identities must find the blocks.
    text = "\n".join(line for line in DEV.read_text(encoding="utf-8").split("\n") if line.strip())
    copy = tmp_path / "squeezed.txt"
    copy.write_text(text, encoding="utf-8")
    expected = _numbers(DEV)
    report = extract(copy, mode="rules")
    got = {k: v for k, v in report.flatten().items() if k.startswith("requests.")}
    assert got == {k: v for k, v in expected.items() if k.startswith("requests.")}


@pytest.mark.parametrize("path", [*CLEAN_SEEDS, DEV], ids=lambda p: p.stem)
def test_docx_copy_with_one_paragraph_per_line(path: Path, tmp_path: Path) -> None:
    document = docx.Document()
    for line in path.read_text(encoding="utf-8").replace("\f", "").split("\n"):  # no form feeds in XML
        document.add_paragraph(line)
    copy = tmp_path / f"{path.stem}.docx"
    document.save(str(copy))
    assert _numbers(copy) == _numbers(path)
