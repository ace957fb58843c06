"""A copy of the seed database with a few support records of HN-2021-2025 (test fixture builder).

The records are chosen so that every finding of queries/support_plan_checks.sql occurs once, and
the golden figures below are summed by hand from them (the plan's cells: budget_amounts of
000_a7359d0e26246081.txt, lines 267 and 277; the yearly totals of its appendix).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from plans import db
from plans.data.build import SUPPORT_COLUMNS, derive_support

HN21 = "HN-2021-2025"
HN16 = "HN-2016-2020"
FILE = "ho_tro_ha_noi.csv"
IMPORT = "20261201-ho-tro"
PHU_VINH = "Công ty TNHH Mây tre đan Phú Vinh"
BAT_TRANG = "HTX Gốm sứ Bát Tràng"
HA_THAI = "Cơ sở Sơn mài Hạ Thái"

# (line, programme, year, task, area, establishment, id, source, amount, people, status)
RECORDS = [
    # 2021 I.1 (plan 4.200, 000:267): 3.000 paid, within the plan (71,4%)
    (2, HN21, 2021, "I.1", None, PHU_VINH, "e1", "dia_phuong", 3000.0, 20, "accepted"),
    # 2022 I.1: 2.500 + 2.000 = 4.500 above the plan's 4.200 (107,1%); 9.000 cancelled
    (3, HN21, 2022, "I.1", None, PHU_VINH, "e1", "dia_phuong", 2500.0, 15, "accepted"),
    (4, HN21, 2022, "I.1", None, BAT_TRANG, "e2", "trung_uong", 2000.0, 12, "approved"),
    (5, HN21, 2022, "I.1", None, HA_THAI, "e3", "dia_phuong", 9000.0, 30, "cancelled"),
    # 2023 II.1 (plan 7.200, 000:277): exactly the plan (100,0%), no finding
    (6, HN21, 2023, "II.1", None, BAT_TRANG, "e2", "trung_uong", 7200.0, 40, "accepted"),
    # 2023: a record naming only content area KC4, and one with a task the plan does not have
    (7, HN21, 2023, None, "KC4", HA_THAI, "e3", "dia_phuong", 1500.0, 8, "approved"),
    (8, HN21, 2023, "IX.9", None, PHU_VINH, "e1", "dia_phuong", 800.0, None, "approved"),
    # HN-2016-2020 has no budget lines at all (known by its stated total): no plan for 2019
    (9, HN16, 2019, None, "KC1", PHU_VINH, "e1", "dia_phuong", 600.0, 5, "accepted"),
]
# Golden figures of HN-2021-2025, summed by hand from RECORDS (cancelled line 5 never summed):
PAID_HN21 = 17000.0  # 3.000 + 2.500 + 2.000 + 7.200 + 1.500 + 800
RECORDS_HN21 = 6
# the appendix's yearly totals of 2021, 2022, 2023 (budget_lines): 50.220 + 50.120 + 50.220
PLANNED_2021_2023 = 150560.0


def with_support_records(source: Path, target: Path) -> Path:
    """`target`: a copy of the built database `source` holding RECORDS, pre-aggregates derived."""
    shutil.copyfile(source, target)
    columns = [name for name, _ in SUPPORT_COLUMNS]
    with db.connect(target, read_only=False) as con:
        for line, pid, year, task, area, name, ident, fund, amount, people, status in RECORDS:
            row = {c: None for c in columns} | {
                "programme_id": pid,
                "province": "Hà Nội",
                "district": "Huyện Chương Mỹ",
                "commune": "Xã Phú Nghĩa",
                "year": year,
                "task_code": task,
                "content_area": area,
                "establishment": name,
                "establishment_id": f"{IMPORT}:{ident}",
                "establishment_key": name.lower(),
                "funding_source": fund,
                "amount_text": f"{amount:,.0f}".replace(",", "."),
                "amount_mvnd": amount,
                "beneficiaries": people,
                "status": status,
                "decision": f"{line}/QĐ-SCT",
                "import_id": IMPORT,
                "source_file": FILE,
                "source_line": line,
            }
            names = ", ".join(row)
            marks = ", ".join(f"${c}" for c in row)
            # sql: the table's own column names; the values are bound
            insert = f"insert into support_records ({names}) values ({marks})"
            con.execute(insert, row)
        derive_support(con)
        con.execute("checkpoint")
    return target
