"""Personal data is kept only as long as the seller needs it ([privacy] keep_days): the dated folders of
archive/ and outbox/ past the window go as a whole (the ledger's side is Ledger.purge_personal_data)."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

_DAY_FOLDER = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def purge_dated_folders(parents: list[Path], before: date) -> list[Path]:
    """Delete every `YYYY-MM-DD` folder directly under ``parents`` dated before ``before``; returns them."""
    removed = []
    for parent in parents:
        if not parent.is_dir():
            continue
        for folder in sorted(parent.iterdir()):
            m = _DAY_FOLDER.match(folder.name)
            if not m or not folder.is_dir():
                continue
            try:
                day = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
            if day < before:
                shutil.rmtree(folder, ignore_errors=True)
                if not folder.exists():
                    removed.append(folder)
    return removed
