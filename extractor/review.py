"""Self-contained HTML review pages: one per report (the clean text with every value marked
where it came from) and one index per batch.

The pages are opened from disk by people checking results, often on machines with no
network, and the reports are untrusted text: so everything is inline (no fonts, scripts or
styles fetched from anywhere) and every piece of report text goes through ``html.escape``.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import InputError
from .schemas.report import Report

_CSS = """
:root { --fld: #fff1a8; --act: #ffb347; --fig: #d62828; --oth: #1d5fd1; --line: #d9dde3; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.55 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", sans-serif; color: #1f2328; background: #f6f7f9; }
header { padding: 10px 16px; background: #24292f; color: #fff; }
header h1 { margin: 0; font-size: 17px; word-break: break-all; }
header .meta { font-size: 12.5px; opacity: .85; }
header a { color: #9cd0ff; }
.app { height: 100vh; display: flex; flex-direction: column; }
main { flex: 1; min-height: 0; display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 12px;
  padding: 12px; }
.pane { background: #fff; border: 1px solid var(--line); border-radius: 6px; overflow: auto; }
#text { margin: 0; padding: 12px 16px; white-space: pre-wrap; word-break: break-all;
  font-family: inherit; font-size: 14.5px; line-height: 1.8; }
#side { display: flex; flex-direction: column; gap: 10px; min-height: 0; }
#side section { padding: 8px 10px; flex: 0 0 auto; max-height: 28%; }
#side section#fields { flex: 1 1 auto; max-height: none; min-height: 120px; padding-top: 0; }
#fields h2 { position: sticky; top: 0; background: #fff; margin: 0; padding: 8px 0 4px; z-index: 1; }
h2 { margin: 2px 0 6px; font-size: 14px; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eef0f2; vertical-align: top; }
th { background: #fafbfc; }
#fields th { position: sticky; top: 30px; }
td.path { font-family: ui-monospace, monospace; font-size: 12px; overflow-wrap: anywhere; width: 52%; }
a.jump { color: #0b57d0; text-decoration: none; cursor: pointer; }
a.jump:hover { text-decoration: underline; }
tr.sel td { background: #fff4e0; }
tr.nospan td.path { color: #6e7781; }
.note, .badge { font-size: 11px; border-radius: 3px; padding: 0 4px; white-space: nowrap; }
.note { color: #6e7781; border: 1px dashed #afb8c1; }
.badge.dispute { background: var(--oth); color: #fff; }
.badge.finding { background: var(--fig); color: #fff; }
mark { background: transparent; color: inherit; border-radius: 2px; }
mark.fld { background: var(--fld); }
mark.fig { text-decoration: underline wavy var(--fig); text-decoration-thickness: 1.5px;
  text-underline-offset: 3px; }
mark.oth { border-bottom: 2px dashed var(--oth); }
mark.active { background: var(--act); outline: 2px solid #e07b00; }
ul { margin: 0; padding-left: 18px; font-size: 12.5px; }
li { margin-bottom: 4px; }
.kind { font-weight: 600; color: var(--fig); }
.empty { color: #6e7781; font-size: 12.5px; }
.legend mark { padding: 0 3px; }
tr.failed td { color: #a40e26; }
.wrap { padding: 12px 16px; }
"""

# One delegated listener: the side panels hold a few hundred links and the page must keep
# working when opened from file://, where there is nothing else to load.
_JS = """
(function () {
  var lit = [];
  function off() { lit.forEach(function (e) { e.classList.remove('active', 'sel'); }); lit = []; }
  function on(e, cls) { e.classList.add(cls); lit.push(e); }
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest('[data-jump]');
    if (!a) { return; }
    ev.preventDefault();
    var kind = a.getAttribute('data-jump'), i = a.getAttribute('data-i');
    var marks = Array.prototype.slice.call(document.querySelectorAll('mark[data-' + kind + '~="' + i + '"]'));
    var target = kind === 'f' ? document.getElementById('f-' + i) : marks[0];
    off();
    marks.forEach(function (m) { on(m, 'active'); });
    if (target) { on(target, 'active'); target.scrollIntoView({block: 'center', inline: 'nearest'}); }
    var row = a.closest('tr, li');
    if (row) { on(row, 'sel'); }
  });
})();
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _safe_href(href: str) -> str:
    # Hrefs come from file names; a scheme such as javascript: or data: is never one of ours.
    head = href.split("/", 1)[0].lower()
    return "#" if ":" in head and not head.startswith("file:") else href


@dataclass
class _Span:
    start: int
    end: int
    kind: str  # "f" field, "g" finding figure, "d" dispute other_span
    index: int
    path: str = ""


def _valid(span: tuple[int, int] | None, length: int) -> bool:
    return span is not None and 0 <= span[0] <= span[1] <= length


def _marked_text(text: str, spans: list[_Span]) -> str:
    """The text with a <mark> for every piece covered by a span.

    Spans overlap and nest (meta.agency and meta.level share a span; meta.year sits inside
    meta.title), so the text is cut at every boundary and each piece carries the indexes of
    all spans covering it; nested marks would lose that. A field's first piece holds its id;
    when several fields start at the same piece, extra ids go on wrapping spans.
    """
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    by_start: dict[int, list[_Span]] = {}
    for s in spans:
        by_start.setdefault(s.start, []).append(s)
    out: list[str] = []
    cover: list[_Span] = []
    for a, b in itertools.pairwise(cuts):
        opening = by_start.get(a, [])
        for s in opening:
            if s.kind == "f" and s.start == s.end:  # nothing to wrap: an empty mark still gives the link a target
                out.append(f'<mark class="fld" id="f-{s.index}" data-f="{s.index}" data-paths="{_e(s.path)}"></mark>')
        cover = [s for s in cover if s.end > a] + [s for s in opening if s.end > s.start]
        piece = _e(text[a:b])
        if not cover:
            out.append(piece)
            continue
        groups = {k: [s for s in cover if s.kind == k] for k in ("f", "g", "d")}
        classes = " ".join(c for k, c in (("f", "fld"), ("g", "fig"), ("d", "oth")) if groups[k])
        attrs = "".join(f' data-{k}="{" ".join(str(s.index) for s in group)}"' for k, group in groups.items() if group)
        if groups["f"]:
            attrs += f' data-paths="{_e(" ".join(s.path for s in groups["f"]))}"'
        first = [s for s in groups["f"] if s.start == a]
        if first:
            attrs = f' id="f-{first[0].index}"' + attrs
        mark = f'<mark class="{classes}"{attrs}>{piece}</mark>'
        for s in first[1:]:
            mark = f'<span class="anchor" id="f-{s.index}">{mark}</span>'
        out.append(mark)
    return "".join(out)


def _fields_table(report: Report, length: int) -> str:
    disputed = {d.field for d in report.disputes}
    found = {f.field for f in report.findings}
    rows = []
    for i, (path, fv) in enumerate(report.fields.items()):
        p = fv.provenance
        badges = "".join([
            ' <span class="badge dispute" title="a model gave another value">dispute</span>'
            if path in disputed else "",
            ' <span class="badge finding">finding</span>' if path in found else "",
        ])
        if _valid(p.clean_span, length):
            label = f'<a class="jump" href="#f-{i}" data-jump="f" data-i="{i}">{_e(path)}</a>'
            cls = "disputed" if path in disputed else ""
        else:
            label = f'{_e(path)} <span class="note">no source position</span>'
            cls = "nospan disputed" if path in disputed else "nospan"
        rows.append(f'<tr class="{cls}" data-path="{_e(path)}"><td class="path">{label}{badges}</td>'
                    f"<td>{_e(fv.value)}</td><td>{_e(p.method)}</td><td>{_e(p.rule)}</td></tr>")
    body = "".join(rows) or '<tr><td colspan="4" class="empty">no fields</td></tr>'
    return ('<section class="pane" id="fields"><h2>Fields</h2><table><thead><tr><th>path</th><th>value</th>'
            f"<th>method</th><th>rule</th></tr></thead><tbody>{body}</tbody></table></section>")


def _findings_list(report: Report) -> str:
    items = []
    for j, f in enumerate(report.findings):
        figures = ", ".join(f"{_e(g.path)}={_e(g.value)}" for g in f.figures)
        jump = (f' <a class="jump" href="#" data-jump="g" data-i="{j}">show</a>'
                if any(g.clean_span is not None for g in f.figures) else "")
        items.append(f'<li><span class="kind">{_e(f.kind)}</span> <code>{_e(f.field)}</code>: {_e(f.message)}'
                     f'{f" <small>({figures})</small>" if figures else ""}{jump}</li>')
    body = f"<ul>{''.join(items)}</ul>" if items else '<p class="empty">no findings</p>'
    return f'<section class="pane" id="findings"><h2>Findings ({len(items)})</h2>{body}</section>'


def _disputes_list(report: Report) -> str:
    items = []
    for k, d in enumerate(report.disputes):
        jump = f' <a class="jump" href="#" data-jump="d" data-i="{k}">show other</a>' if d.other_span else ""
        items.append(f"<li><code>{_e(d.field)}</code>: kept <b>{_e(d.kept)}</b> ({_e(d.kept_method)}) vs "
                     f"<b>{_e(d.other)}</b> ({_e(d.other_method)}){jump}</li>")
    body = f"<ul>{''.join(items)}</ul>" if items else '<p class="empty">no disputes</p>'
    return f'<section class="pane" id="disputes"><h2>Disputes ({len(items)})</h2>{body}</section>'


def _page(title: str, body: str, *, script: bool) -> str:
    js = f"<script>{_JS}</script>" if script else ""
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>{body}{js}</body></html>\n")


def render_review(report: Report, *, index_href: str | None = None) -> str:
    """The review page of one report; needs the report extracted with include_text=True."""
    text = report.clean_text
    if text is None:
        raise InputError("the report has no clean text to review; re-run extract with --include-text "
                         "(or --review)", source=report.source)
    length = len(text)
    spans: list[_Span] = []
    for i, (path, fv) in enumerate(report.fields.items()):
        span = fv.provenance.clean_span
        if span is not None and _valid(span, length):
            spans.append(_Span(span[0], span[1], "f", i, path))
    for j, f in enumerate(report.findings):
        for g in f.figures:
            if g.clean_span is not None and _valid(g.clean_span, length):
                spans.append(_Span(g.clean_span[0], g.clean_span[1], "g", j))
    for k, d in enumerate(report.disputes):
        if d.other_span is not None and _valid(d.other_span, length):
            spans.append(_Span(d.other_span[0], d.other_span[1], "d", k))
    placed = sum(1 for s in spans if s.kind == "f")
    back = f' · <a href="{_e(_safe_href(index_href))}">back to index</a>' if index_href else ""
    model = f" · model {_e(report.model)}" if report.model else ""
    header = (f"<header><h1>{_e(report.source)}</h1><div class=\"meta\">format {_e(report.format)} · mode "
              f"{_e(report.mode)}{model} · {len(report.fields)} fields ({placed} with a source position) · "
              f"{len(report.findings)} findings · {len(report.disputes)} disputes · {len(report.warnings)} warnings"
              f"{back}</div></header>")
    legend = ('<section class="pane legend"><mark class="fld">value</mark> '
              '<mark class="fld active">selected</mark> <mark class="fig">finding figure</mark> '
              '<mark class="oth">disputed other value</mark></section>')
    # Findings and disputes first: they are short and what a reviewer looks at before the values.
    side = (f'<div id="side">{_findings_list(report)}{_disputes_list(report)}{legend}'
            f"{_fields_table(report, length)}</div>")
    # A newline right after <pre> is dropped by HTML parsers; doubling it keeps the text intact.
    lead = "\n" if text.startswith("\n") else ""
    pane = f'<div class="pane" id="textpane"><pre id="text">{lead}{_marked_text(text, spans)}</pre></div>'
    body = f'<div class="app">{header}<main>{pane}{side}</main></div>'
    return _page(f"review: {report.source}", body, script=True)


@dataclass(frozen=True)
class IndexEntry:
    """One line of the batch index: a report that was extracted, or a file that failed."""

    source: str
    href: str | None
    format: str
    fields: int
    findings: list[tuple[str, str]]  # (field, kind)
    disputes: int
    error: str | None = None


def index_entry(report: Report, href: str) -> IndexEntry:
    return IndexEntry(source=report.source, href=href, format=report.format, fields=len(report.fields),
                      findings=[(f.field, f.kind) for f in report.findings], disputes=len(report.disputes))


def render_index(entries: Sequence[IndexEntry]) -> str:
    """The batch page: every report with a link to its review page, failures with their error."""
    rows = []
    for e in entries:
        if e.error is not None or e.href is None:
            name = _e(e.source)
        else:
            name = f'<a href="{_e(_safe_href(e.href))}">{_e(e.source)}</a>'
        findings = "<br>".join(f'<span class="kind">{_e(kind)}</span> {_e(path)}' for path, kind in e.findings)
        cls = ' class="failed"' if e.error is not None else ""
        rows.append(f"<tr{cls}><td>{name}</td><td>{_e(e.format)}</td><td>{e.fields}</td><td>{findings}</td>"
                    f"<td>{e.disputes}</td><td>{_e(e.error) if e.error is not None else ''}</td></tr>")
    failed = sum(1 for e in entries if e.error is not None)
    body = "".join(rows) or '<tr><td colspan="6" class="empty">no reports</td></tr>'
    page = (f'<header><h1>Review index</h1><div class="meta">{len(entries)} files · {failed} failed</div></header>'
            '<div class="wrap"><div class="pane"><table><thead><tr><th>report</th><th>format</th><th>fields</th>'
            f"<th>findings</th><th>disputes</th><th>error</th></tr></thead><tbody>{body}</tbody></table></div></div>")
    return _page("review index", page, script=False)
