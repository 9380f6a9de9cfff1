"""The benchmark corpus generator: deterministic, distinct files, every one as readable as its origin."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from extractor import extract
from extractor.evals.corpus_gen import (
    GeneratedFile,
    generate_corpus,
    generate_corpus_with_origins,
    load_origins,
    origin_path,
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[GeneratedFile]]:
    root = tmp_path_factory.mktemp("corpus")
    return root, generate_corpus_with_origins(root, 120, seed=3, per_folder=50)


def _bytes_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    generate_corpus(tmp_path / "a", 40, seed=5)
    generate_corpus(tmp_path / "b", 40, seed=5)
    generate_corpus(tmp_path / "c", 40, seed=6)
    assert _bytes_of(tmp_path / "a") == _bytes_of(tmp_path / "b")
    assert _bytes_of(tmp_path / "a") != _bytes_of(tmp_path / "c")


def test_files_are_distinct_and_named_by_their_content(corpus: tuple[Path, list[GeneratedFile]]) -> None:
    root, files = corpus
    digests = [hashlib.sha1(f.path.read_bytes()).hexdigest() for f in files]
    assert len(set(digests)) == len(files) == 120
    for f, digest in zip(files, digests, strict=True):
        assert f.path.name.split("_")[1].split(".")[0] == digest[:12]
    assert len({f.path.parent for f in files}) == 3  # 50 per folder
    assert set(load_origins(root)) == {f.path.relative_to(root).as_posix() for f in files}


def test_the_mix_has_every_container(corpus: tuple[Path, list[GeneratedFile]]) -> None:
    _, files = corpus
    containers = {f.variant.split("+")[0] for f in files}
    assert containers == {"original", "gb18030", "big5", "utf16", "html", "html-gbk", "docx"}
    assert {f.path.suffix for f in files} == {".txt", ".html", ".htm", ".docx"}
    assert any("renamed" in f.variant for f in files) and any("remnants" in f.variant for f in files)


def test_every_file_gives_its_origins_figures(corpus: tuple[Path, list[GeneratedFile]]) -> None:
    _, files = corpus
    expected: dict[str, dict[str, object]] = {}
    for f in files:
        if f.origin not in expected:
            expected[f.origin] = extract(origin_path(f.origin), mode="rules").flatten()
        got = extract(f.path, mode="rules").flatten()
        # a renamed copy names another agency or year; no variant touches a figure
        want = {k: v for k, v in expected[f.origin].items() if not k.startswith("meta.")}
        assert {k: v for k, v in got.items() if not k.startswith("meta.")} == want, (f.path.name, f.variant)
        if "renamed" not in f.variant:
            assert got == expected[f.origin], (f.path.name, f.variant)
