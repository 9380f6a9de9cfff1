"""The review page in a real headless chromium (the system one; Playwright downloads nothing here)."""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from extractor.config import config_from_env
from extractor.pipeline import extract
from extractor.review import render_review
from extractor.schemas.report import Report

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {
    "seed": ROOT / "evals/corpus/seeds/004_1727cc934ec3d614.txt",
    "gb2021": ROOT / "evals/corpus/dev/hongze_2023.txt",
}
# The network here is closed: without these chromium spends its time trying to reach Google.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install playwright; no browser download is needed)")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.skip("no chromium executable (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=FLAGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Report, Path]]:
    out = tmp_path_factory.mktemp("review")
    result = {}
    for name, path in SOURCES.items():
        report = extract(path, config=config_from_env({}), mode="rules", include_text=True)
        page = out / f"{name}.html"
        page.write_text(render_review(report, index_href="index.html"), encoding="utf-8")
        result[name] = (report, page)
    return result


class Watched:
    """A page with every console error, page error and request recorded."""

    def __init__(self, browser: Any, url: str) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url)

    def check_quiet(self) -> None:
        assert self.errors == []
        assert self.requests and all(u.startswith("file://") for u in self.requests), self.requests


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    opened: list[Watched] = []

    def go(path: Path) -> Watched:
        opened.append(Watched(browser, path.as_uri()))
        return opened[-1]

    yield go
    for w in opened:
        w.context.close()


# After a click: the target's state, where it is against the text pane and the window, the
# text of all the field's pieces, and whatever else is still lit.
STATE = """(i) => {
  const t = document.getElementById('f-' + i);
  const marks = Array.from(document.querySelectorAll('mark[data-f~="' + i + '"]'));
  const r = t.getBoundingClientRect(), p = document.getElementById('textpane').getBoundingClientRect();
  const lit = Array.from(document.querySelectorAll('#text .active'))
    .filter(e => e !== t && !marks.includes(e)).length;
  return {active: t.classList.contains('active') && marks.every(m => m.classList.contains('active')),
          inPane: r.top >= p.top - 1 && r.bottom <= p.bottom + 1,
          inWindow: r.top >= 0 && r.bottom <= window.innerHeight,
          text: marks.map(m => m.textContent).join(''), stray: lit};
}"""


@pytest.mark.parametrize("name", ["seed", "gb2021"])
def test_every_field_click_scrolls_and_highlights(pages: dict[str, tuple[Report, Path]], open_page: Any,
                                                  name: str) -> None:
    report, path = pages[name]
    assert report.clean_text is not None
    w = open_page(path)
    page = w.page
    assert page.title() == f"review: {report.source}"
    assert page.locator("#text").is_visible()
    checked = 0
    # Clicked in reverse so that every jump has to scroll the pane back up, not only forward.
    for i, (field, fv) in reversed(list(enumerate(report.fields.items()))):
        span = fv.provenance.clean_span
        if span is None:
            continue
        page.locator(f'a[data-jump="f"][data-i="{i}"]').click()
        state = page.evaluate(STATE, i)
        assert state["active"], field
        assert state["inPane"] and state["inWindow"], (field, state)
        assert state["text"] == report.clean_text[span[0]:span[1]], field
        assert state["stray"] == 0, field
        checked += 1
    assert checked == sum(1 for fv in report.fields.values() if fv.provenance.clean_span) > 40
    w.check_quiet()


def png_pixels(data: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """Decode an 8-bit RGB/RGBA PNG (what chromium writes) with the standard library."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and color in (2, 6)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw, stride, prev = zlib.decompress(idat), width * channels, bytearray(width * channels)
    pixels: list[tuple[int, ...]] = []
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b, c = prev[x], prev[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        pixels += [tuple(line[x:x + 3]) for x in range(0, stride, channels)]
        prev = line
    return width, height, pixels


def test_screenshot_shows_highlights(pages: dict[str, tuple[Report, Path]], open_page: Any, tmp_path: Path) -> None:
    report, path = pages["gb2021"]
    w = open_page(path)
    page = w.page
    paths = list(report.fields)
    # A field inside a finding's figures, so the screenshot shows both kinds of marking.
    figure = next(g.path for f in report.findings for g in f.figures if g.path in report.fields)
    page.locator(f'a[data-jump="f"][data-i="{paths.index(figure)}"]').click()
    colours = page.evaluate("""() => ['mark.fld:not(.active)', 'mark.active'].map(s => {
        const m = getComputedStyle(document.querySelector('#text ' + s)).backgroundColor.match(/\\d+/g);
        return m.slice(0, 3).map(Number); })""")
    plain, active = (tuple(c) for c in colours)
    assert plain != (255, 255, 255) and plain != active

    shot = tmp_path / "review.png"
    data = page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("EXTRACTOR_SCREENSHOT_DIR"):
        target = Path(os.environ["EXTRACTOR_SCREENSHOT_DIR"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, target / "review_gb2021.png")
    width, height, pixels = png_pixels(data)
    assert (width, height) == (1400, 900) and len(data) > 20_000
    found = set(pixels)
    assert plain in found and active in found  # the highlights are really painted
    assert len(found) > 50  # text, not a blank page

    mark = png_pixels(page.locator("#text mark.fld").first.screenshot())[2]
    assert len(set(mark)) > 2 and plain in set(mark)
    w.check_quiet()
