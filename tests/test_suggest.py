"""The content-area suggestion (plans.data.suggest): measured held out, wired into the import.

The held-out figure and the misses are printed: `pytest -rP tests/test_suggest.py` shows them
(the test's captured output, "PASSED" section); on a failure they are shown anyway.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from plans import settings
from plans.data import imports, suggest, templates

ROOT = Path(__file__).resolve().parent.parent


def _tasks() -> dict[tuple[str, str], dict[str, str]]:
    with (settings.DATA_DIR / "tasks.csv").open(encoding="utf-8") as handle:
        return {(r["programme_id"], r["task_code"]): r for r in csv.DictReader(handle)}


def _mapped() -> list[dict[str, str]]:
    with (settings.DATA_DIR / "content_area_map.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_held_out_one_at_a_time_at_least_85_percent() -> None:
    model = suggest.default_model()
    tasks = _tasks()
    mapped = _mapped()
    assert 56 == len(mapped)
    hits, misses = 0, []
    for row in mapped:
        key = (row["programme_id"], row["task_code"])
        held_out = model.without(*key)
        assert len(model.examples) - 1 == len(held_out.examples), "exactly that task left out"
        task = tasks[key]
        found = held_out.suggest(task["task_name"], task["expected_result"])
        area = found.area if found else ""
        if area == row["content_area"]:
            hits += 1
        else:
            misses.append(f"{key[0]} {key[1]}: data {row['content_area']}, suggested {area}")
    share = 100 * hits / len(mapped)
    print(f"held out one at a time: {hits}/{len(mapped)} = {share:.1f} % match data/")
    print("\n".join(misses))
    assert share >= 85


def test_a_suggestion_says_why() -> None:
    found = suggest.suggest("Hỗ trợ xây dựng mô hình trình diễn kỹ thuật sản xuất gạch không nung")
    assert "KC3" == found.area
    assert found.confidence >= suggest.MIN_CONFIDENCE
    # the closest mapped task is named, and the words both share as printed
    assert "mô hình trình diễn" in found.explain("vi") or "trình diễn" in found.explain("vi")
    assert found.explain("en").startswith("like ")
    assert found.neighbour is not None and "KC3" == found.neighbour.area


def test_a_text_like_nothing_gets_no_area() -> None:
    found = suggest.suggest("Nhiệm vụ khác", "")
    assert ("", 0.0) == (found.area, found.confidence)
    assert "không có từ nào" in found.reason


def test_learns_only_from_people_never_from_suggestions() -> None:
    tables = {
        "content_areas": [{"list_id": "ND45-2012", "code": "KC1", "name_vi": "Đào tạo nghề"}],
        "tasks": [
            {"programme_id": "P", "task_code": "1", "task_name": "A", "expected_result": ""},
            {"programme_id": "P", "task_code": "2", "task_name": "B", "expected_result": ""},
        ],
        "content_area_map": [
            {"programme_id": "P", "task_code": "1", "content_area": "KC1", "reason": ""},
            {"programme_id": "P", "task_code": "2", "content_area": "KC1", "reason": "",
             "assigned_by": "suggested"},
        ],
    }  # fmt: skip
    assert [("", ""), ("P", "1")] == [
        (e.programme_id, e.task_code) for e in suggest.examples_from(tables)
    ]


# --- wired into the import ---------------------------------------------------------------


def _without_areas() -> bytes:
    rows = templates.plan_rows()
    i = rows[0].index("linh_vuc")
    return templates.to_csv([[c for j, c in enumerate(r) if j != i] for r in rows])


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> imports.Staged:
    empty = tmp_path_factory.mktemp("no-imports")
    return imports.validate("khong_linh_vuc.csv", _without_areas(), imports_dir=empty)


def test_a_task_without_area_gets_the_suggestion_with_a_warning(staged: imports.Staged) -> None:
    assert [] == staged.errors
    rows = {m["task_code"]: m for m in staged.tables["content_area_map"]}
    # 000:267 "Tổ chức truyền nghề, nhân cấy nghề": KC1 in data/content_area_map.csv line 2
    assert "KC1" == rows["I.1"]["content_area"]
    assert "suggested" == rows["I.1"]["assigned_by"]
    assert rows["I.1"]["reason"].startswith("Đề xuất tự động: ")
    said = [
        p for p in staged.warnings if p.key in ("import.area_suggested", "import.area_unassigned")
    ]
    assert 27 == len(said), "every task without an area is said, stored or not"
    first = next(p for p in said if dict(p.fields)["task"] == "I.1")
    assert 3 == first.row  # the header, section I, then task I.1
    assert "I.1" in first.message("en") and "KC1" in first.message("en")
    unassigned = [p for p in said if p.key == "import.area_unassigned"]
    assert len(rows) == 27 - len(unassigned)


def test_choices_of_the_importer_are_stored_as_such(staged: imports.Staged) -> None:
    import copy

    mine = copy.deepcopy(staged)
    imports.choose_areas(mine, {"I.1": "KC2", "I.2.1": ""})
    rows = {m["task_code"]: m for m in mine.tables["content_area_map"]}
    assert ("KC2", "importer", "Người nhập chọn") == (
        rows["I.1"]["content_area"],
        rows["I.1"]["assigned_by"],
        rows["I.1"]["reason"],
    )
    assert "I.2.1" not in rows
    with pytest.raises(ValueError, match="KC10"):
        imports.choose_areas(mine, {"I.1": "KC10"})
    with pytest.raises(ValueError, match=r"IX\.9"):
        imports.choose_areas(mine, {"IX.9": "KC1"})
    assert (
        "KC2" == {m["task_code"]: m for m in mine.tables["content_area_map"]}["I.1"]["content_area"]
    ), "a refused choice changes nothing"


def test_a_stated_area_is_the_importers(tmp_path: Path) -> None:
    data = templates.to_csv(templates.plan_rows())
    staged = imports.validate("co_linh_vuc.csv", data, imports_dir=tmp_path)
    assert {"importer"} == {m["assigned_by"] for m in staged.tables["content_area_map"]}
    assert not [p for p in staged.warnings if p.key.startswith("import.area_")]
