"""What a failed write means to the person who met it: a message in their language, an exit code.

The command line and the pages that write (import, removal, rebuild) show a fault through
`explain`, never the exception itself: an OSError's text names the server's files
("[Errno 27] File too large: '/srv/…/.plans.duckdb.x1y2.tmp'"), and a traceback tells a reader
nothing they can act on. The exception, with its traceback, goes to the server's log.
"""

from __future__ import annotations

import errno
import logging
from dataclasses import dataclass

import duckdb

from plans.data.build import BuildError
from plans.messages import t

LOG = logging.getLogger("plans")

# Exit codes of `python -m plans` (BSD sysexits.h, which operators' scripts know): 1 is the
# input's own fault (errors in the file, already imported), the others the machine's.
EXIT_INPUT = 1
EXIT_SOFTWARE = 70  # a fault of ours: the log has the traceback
EXIT_IOERR = 74  # the disk is full or the file system refused the write
EXIT_NOPERM = 77  # the database file or its folder may not be written
EXIT_TEMPFAIL = 75  # out of memory: may work later, or with a higher limit

_FULL = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}
# DuckDB reports the operating system's refusal inside its own IOException text
_DUCKDB_FULL = ("no space left", "file too large", "disk quota")
_DUCKDB_DENIED = ("permission denied", "read-only file system", "operation not permitted")


class AlreadyImportedError(ValueError):
    """The same file (same checksum) was stored meanwhile, e.g. by a second import at once."""

    def __init__(self, import_id: str, when: str) -> None:
        super().__init__(f"already imported as {import_id}")
        self.import_id, self.when = import_id, when


@dataclass(frozen=True)
class Explained:
    """A fault as shown: the message, the exit code, and whether it was the input's fault."""

    message: str
    code: int

    @property
    def by_input(self) -> bool:
        return self.code == EXIT_INPUT


def explain(exc: BaseException, lang: str, doing: str = "write") -> Explained:
    """The fault `exc` in the reader's words; unexpected ones are logged with their traceback.

    `doing` names what failed for the log ("import", "remove", "rebuild"), not for the reader.
    """
    if isinstance(exc, BuildError):
        return Explained(exc.report(lang), EXIT_INPUT)
    if isinstance(exc, AlreadyImportedError):
        text = t("import.already_imported", lang, id=exc.import_id, when=exc.when)
        return Explained(text, EXIT_INPUT)
    # logged whatever it is: the operator needs the path and the traceback the reader is spared
    LOG.error("%s failed", doing, exc_info=exc)
    if isinstance(exc, OSError) and exc.errno in _FULL:
        return Explained(t("fault.disk_full", lang), EXIT_IOERR)
    if isinstance(exc, OSError) and exc.errno in _DENIED:
        return Explained(t("fault.read_only", lang), EXIT_NOPERM)
    if isinstance(exc, duckdb.IOException):
        text = str(exc).lower()
        if any(words in text for words in _DUCKDB_FULL):
            return Explained(t("fault.disk_full", lang), EXIT_IOERR)
        if any(words in text for words in _DUCKDB_DENIED):
            return Explained(t("fault.read_only", lang), EXIT_NOPERM)
    if isinstance(exc, MemoryError | duckdb.OutOfMemoryException):
        return Explained(t("fault.memory", lang), EXIT_TEMPFAIL)
    return Explained(t("fault.unexpected", lang), EXIT_SOFTWARE)
