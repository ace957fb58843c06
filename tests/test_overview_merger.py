"""The overview of a programme issued after 1/7/2025 and after Decree 235/2025 took effect.

A 2026-2030 programme of the new Hưng Yên (Hưng Yên + Thái Bình, Nghị quyết 202/2025/QH15),
issued 01/12/2025, is added to a copy of data/: the old Hưng Yên's programme to 2020 (002) is
not its predecessor, and the content-area list of Decree 235/2025 is not in the data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from plans import db, settings
from plans.data.build import build

NEW = "HY-2026-2030"


@pytest.fixture()
def merged_db(data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = data_copy / "programmes.csv"
    row = (
        f"{NEW},Hưng Yên,,khuyen_cong,Chương trình khuyến công tỉnh Hưng Yên 2026-2030 (thử),"
        "Hưng Yên industrial extension 2026-2030 (test),2026,2030,99/QĐ-UBND,01/12/2025,,,"
        "002_3a0caad79bab0308.txt,162,test row\n"
    )
    path.write_text(path.read_text(encoding="utf-8") + row, encoding="utf-8")
    target = tmp_path / "plans.duckdb"
    build(target, data_copy, tmp_path / "imports")
    import streamlit as st

    monkeypatch.setattr(settings, "DB_PATH", target)
    monkeypatch.setattr(settings, "DATA_DIR", data_copy)
    monkeypatch.setattr(settings, "IMPORTS_DIR", tmp_path / "imports")
    st.cache_data.clear()
    st.cache_resource.clear()
    return target


def test_no_partial_predecessor_and_the_list_in_force(merged_db: Path) -> None:
    with db.connect(merged_db) as con:
        row = db.run(con, "programme_overview", programme_id=NEW).iloc[0]
        old = db.run(con, "programme_overview", programme_id="HY-2018-2020").iloc[0]
    assert row["previous_id"] is None
    assert bool(row["across_merger"])
    assert ("235/2025/NĐ-CP", False, "45/2012/NĐ-CP") == (
        row["decree_in_force"],
        bool(row["content_list_known"]),
        row["decree_read"],
    )
    # the programme to 2020 was issued under Decree 45/2012 (002:15), whose list we hold
    assert (False, True) == (bool(old["across_merger"]), bool(old["content_list_known"]))


def test_overview_says_so(merged_db: Path) -> None:
    from tests.apptest import open_app

    at = open_app("pages/overview.py", prog=NEW)
    assert not at.exception, [e.value for e in at.exception]
    infos = [i.value for i in at.info]
    assert any("Hưng Yên là tỉnh mới từ 1/7/2025" in i for i in infos), infos
    assert any("Nghị định 235/2025/NĐ-CP đã có hiệu lực" in i for i in infos), infos
