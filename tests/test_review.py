"""The review pages, read back with an HTML parser: every value marked where it came from, all report text inert."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from extractor import review
from extractor.config import config_from_env
from extractor.errors import InputError
from extractor.pipeline import extract
from extractor.review import IndexEntry, index_entry, render_index, render_review
from extractor.schemas.report import Dispute, FieldValue, Figure, Finding, Provenance, Report

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "evals/corpus/seeds/004_1727cc934ec3d614.txt"
GB2021 = ROOT / "evals/corpus/dev/hongze_2023.txt"  # gb2021, with two sum_mismatch findings
EVIL = "<script>alert(1)</script></script><img src=x onerror=alert(2)>"


def extract_clean(path: Path) -> Report:
    # An empty environment: no EXTRACTOR_* variable of the machine can switch on a model.
    return extract(path, config=config_from_env({}), mode="rules", include_text=True)


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return {"seed": extract_clean(SEED), "gb2021": extract_clean(GB2021)}


def soup_of(page: str) -> BeautifulSoup:
    return BeautifulSoup(page, "html.parser")


def char_marks(soup: BeautifulSoup) -> list[Tag | None]:
    """For every character of the text pane, the <mark> around it (or None)."""
    pre = soup.find("pre", id="text")
    assert isinstance(pre, Tag)
    out: list[Tag | None] = []
    for node in pre.find_all(string=True):
        parent = node.parent
        out.extend([parent if isinstance(parent, Tag) and parent.name == "mark" else None] * len(node))
    return out


def assert_fields_linked(report: Report, soup: BeautifulSoup) -> int:
    assert report.clean_text is not None
    checked = 0
    for i, (path, fv) in enumerate(report.fields.items()):
        span = fv.provenance.clean_span
        row = soup.find("tr", attrs={"data-path": path})
        assert isinstance(row, Tag), path
        if span is None:
            assert "nospan" in (row.get("class") or [])
            assert "no source position" in row.get_text()
            assert row.find("a") is None
            continue
        link = soup.select_one(f'a[data-jump="f"][data-i="{i}"]')
        assert link is not None and link.get("href") == f"#f-{i}", path
        assert link.get_text() == path
        target = soup.find(id=f"f-{i}")
        assert isinstance(target, Tag), path
        marks = soup.select(f'mark[data-f~="{i}"]')
        expected = report.clean_text[span[0]:span[1]]
        assert "".join(m.get_text() for m in marks) == expected, path
        assert target.get_text() == marks[0].get_text()
        assert all(path in str(m.get("data-paths", "")).split() for m in marks)
        checked += 1
    return checked


@pytest.mark.parametrize("name", ["seed", "gb2021"])
def test_every_field_links_to_its_span(reports: dict[str, Report], name: str) -> None:
    report = reports[name]
    soup = soup_of(render_review(report))
    pre = soup.find("pre", id="text")
    assert isinstance(pre, Tag) and pre.get_text() == report.clean_text
    assert assert_fields_linked(report, soup) == sum(1 for fv in report.fields.values() if fv.provenance.clean_span)
    ids = [t["id"] for t in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    header = soup.find("header")
    assert isinstance(header, Tag)
    assert report.source in header.get_text() and report.format in header.get_text()
    assert f"{len(report.fields)} fields" in header.get_text()


def test_overlapping_spans_share_pieces(reports: dict[str, Report]) -> None:
    # meta.agency and meta.level cover the same characters; meta.year sits inside meta.title.
    report = reports["gb2021"]
    spans = {p: fv.provenance.clean_span for p, fv in report.fields.items()}
    assert spans["meta.agency"] == spans["meta.level"]
    soup = soup_of(render_review(report))
    paths = list(report.fields)
    agency, level = paths.index("meta.agency"), paths.index("meta.level")
    assert soup.select(f'mark[data-f~="{agency}"]') == soup.select(f'mark[data-f~="{level}"]')
    assert soup.find(id=f"f-{agency}") is not None and soup.find(id=f"f-{level}") is not None


def test_findings_listed_and_figures_marked(reports: dict[str, Report]) -> None:
    report = reports["gb2021"]
    assert report.findings
    soup = soup_of(render_review(report))
    panel = soup.find(id="findings")
    assert isinstance(panel, Tag)
    covered = char_marks(soup)
    for j, finding in enumerate(report.findings):
        assert finding.kind in panel.get_text() and finding.field in panel.get_text()
        assert finding.message in panel.get_text()
        for figure in finding.figures:
            assert figure.clean_span is not None
            for pos in range(*figure.clean_span):
                mark = covered[pos]
                assert mark is not None and "fig" in (mark.get("class") or [])
                assert str(j) in str(mark.get("data-g")).split()
        row = soup.find("tr", attrs={"data-path": finding.field})
        assert isinstance(row, Tag) and row.find(class_="finding") is not None


def test_disputes_listed_flagged_and_other_span_marked(reports: dict[str, Report]) -> None:
    report = reports["seed"]
    assert report.clean_text is not None
    kept = report.fields["proactive.total"]
    other_span = (10, 14)
    disputed = report.model_copy(update={"disputes": [
        Dispute(field="proactive.total", kept=kept.value, kept_method="table", other=999, other_method="model",
                other_span=other_span),
    ]})
    soup = soup_of(render_review(disputed))
    panel = soup.find(id="disputes")
    assert isinstance(panel, Tag)
    text = panel.get_text()
    assert "proactive.total" in text and f"kept {kept.value} (table) vs 999 (model)" in text
    row = soup.find("tr", attrs={"data-path": "proactive.total"})
    assert isinstance(row, Tag) and "disputed" in (row.get("class") or []) and row.find(class_="dispute")
    covered = char_marks(soup)
    for pos in range(*other_span):
        mark = covered[pos]
        assert mark is not None and "oth" in (mark.get("class") or []) and mark.get("data-d") == "0"
    assert "".join(m.get_text() for m in soup.select('mark[data-d~="0"]')) == report.clean_text[slice(*other_span)]
    assert_fields_linked(disputed, soup)


def shifted(report: Report, prefix: str) -> Report:
    """The report with `prefix` put before its clean text and every span moved along."""
    n = len(prefix)

    def move(span: tuple[int, int] | None) -> tuple[int, int] | None:
        return None if span is None else (span[0] + n, span[1] + n)

    fields = {p: FieldValue(value=fv.value, provenance=fv.provenance.model_copy(
        update={"clean_span": move(fv.provenance.clean_span)})) for p, fv in report.fields.items()}
    return report.model_copy(update={"clean_text": prefix + (report.clean_text or ""), "fields": fields})


def test_report_text_is_escaped(reports: dict[str, Report]) -> None:
    prefix = f"{EVIL}\n"
    report = shifted(reports["seed"], prefix)
    fields = dict(report.fields)
    fields["ext.problems"] = FieldValue(value=EVIL, provenance=Provenance(
        method="model", rule=EVIL, clean_span=(0, len(EVIL)), text=EVIL))
    evil = report.model_copy(update={
        "source": f"{EVIL}.txt", "fields": fields, "model": EVIL,
        "findings": [Finding(field="proactive.total", kind="implausible", message=EVIL,
                             figures=[Figure(path="proactive.total", value=1, clean_span=(8, 17))])],
        "disputes": [Dispute(field="ext.problems", kept=EVIL, kept_method="model", other=EVIL,
                             other_method="model", other_span=(0, 8))],
    })
    page = render_review(evil, index_href="index.html")
    soup = soup_of(page)
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and scripts[0].get_text() == review._JS and not scripts[0].attrs
    assert soup.find("img") is None
    assert not [t for t in soup.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    assert "<script>alert" not in page and "<img" not in page
    title = soup.find("title")
    assert title is not None and EVIL in title.get_text()
    pre = soup.find("pre", id="text")
    assert isinstance(pre, Tag) and pre.get_text().startswith(EVIL)
    for where in ("header", "#fields", "#findings", "#disputes"):
        node = soup.select_one(where)
        assert node is not None and EVIL in node.get_text(), where
    assert_fields_linked(evil, soup)


def resource_references(page: str) -> list[str]:
    soup = soup_of(page)
    found = [f"<{t.name}>" for t in soup.find_all(["link", "iframe", "img", "object", "embed", "base"])]
    for tag in soup.find_all(True):
        for attr in ("src", "srcset", "action", "data", "poster"):
            if tag.has_attr(attr):
                found.append(f"{tag.name} {attr}={tag[attr]}")
        href = str(tag.get("href", "#"))
        if re.match(r"[a-z][a-z0-9+.-]*:|//", href, re.I):
            found.append(f"{tag.name} href={href}")
    for style in soup.find_all("style"):
        found += re.findall(r"@import|url\s*\(", style.get_text())
    for script in soup.find_all("script"):
        found += re.findall(r"https?://|fetch\s*\(|XMLHttpRequest|import\s*\(", script.get_text())
    return found


def test_no_external_resources(reports: dict[str, Report]) -> None:
    report = shifted(reports["gb2021"], "详见 http://example.gov.cn/a.png 与 https://example.gov.cn/x.css\n")
    for page in (render_review(report, index_href="index.html"), render_review(reports["seed"]),
                 render_index([index_entry(report, "r.html")])):
        assert resource_references(page) == []
        soup = soup_of(page)
        for tag in soup.find_all(href=True):
            assert str(tag["href"]).startswith("#") or tag["href"] in ("index.html", "r.html")
    assert "http://example.gov.cn/a.png" in soup_of(render_review(report)).get_text()


def test_index_link_and_unsafe_hrefs(reports: dict[str, Report]) -> None:
    soup = soup_of(render_review(reports["seed"], index_href="../index.html"))
    assert soup.find("a", href="../index.html") is not None
    assert soup.find("a", string="back to index") is not None
    assert soup_of(render_review(reports["seed"])).find("a", string="back to index") is None
    bad = soup_of(render_review(reports["seed"], index_href="javascript:alert(1)"))
    assert bad.find("a", href=re.compile("javascript", re.I)) is None


def test_render_index(reports: dict[str, Report]) -> None:
    entries = [
        index_entry(reports["seed"], "004.html"),
        index_entry(reports["gb2021"], "hongze_2023.html"),
        IndexEntry(source=f"{EVIL}.txt", href=f"{EVIL}.html", format="unknown", fields=0,
                   findings=[(EVIL, "implausible")], disputes=0),
        IndexEntry(source="broken.pdf", href=None, format="unknown", fields=0, findings=[], disputes=0,
                   error="the PDF has no text layer <b>OCR</b>"),
        IndexEntry(source="javascript.txt", href="javascript:alert(1)", format="unknown", fields=0, findings=[],
                   disputes=0),
    ]
    assert entries[1].findings == [(f.field, f.kind) for f in reports["gb2021"].findings]
    assert entries[0].fields == len(reports["seed"].fields) and entries[0].format == "legacy"
    page = render_index(entries)
    soup = soup_of(page)
    assert soup.find("script") is None and soup.find("img") is None and soup.find("b") is None
    rows = soup.select("tbody tr")
    assert len(rows) == len(entries)
    links = {a.get_text(): a["href"] for a in soup.find_all("a")}
    assert links[reports["seed"].source] == "004.html"
    assert links[reports["gb2021"].source] == "hongze_2023.html"
    assert links[f"{EVIL}.txt"] == f"{EVIL}.html"  # escaped in the attribute, intact once parsed
    assert links["javascript.txt"] == "#"
    failed = rows[3]
    assert "failed" in (failed.get("class") or []) and failed.find("a") is None
    assert "the PDF has no text layer <b>OCR</b>" in failed.get_text()
    hongze = rows[1].get_text()
    assert "gb2021" in hongze and str(len(reports["gb2021"].fields)) in hongze
    for field, kind in entries[1].findings:
        assert field in hongze and kind in hongze
    assert EVIL in rows[2].get_text()
    assert "1 failed" in soup.get_text()


def test_missing_clean_text_says_what_to_do(reports: dict[str, Report]) -> None:
    report = reports["seed"].model_copy(update={"clean_text": None})
    with pytest.raises(InputError, match="--include-text") as info:
        render_review(report)
    assert info.value.source == report.source and "--review" in str(info.value)
    plain = extract(SEED, config=config_from_env({}), mode="rules")
    with pytest.raises(InputError):
        render_review(plain)
