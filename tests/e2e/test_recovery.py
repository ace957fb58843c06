"""A server started on a damaged import and a killed writer's leftovers (issue 19, points 2, 7).

The imports folder holds one import whose stored task table is garbage, and beside the database
lies a temporary file of a killed build: every page still renders, the data-quality page names
the import and says what the start cleaned, and a viewer gets no rebuild button anywhere.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from benchmarks.bench_browser import start_server, stop_server

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_a_damaged_import_is_named_and_the_pages_render(
    chromium, built_db: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from plans.data import imports, templates

    db, imports_dir = tmp_path / "plans.duckdb", tmp_path / "imports"
    shutil.copy(built_db, db)
    data = templates.to_csv(templates.plan_rows())
    staged = imports.validate("mau_ke_hoach.csv", data, imports_dir=imports_dir, db_path=db)
    import_id = imports.commit(staged, data, "e2e", db_path=db, imports_dir=imports_dir)
    (imports_dir / import_id / "tables" / "tasks.csv").write_text("rác\n1\n", encoding="utf-8")
    (tmp_path / f".{db.name}.killed.tmp").write_bytes(b"half-written")
    env = {**os.environ, "PLANS_DB": str(db), "PLANS_IMPORTS_DIR": str(imports_dir)}
    started = start_server(ROOT / "dashboard.py", env, tmp_path / "streamlit.log")
    try:
        page = chromium.new_page(base_url=started.url)
        page.set_default_timeout(60_000)
        for path in ("/?lang=en", "/quality?lang=en", "/import_history?lang=en"):
            page.goto(path)
            expect(page.locator("h1").first).to_be_visible()
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
            expect(page.get_by_role("button", name="Rebuild the database")).to_have_count(0)
            if path != "/?lang=en":
                alert = page.get_by_text(f"Import {import_id} (file mau_ke_hoach.csv)")
                expect(alert).to_be_visible()
        page.goto("/quality?lang=en")
        expect(page.get_by_text("At start-up the dashboard found and repaired")).to_be_visible()
        expect(page.get_by_text("1 temporary files")).to_be_visible()
        page.close()
    finally:
        stop_server(started.process)
    assert not (tmp_path / f".{db.name}.killed.tmp").exists()
    assert (imports_dir / ".quarantine" / import_id / "reason.json").is_file()
    assert [] == imports.list_imports(imports_dir)
