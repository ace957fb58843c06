"""Read the QR codes of a picture with zbarimg (zbar-tools), as a phone's camera reads them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def decode(png: Path) -> list[str]:
    """The QR codes zbarimg reads in a PNG (only QR: a bar chart must not read as a barcode).

    Skipped where zbarimg is missing, except under PLANS_REQUIRE_EXPORT_TOOLS=1 (.ci/run
    installs zbar-tools).
    """
    if shutil.which("zbarimg") is None:
        if os.environ.get("PLANS_REQUIRE_EXPORT_TOOLS") == "1":
            pytest.fail("zbarimg missing (apt-get install zbar-tools)")
        pytest.skip("needs zbarimg (apt-get install zbar-tools)")
    found = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        check=False,  # 4: no code in the picture
    )
    assert found.returncode in (0, 4), found.stderr
    return [line for line in found.stdout.decode("utf-8").splitlines() if line]
