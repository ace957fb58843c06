"""Project paths and defaults, each overridable by an environment variable."""

from __future__ import annotations

import os
from pathlib import Path

ROOT: Path = Path(__file__).resolve().parent.parent

# Where the human-editable CSV files live (PLANS_DATA_DIR to point at another copy).
DATA_DIR: Path = Path(os.environ.get("PLANS_DATA_DIR", ROOT / "data"))

# The DuckDB file that pages, the command line and analysts read (PLANS_DB to move it).
DB_PATH: Path = Path(os.environ.get("PLANS_DB", ROOT / "build" / "plans.duckdb"))

# Imported programmes and results reports, one folder each (PLANS_IMPORTS_DIR to move them).
IMPORTS_DIR: Path = Path(os.environ.get("PLANS_IMPORTS_DIR", ROOT / "build" / "imports"))

# Uploads larger than this are refused before they are read (PLANS_MAX_UPLOAD_MB).
MAX_UPLOAD_BYTES: int = int(float(os.environ.get("PLANS_MAX_UPLOAD_MB", "20")) * 1024 * 1024)
# A file of support records (one row per supported establishment: 200.000 rows are ~30 MB as
# CSV) may be larger: this limit applies once its header says it is one (PLANS_MAX_SUPPORT_MB).
MAX_SUPPORT_BYTES: int = int(float(os.environ.get("PLANS_MAX_SUPPORT_MB", "64")) * 1024 * 1024)
# A plan or results table has at most this many data rows (PLANS_MAX_ROWS): the row after it
# is refused, the rest of the file left unread (a support file has its own limit,
# PLANS_MAX_SUPPORT_ROWS). Blank rows count too once there are twice as many.
MAX_ROWS: int = int(os.environ.get("PLANS_MAX_ROWS", "20000"))
# No cell of an upload (header included) may hold more characters than this
# (PLANS_MAX_CELL_CHARS): refused naming the row and the column, the reading stopped there.
MAX_CELL_CHARS: int = int(os.environ.get("PLANS_MAX_CELL_CHARS", "10000"))
# An XLSX is a zip: it may unpack to at most this many times the byte limit of its upload
# (PLANS_XLSX_UNPACK_RATIO; 200 MB for a plan), and its text table (xl/sharedStrings.xml,
# which openpyxl holds whole) to at most PLANS_MAX_SHARED_STRINGS_MB: checked on the sizes
# the zip declares, before any part is read.
XLSX_UNPACK_RATIO: float = float(os.environ.get("PLANS_XLSX_UNPACK_RATIO", "10"))
MAX_SHARED_STRINGS_BYTES: int = int(
    float(os.environ.get("PLANS_MAX_SHARED_STRINGS_MB", "64")) * 1024 * 1024
)
# DuckDB's memory while a build or an import writes the database (PLANS_WRITE_MEMORY_MB); an
# upload is checked against it with half of that. Beyond it the pre-aggregates of millions of
# support records spill to disk beside the file instead of taking the server's memory (an
# import into 10 million records took 7,8 GiB unbounded; at 512 MB one of them ran out).
WRITE_MEMORY_MB: int = int(os.environ.get("PLANS_WRITE_MEMORY_MB", "1024"))

# The dashboard drops its shared caches and gives the freed memory back to the system once no
# page has read them for this many seconds (PLANS_RELEASE_IDLE_S; 0: never; plans.app.memory).
RELEASE_IDLE_S: float = float(os.environ.get("PLANS_RELEASE_IDLE_S", "60"))

# The served dashboard sends Streamlit's browser code (its /static/ files: 4,7 MB of plotly.js
# among them) gzip-compressed from memory, each file compressed once (plans.app.static_files);
# PLANS_STATIC_GZIP=0 serves them as Streamlit does, from disk and uncompressed.
STATIC_GZIP: bool = os.environ.get("PLANS_STATIC_GZIP", "1") != "0"

QUERIES_DIR: Path = ROOT / "queries"

# Plain-text copies of the source documents, so every figure can be shown with its lines.
SOURCES_DIR: Path = DATA_DIR / "sources"

# The longest link the served dashboard opens (PLANS_MAX_URL_KB, KiB of path and query): a
# longer one is answered with a page of ours saying so (plans.app.serve), not parsed. The
# dashboard's own links, QR codes included, are under 1 KiB.
MAX_URL_BYTES: int = int(float(os.environ.get("PLANS_MAX_URL_KB", "64")) * 1024)

# Language of messages: Vietnamese first, English switchable (PLANS_LANG=en).
LANG: str = os.environ.get("PLANS_LANG", "vi")

# The dashboard's public address (PLANS_PUBLIC_URL, e.g. https://khuyencong.example.vn): slides,
# the PDF report and presentation mode then carry a QR code and a link that reopen each chart
# there (plans.present.links). Unset: no code and no link anywhere.
PUBLIC_URL: str = os.environ.get("PLANS_PUBLIC_URL", "").strip().rstrip("/")
