"""Every stored figure and text must be found on the source line it cites."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from plans import settings
from plans.data.sources import cited_text


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def rows(name: str) -> list[dict[str, str]]:
    with (settings.DATA_DIR / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# (data file, column holding printed text, column holding the line reference)
CITED = [
    ("budget_amounts.csv", "amount_printed", "source_line"),
    ("budget_amounts.csv", "quantity_printed", "source_line"),
    ("stated_totals.csv", "printed_text", "source_line"),
    ("results.csv", "achieved_text", "source_line"),
    ("results.csv", "stated_pct_text", "source_line"),
    ("results.csv", "target_text", "source_line"),
    ("goals.csv", "text", "source_line"),
    ("tasks.csv", "expected_result", "source_lines"),
    ("tasks.csv", "lead_unit", "source_lines"),
    ("budget_execution.csv", "printed_text", "source_line"),
    ("stated_percentages.csv", "printed_text", "source_line"),
    ("stated_percentages.csv", "context", "source_line"),
    ("sections.csv", "section_name", "source_line"),
    ("priority_areas.csv", "text", "source_line"),
    ("programmes.csv", "stated_total_printed", "source_line"),
    ("documents.csv", "ref_printed", "source_line"),
]
CASES = [
    pytest.param(name, col, row[col], row["source_file"], row[ref], id=f"{name}:{i + 2}:{col}")
    for name, col, ref in CITED
    for i, row in enumerate(rows(name))
    if row[col] and not (name == "stated_totals.csv" and row["printed_text"].startswith("Hai trăm"))
]


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s]", re.sub(r"</?p>|\*\*|~~", " ", text))


def is_subsequence(wanted: list[str], text: list[str]) -> bool:
    """True when `wanted` appears in `text` in order (cells split over lines may interleave)."""
    remaining = iter(text)
    return all(any(token == seen for seen in remaining) for token in wanted)


@pytest.mark.parametrize(("name", "column", "printed", "source_file", "refs"), CASES)
def test_printed_text_is_on_the_cited_line(name, column, printed, source_file, refs) -> None:
    cited = cited_text(source_file, refs)
    assert cited, (source_file, refs)
    text = " ".join(line for _, line in cited)
    if len(cited) == 1:
        # one line: the printed text must be there verbatim (spacing aside: "4153 /QĐ-UBND")
        line = re.sub(r"</?p>|\*\*|~~|\s+", "", text)
        assert re.sub(r"\s+", "", printed) in line, (printed, refs)
    else:
        # a cell continued after a page break: its words must be there, in order
        assert is_subsequence(tokens(printed), tokens(text)), (printed, refs)


def test_bang_chu_total_is_on_its_line() -> None:
    assert (
        "Hai trăm năm mươi tỷ, chín trăm triệu đồng"
        in cited_text("000_a7359d0e26246081.txt", "328")[0][1]
    )


def test_sources_are_copies_of_the_shared_seeds() -> None:
    shared = settings.ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("shared/seeds not beside this checkout")
    for path in sorted(Path(settings.SOURCES_DIR).glob("*.txt")):
        assert (shared / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize(
    "row", rows("document_discrepancies.csv"), ids=lambda r: r["discrepancy_id"]
)
def test_discrepancies_cite_two_existing_places(row: dict[str, str]) -> None:
    assert cited_text(row["source_file"], row["source_line"])
    assert cited_text(row["other_file"], row["other_line"])
    # the first printed figure in each description is on the cited line
    for file, refs, printed in (
        (row["source_file"], row["source_line"], row["printed"]),
        (row["other_file"], row["other_line"], row["other_printed"]),
    ):
        figures = re.findall(r"\d[\d.,/]*\d|\d", printed)
        text = " ".join(line for _, line in cited_text(file, refs))
        if figures and row["kind"] in ("reference_number", "date", "narrative_vs_appendix"):
            assert figures[0] in text, (row["discrepancy_id"], figures[0])
