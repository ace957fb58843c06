"""A plan whose tasks have no content area: the pages say so ("Chưa gán lĩnh vực"), never '?' or
`ValueError: cannot format nan` (issue 15: the province page stopped when the default period
held only such a plan)."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from apptest import open_app
from streamlit.testing.v1 import AppTest

from plans import settings
from plans.charts.budget import area_share_bars, series_without_areas
from plans.data import imports, synth, templates
from plans.data.build import load_tables, write_database

NEW = "HN-2026-2030"


def _plan_2026_without_areas() -> bytes:
    """The template's example (000) moved to 2026-2030, without its linh_vuc column."""
    rows = templates.plan_rows()
    drop = rows[0].index("linh_vuc")

    def column(name: str) -> str:
        match = re.fullmatch(r"(kinh_phi|so_luong)_(\d{4})", name)
        return f"{match.group(1)}_{int(match.group(2)) + 5}" if match else name

    out = [[column(c) for i, c in enumerate(rows[0]) if i != drop]]
    for row in rows[1:]:
        cells = [c for i, c in enumerate(row) if i != drop]
        cells[2:4] = ["2026", "2030"] if cells[2] else cells[2:4]
        out.append(cells)
    return templates.to_csv(out)


@pytest.fixture(scope="module")
def national_with_bare_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 synthetic provinces x 2 periods (more series than a legend holds: one period at a time,
    the latest by default) and a 2026-2030 plan whose tasks have no content area."""
    folder = tmp_path_factory.mktemp("bare")
    staged = imports.validate("bare_2026.csv", _plan_2026_without_areas(), imports_dir=folder)
    assert [] == staged.errors
    assert NEW == staged.programme_id
    staged.tables["content_area_map"] = []  # as if no area could be suggested or chosen
    imports._write_tables(folder / "bare", staged.tables)
    typed = load_tables(None, folder / "none", extra_imports=(folder / "bare",))
    tables = synth.generate_tables(8, 2, seed=3)
    for name, rows in typed.items():
        tables[name] += [
            r
            for r in rows
            if r.get("programme_id") == NEW
            or (name == "documents" and r.get("source_file") == "bare_2026.csv")
        ]
    path = folder / "national.duckdb"
    write_database(tables, path, checksum="synthetic")
    con = duckdb.connect(str(path))
    # as plans.data.synth marks its files: the dashboard never rebuilds this one from data/
    con.execute("drop table build_info")
    con.execute("create table build_info as select 'plans.data.synth' as generator, 3 as seed")
    con.close()
    return path


@pytest.fixture()
def bare_app(national_with_bare_plan: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import streamlit as st

    monkeypatch.setattr(settings, "DB_PATH", national_with_bare_plan)
    monkeypatch.setattr(settings, "IMPORTS_DIR", Path(tempfile.mkdtemp(prefix="no-imports-")))
    st.cache_data.clear()
    st.cache_resource.clear()
    return national_with_bare_plan


# --- the figure builder ------------------------------------------------------------------------


def _shares(no_area: bool) -> pd.DataFrame:
    rows = [
        {
            "series_label": "Hà Nội 2026-2030",
            "period_start": 2026,
            "period_end": 2030,
            "content_area": f"KC{k}",
            "area_name": f"Lĩnh vực {k}",
            "amount_mvnd": 0.0 if no_area else 10.0 * k,
            "share_pct": float("nan") if no_area else 100 * k / 45,
        }
        for k in range(1, 10)
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_share_bars_of_a_plan_without_areas_say_no_share(lang: str) -> None:
    fig = area_share_bars(_shares(no_area=True), "t", lang)
    no_share = {"vi": "không có số liệu", "en": "not available"}[lang]
    assert [no_share] * 9 == list(fig.data[0].text)
    assert ["Hà Nội 2026-2030"] == series_without_areas(_shares(no_area=True), lang)
    assert [] == series_without_areas(_shares(no_area=False), lang)


def test_heatmap_of_many_series_with_one_without_areas() -> None:
    many = pd.concat(
        [_shares(False).assign(series_label=f"Tỉnh {i} 2026-2030") for i in range(7)]
        + [_shares(True)]
    )
    fig = area_share_bars(many, "t", "vi")
    assert "heatmap" == fig.data[0].type
    assert [None] * 9 == list(fig.data[0].z[-1])  # the plan without areas: empty cells


# --- the pages ---------------------------------------------------------------------------------


def test_province_page_default_period_holds_only_the_plan_without_areas(bare_app: Path) -> None:
    at = open_app("pages/provinces.py", lang="en")
    assert not at.exception, [e.value for e in at.exception]
    assert "2026-2030" == at.radio(key="provinces_period").value  # the latest: the default
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert ["Hà Nội 2026-2030"] == [trace["name"] for trace in spec["data"]]
    said = " ".join(i.value for i in at.info)
    assert "Hà Nội 2026-2030: no task has a content area assigned" in said


def test_overview_names_tasks_without_area_never_a_question_mark(bare_app: Path) -> None:
    at = open_app(None, prog=NEW)
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert "Chưa gán lĩnh vực" == metrics["Lĩnh vực lớn nhất"]
    sentences = " ".join(m.value for m in at.markdown)
    assert "100,0% kinh phí thuộc các nhiệm vụ chưa gán lĩnh vực" in sentences
    assert "?" not in metrics["Lĩnh vực lớn nhất"] and "là ?" not in sentences
    at = open_app(None, prog=NEW, lang="en", areas="content_area")
    bars = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert ["No content area assigned"] == list(bars["y"])


def test_quality_page_lists_the_tasks_without_area(bare_app: Path) -> None:
    at = open_app("pages/quality.py", prog=NEW, lang="en")
    assert not at.exception, [e.value for e in at.exception]
    listed = next(d.value for d in at.dataframe if "Content area" in d.value.columns)
    assert {"No content area assigned"} == set(listed["Content area"])


def test_a_programme_without_areas_on_the_budget_page(bare_app: Path) -> None:
    at: AppTest = open_app("pages/budget.py", prog=NEW, lang="en", areas="content_area")
    assert not at.exception, [e.value for e in at.exception]
