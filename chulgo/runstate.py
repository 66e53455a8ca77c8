"""The last run's failure, kept in data/ until a run succeeds, so 현황 never looks fine after a failed run."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from chulgo.runlog import failure_marker

FILE = "last_failure.txt"


def record_failure(data_dir: Path, reason: str, at: datetime) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / FILE).write_text(failure_marker(reason, f"{at:%Y-%m-%d %H:%M}"), encoding="utf-8")


def clear_failure(data_dir: Path) -> None:
    (data_dir / FILE).unlink(missing_ok=True)


def last_failure(data_dir: Path) -> str:
    """'마지막 실행 실패 (YYYY-MM-DD HH:MM): command: reason' of the last failed run not yet followed by a good one,
    else ''."""
    path = data_dir / FILE
    return path.read_text(encoding="utf-8").strip() if path.exists() else ""
