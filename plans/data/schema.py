"""The shape of every CSV file in data/: columns, types, keys and references."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    """One CSV column: its type, whether it may be empty, and allowed values."""

    name: str
    type: str = "text"  # text | int | float | year | lines | date (ISO)
    required: bool = True
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class FileSpec:
    """One CSV file of data/ and the table it becomes."""

    path: str  # relative to the data directory
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    # (columns here, table there, columns there): each non-empty tuple must exist there.
    refs: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = field(default=())
    label: str = ""  # how messages name the file when it is not data/<path> (an import's tables)


def C(name: str, type: str = "text", required: bool = True, **kw: object) -> Column:  # noqa: N802
    """Short constructor used in the file specs below."""
    return Column(name, type, required, **kw)  # type: ignore[arg-type]


def opt(name: str, type: str = "text", **kw: object) -> Column:
    """An optional column."""
    return Column(name, type, False, **kw)  # type: ignore[arg-type]


MEASURES = ("planned", "allocated", "disbursed")
# How a printed figure is qualified (plans.data.notation.read_figure; targets use the same words).
QUALIFIERS = ("exact", "nearly", "at_least", "at_most", "about", "range")
# Where a budget amount comes from: khuyến công quốc gia, khuyến công địa phương, the
# establishments' own contribution (đối ứng), anything else. Empty = not stated.
FUNDING_SOURCES = ("trung_uong", "dia_phuong", "doi_ung", "khac")
PROG = (("programme_id",), "programmes", ("programme_id",))
DOC = (("source_file",), "documents", ("source_file",))
AREA = (("content_area",), "content_areas", ("code",))

# Reference tables: the common content areas, the consumer price index, priority lists.

# The content-area lists in force over time (Decree 45/2012, amended by Decree 235/2025): a plan
# is read with the list in force when it was issued; a list whose items we do not hold says so.
CONTENT_AREA_LISTS = FileSpec(
    "reference/content_area_lists.csv",
    "content_area_lists",
    (
        C("list_id"),
        C("decree"),
        opt("decree_date_printed"),
        C("valid_from", "date"),
        C("list_known", choices=("yes", "no")),
        C("note"),
        C("note_en"),
    ),
    key=("list_id",),
)

CONTENT_AREAS = FileSpec(
    "reference/content_areas.csv",
    "content_areas",
    (C("list_id"), C("code"), C("name_vi"), C("name_en")),
    key=("list_id", "code"),
    refs=((("list_id",), "content_area_lists", ("list_id",)),),
)

# The five-year periods, as data: a new period is a new row, never a code change.
PERIODS = FileSpec(
    "reference/periods.csv",
    "periods",
    (
        C("period_start", "year"),
        C("period_end", "year"),
        opt("national_programme"),
        opt("national_programme_en"),
        opt("decision_ref"),
        opt("decision_date"),
        opt("source"),
    ),
    key=("period_start",),
)

CPI = FileSpec(
    "reference/cpi_vietnam.csv",
    "cpi",
    (C("year", "year"), C("cpi_change_pct", "float", min=-50, max=1000), C("source")),
    key=("year",),
)

PRIORITY_AREAS = FileSpec(
    "priority_areas.csv",
    "priority_areas",
    (
        C("source_file"),
        C("source_line", "lines"),
        C("item_no", "int", min=1),
        C("text"),
        C("content_area"),
    ),
    key=("source_file", "item_no"),
    refs=(DOC, AREA),
)

# The documents and the programmes they set out: sections, tasks, and where documents disagree.

DOCUMENTS = FileSpec(
    "documents.csv",
    "documents",
    (
        C("source_file"),
        C("doc_type"),
        C("title"),
        C("title_en"),
        C("issuer"),
        opt("ref_printed"),
        opt("date_printed"),
        C("number_style", choices=("vi", "en_thousands")),
        C("source_line", "int", min=1),
    ),
    key=("source_file",),
)

PROGRAMMES = FileSpec(
    "programmes.csv",
    "programmes",
    (
        C("programme_id"),
        C("province"),  # the reference name (plans.data.provinces)
        opt("province_printed"),  # as the document writes it, where that differs
        C("kind", choices=("khuyen_cong", "cong_nghiep_ho_tro")),
        C("title"),
        C("title_en"),
        C("period_start", "year"),
        C("period_end", "year"),
        opt("decision_ref"),
        opt("decision_date"),
        opt("stated_total_printed"),
        opt("stated_total_mvnd", "float", min=0, max=1e9),
        C("source_file"),
        C("source_line", "lines"),
        opt("note"),
    ),
    key=("programme_id",),
    refs=(DOC,),
)

SECTIONS = FileSpec(
    "sections.csv",
    "sections",
    (
        C("programme_id"),
        C("section_code"),
        C("section_name"),
        C("source_file"),
        C("source_line", "lines"),
    ),
    key=("programme_id", "section_code"),
    refs=(PROG, DOC),
)

TASKS = FileSpec(
    "tasks.csv",
    "tasks",
    (
        C("programme_id"),
        C("section_code"),
        C("task_code"),
        opt("task_no_printed"),
        C("task_name"),
        opt("expected_result"),
        opt("unit"),
        opt("lead_unit"),
        opt("coordinating_units"),
        opt("month_start", "int", min=1, max=12),
        opt("month_end", "int", min=1, max=12),
        opt("timing_text"),
        C("source_file"),
        C("source_lines", "lines"),
    ),
    key=("programme_id", "task_code"),
    refs=(
        PROG,
        DOC,
        (("programme_id", "section_code"), "sections", ("programme_id", "section_code")),
    ),
)

DOCUMENT_DISCREPANCIES = FileSpec(
    "document_discrepancies.csv",
    "document_discrepancies",
    (
        C("discrepancy_id"),
        C("kind"),
        C("source_file"),
        C("source_line", "lines"),
        C("printed"),
        C("other_file"),
        C("other_line", "lines"),
        C("other_printed"),
        C("note"),
    ),
    key=("discrepancy_id",),
    refs=(DOC, (("other_file",), "documents", ("source_file",))),
)

# Budget: yearly amounts per task, the totals as printed, execution and stated percentages.

BUDGET_AMOUNTS = FileSpec(
    "budget_amounts.csv",
    "budget_amounts",
    (
        C("programme_id"),
        C("task_code"),
        C("year", "year"),
        opt("amount_printed"),
        C("amount_mvnd", "float", min=0, max=1e8),
        opt("quantity_printed"),
        opt("quantity", "float", min=0, max=1e9),
        C("basis", choices=("printed", "blank", "derived")),
        opt("note"),
        C("source_file"),
        C("source_line", "lines"),
        # who pays the line (empty = the document does not say): a task may have one per source
        opt("funding_source", choices=FUNDING_SOURCES),
    ),
    key=("programme_id", "task_code", "year", "funding_source"),
    refs=(PROG, DOC, (("programme_id", "task_code"), "tasks", ("programme_id", "task_code"))),
)

STATED_TOTALS = FileSpec(
    "stated_totals.csv",
    "stated_totals",
    (
        C("programme_id"),
        C("scope", choices=("task", "section", "grand", "text")),
        opt("section_code"),
        opt("task_code"),
        opt("year", "year"),
        # task_count: a stated number of tasks ("25 nhiệm vụ" on the TỔNG or a section row)
        C("measure", choices=("amount_mvnd", "quantity", "task_count")),
        C("printed_text"),
        C("stated_value", "float", min=0, max=1e9),
        C("precision", "float", min=1e-9, max=1e6),
        opt("note"),
        C("source_file"),
        C("source_line", "lines"),
        opt("funding_source", choices=FUNDING_SOURCES),  # a total of one source (TỔNG per source)
        # how the figure is qualified ("gần", "hơn", "khoảng", a range); empty = exact
        opt("qualifier", choices=QUALIFIERS),
        opt("stated_max", "float", min=0, max=1e9),  # a range's upper end ("300-350")
    ),
    key=(
        "programme_id",
        "scope",
        "section_code",
        "task_code",
        "year",
        "measure",
        "source_line",
        "funding_source",
    ),
    refs=(
        PROG,
        DOC,
        (("programme_id", "section_code"), "sections", ("programme_id", "section_code")),
        (("programme_id", "task_code"), "tasks", ("programme_id", "task_code")),
    ),
)

BUDGET_EXECUTION = FileSpec(
    "budget_execution.csv",
    "budget_execution",
    (
        C("programme_id"),
        C("measure", choices=MEASURES),
        C("printed_text"),
        C("amount_mvnd", "float", min=0, max=1e9),
        C("precision", "float", min=1e-9, max=1e6),
        C("source_file"),
        C("source_line", "lines"),
        # A results report's yearly figures (kế hoạch vốn giao, giải ngân of one year) of the
        # whole programme, one section or one task; all empty = the whole period as a whole
        # (001:5's 2011-2015 figures). A task's row names its section too.
        opt("year", "year"),
        opt("section_code"),
        opt("task_code"),
    ),
    key=("programme_id", "year", "section_code", "task_code", "measure"),
    refs=(
        PROG,
        DOC,
        (("programme_id", "section_code"), "sections", ("programme_id", "section_code")),
        (("programme_id", "task_code"), "tasks", ("programme_id", "task_code")),
    ),
)


def _year_ref(
    measure: str, scope: str | None = None
) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    """A stated percentage's `measure` (numerator or denominator) of its year (and `scope`
    column) must be a budget_execution row of that year (and section or task)."""
    here = ("programme_id", "year", *((scope,) if scope else ()), measure)
    there = ("programme_id", "year", *((scope,) if scope else ()), "measure")
    return (here, "budget_execution", there)


STATED_PERCENTAGES = FileSpec(
    "stated_percentages.csv",
    "stated_percentages",
    (
        C("programme_id"),
        C("location"),
        C("location_en"),
        C("numerator", choices=MEASURES),
        C("denominator", choices=MEASURES),
        C("printed_text"),
        C("context"),
        opt("note"),
        C("source_file"),
        C("source_line", "lines"),
        # the year, section and task of the figures it compares (budget_execution's), all
        # empty for a whole-period percentage: queries/percentage_checks.sql joins on all three
        opt("year", "year"),
        opt("section_code"),
        opt("task_code"),
    ),
    key=("programme_id", "location", "year"),
    refs=(
        PROG,
        DOC,
        (("programme_id", "numerator"), "budget_execution", ("programme_id", "measure")),
        (("programme_id", "denominator"), "budget_execution", ("programme_id", "measure")),
        # a yearly percentage needs the figures of that year (and section, task) it compares
        _year_ref("numerator"),
        _year_ref("denominator"),
        _year_ref("numerator", "section_code"),
        _year_ref("denominator", "section_code"),
        _year_ref("numerator", "task_code"),
        _year_ref("denominator", "task_code"),
    ),
)

# Targets and results: goals, reported results, comparable targets, tasks' content areas.

GOALS = FileSpec(
    "goals.csv",
    "goals",
    (
        C("programme_id"),
        C("goal_code"),
        C("kind", choices=("goal", "content")),
        opt("content_area"),
        C("text"),
        C("source_file"),
        C("source_line", "lines"),
    ),
    key=("programme_id", "goal_code"),
    refs=(PROG, DOC, AREA),
)

RESULTS = FileSpec(
    "results.csv",
    "results",
    (
        C("programme_id"),
        C("result_code"),
        opt("content_area"),
        C("indicator"),
        C("indicator_en"),
        C("unit"),
        C("achieved_text"),
        C("achieved", "float", min=0, max=1e12),
        C("achieved_qualifier", choices=("exact", "at_least", "nearly", "about")),
        opt("stated_pct_text"),
        opt("target_text"),
        opt("target_printed", "float", min=0, max=1e12),
        opt("comparable_indicator"),
        opt("note"),
        C("source_file"),
        C("source_line", "lines"),
        # the year an output was achieved in (a yearly report); empty = the whole period
        opt("year", "year"),
    ),
    key=("programme_id", "result_code"),
    refs=(PROG, DOC, AREA),
)

COMPARABLE_TARGETS = FileSpec(
    "comparable_targets.csv",
    "comparable_targets",
    (
        C("comparable_indicator"),
        C("label_vi"),
        C("label_en"),
        C("programme_id"),
        opt("result_code"),
        opt("task_code"),
        opt("goal_code"),
        opt("target_unit"),
        opt("budget_task_code"),
        C("reason"),
        C("source_file"),
        C("source_line", "lines"),
    ),
    key=("comparable_indicator", "programme_id"),
    refs=(
        PROG,
        DOC,
        (("programme_id", "result_code"), "results", ("programme_id", "result_code")),
        (("programme_id", "task_code"), "tasks", ("programme_id", "task_code")),
        (("programme_id", "goal_code"), "goals", ("programme_id", "goal_code")),
        (("programme_id", "budget_task_code"), "tasks", ("programme_id", "task_code")),
    ),
)

# Who chose a task's content area: curated in data/, the importer on the preview or in the
# file's linh_vuc column, or plans.data.suggest (confidence high enough to store).
ASSIGNED_BY = ("curated", "importer", "suggested")

CONTENT_AREA_MAP = FileSpec(
    "content_area_map.csv",
    "content_area_map",
    (
        C("programme_id"),
        C("task_code"),
        C("content_area"),
        C("reason"),
        # who chose the area: empty = curated (data/), or an import's importer or suggestion
        opt("assigned_by", choices=ASSIGNED_BY),
    ),
    key=("programme_id", "task_code"),
    refs=(PROG, AREA, (("programme_id", "task_code"), "tasks", ("programme_id", "task_code"))),
)

# Every file, in the order the build reads, checks and writes them (its messages follow it).
SPECS: tuple[FileSpec, ...] = (
    CONTENT_AREA_LISTS,
    CONTENT_AREAS,
    CPI,
    PERIODS,
    DOCUMENTS,
    PROGRAMMES,
    SECTIONS,
    TASKS,
    BUDGET_AMOUNTS,
    STATED_TOTALS,
    GOALS,
    RESULTS,
    COMPARABLE_TARGETS,
    BUDGET_EXECUTION,
    STATED_PERCENTAGES,
    CONTENT_AREA_MAP,
    PRIORITY_AREAS,
    DOCUMENT_DISCREPANCIES,
)

SPEC_BY_TABLE: dict[str, FileSpec] = {s.table: s for s in SPECS}
