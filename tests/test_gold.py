"""Gold files: the bundled ones are clean; the checker names each kind of mistake."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extractor.errors import GoldFileError
from extractor.evals.gold import check_gold, check_gold_dir, closest_path, gold_files, load_gold

GOLD_ROOT = Path(__file__).resolve().parents[1] / "evals" / "gold"


def write(tmp_path: Path, data: Any, name: str = "r.gold.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def base(**fields: Any) -> dict[str, Any]:
    return {"source": "r.txt", "fields": {"meta.year": 2020, **fields}, "findings": []}


def test_every_bundled_gold_file_is_clean() -> None:
    results = check_gold_dir(GOLD_ROOT)
    assert len(results) >= 9
    assert {"seeds", "dev"} <= {name.split("/")[0] for name in results}
    assert {name: problems for name, problems in results.items() if problems} == {}


@pytest.mark.parametrize("path", gold_files(GOLD_ROOT), ids=lambda p: p.name)
def test_bundled_gold_loads(path: Path) -> None:
    gold = load_gold(path)
    assert gold.source
    assert gold.fields
    assert gold.stem == path.name.removesuffix(".gold.json")


def test_clean_file_has_no_problems(tmp_path: Path) -> None:
    data = base(**{
        "meta.agency": ["安砂镇人民政府", "安砂镇"], "meta.format": "legacy", "meta.level": "township",
        "meta.published": "2021-01-07", "proactive.total": 137, "fees.amount_yuan": 12.5,
        "cumulative.proactive.total": 574, "meta.contact.postcode": "366021",
    })
    data["findings"] = [{"field": "proactive.total", "kind": "sum_mismatch"}]
    data["unscored"] = ["applications.received"]
    data["notes"] = "people only"
    assert check_gold(write(tmp_path, data)) == []


def test_typo_path_suggests_the_closest(tmp_path: Path) -> None:
    problems = check_gold(write(tmp_path, base(**{"proactive.totl": 5})))
    assert problems == ["fields: unknown path 'proactive.totl' (did you mean 'proactive.total'?)"]
    assert closest_path("requests.new_recieved.natural") == "requests.new_received.natural"


def test_string_where_int_expected(tmp_path: Path) -> None:
    problems = check_gold(write(tmp_path, base(**{"proactive.total": "137"})))
    assert len(problems) == 1
    assert "proactive.total" in problems[0] and "whole number" in problems[0] and "'137'" in problems[0]


def test_fractional_int_and_number_where_string_expected(tmp_path: Path) -> None:
    problems = check_gold(write(tmp_path, base(**{"proactive.total": 1.5, "meta.contact.postcode": 366021})))
    assert any("proactive.total: expected a whole number, got 1.5" in p for p in problems)
    assert any("meta.contact.postcode: expected a string" in p for p in problems)
    assert check_gold(write(tmp_path, base(**{"proactive.total": 137.0}))) == []


def test_unknown_finding_kind_and_field(tmp_path: Path) -> None:
    data = base()
    data["findings"] = [
        {"field": "proactive.total", "kind": "mismatch"},
        {"field": "review.totl", "kind": "conflict"},
    ]
    problems = check_gold(write(tmp_path, data))
    assert problems[0] == (
        "findings[0]: unknown kind 'mismatch' (use one of sum_mismatch, conflict, implausible)"
    )
    assert problems[1] == "findings[1]: unknown path 'review.totl' (did you mean 'review.total'?)"
    assert len(problems) == 2


@pytest.mark.parametrize("bad", ["2021/01/07", "2021-1-7", "20210107", "2021-02-30"])
def test_bad_date(tmp_path: Path, bad: str) -> None:
    problems = check_gold(write(tmp_path, base(**{"meta.published": bad})))
    assert len(problems) == 1
    assert problems[0].startswith("meta.published: ")
    assert "YYYY-MM-DD" in problems[0]


def test_bad_enums(tmp_path: Path) -> None:
    problems = check_gold(write(tmp_path, base(**{"meta.format": "gb2020", "meta.level": "town"})))
    assert problems == [
        "meta.format: 'gb2020' is not one of legacy, gb2019, gb2021",
        "meta.level: 'town' is not one of province, city, county, township, department",
    ]


def test_lists_must_be_non_empty_and_valid(tmp_path: Path) -> None:
    data = base(**{"meta.agency": [], "responses.interpretations": [652, "11"]})
    problems = check_gold(write(tmp_path, data))
    assert "meta.agency: empty list; give at least one accepted value" in problems
    assert any(p.startswith("responses.interpretations: expected a whole number") for p in problems)


def test_unscored_problems(tmp_path: Path) -> None:
    data = base(**{"proactive.total": 1})
    data["unscored"] = ["applications.recieved", "proactive.total"]
    problems = check_gold(write(tmp_path, data))
    assert problems[0] == (
        "unscored: unknown path 'applications.recieved' (did you mean 'applications.received'?)"
    )
    assert problems[1] == "unscored: 'proactive.total' also has a value in fields; keep one of the two"


def test_missing_source(tmp_path: Path) -> None:
    data = base()
    del data["source"]
    problems = check_gold(write(tmp_path, data))
    assert len(problems) == 1 and "'source' is missing" in problems[0]
    with pytest.raises(GoldFileError, match="source"):
        load_gold(tmp_path / "r.gold.json")


def test_unknown_top_level_key_and_duplicate_key(tmp_path: Path) -> None:
    data = base()
    data["unscore"] = []
    assert check_gold(write(tmp_path, data)) == [
        "unknown key 'unscore' (did you mean 'unscored'?); expected source, fields, findings, unscored, notes"
    ]
    path = tmp_path / "dup.gold.json"
    path.write_text('{"source": "dup.txt", "fields": {"meta.year": 1, "meta.year": 2}}', encoding="utf-8")
    assert check_gold(path) == ["key 'meta.year' occurs twice in one object; only the last is kept"]


def test_file_name_must_match_source(tmp_path: Path) -> None:
    problems = check_gold(write(tmp_path, base(), name="other.gold.json"))
    assert problems == ["the file is named 'other.gold.json' but its source 'r.txt' needs 'r.gold.json'"]


def test_malformed_json_raises_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.gold.json"
    path.write_text('{"source": "broken.txt", "fields": {', encoding="utf-8")
    with pytest.raises(GoldFileError) as info:
        load_gold(path)
    assert "broken.gold.json" in str(info.value)
    assert "invalid JSON at line 1" in str(info.value)
    assert info.value.source == str(path)
    problems = check_gold(path)
    assert len(problems) == 1 and problems[0].startswith("invalid JSON")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "expected a JSON object"),
        ({"source": "r.txt", "fields": []}, "'fields' must be an object"),
        ({"source": "r.txt", "fields": {"meta.year": None}}, "is null"),
        ({"source": "r.txt", "fields": {"meta.year": True}}, "not a boolean"),
        (
            {"source": "r.txt", "fields": {}, "findings": [{"field": "proactive.total"}]},
            "needs string 'field' and 'kind'",
        ),
        ({"source": "r.txt", "fields": {}, "unscored": "proactive.total"}, "'unscored' must be a list"),
    ],
)
def test_structural_problems_raise(tmp_path: Path, data: Any, message: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(GoldFileError, match=message):
        load_gold(path)
    assert message in check_gold(path)[0]


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(GoldFileError, match=r"nope\.gold\.json"):
        load_gold(tmp_path / "nope.gold.json")
