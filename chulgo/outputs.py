"""Outputs appear only after the ledger knows them.

A step writes its files into data/staging/<run>/ (never into outbox/), records in the same ledger transaction
where each file must go, commits, and only then moves them to outbox/. A run killed before the commit leaves
nothing in outbox/ (its staging folder is deleted on the next start: the ledger never recorded that batch, so
the next run makes it again); a run killed after the commit gets its files moved on the next start.
"""

from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from chulgo.ledger import Ledger, PendingOutput
from chulgo.sheets import replace_atomically

STAGING = "staging"


def staging_dir(data_dir: Path, run_id: int) -> Path:
    path = data_dir / STAGING / f"run-{run_id}-{os.getpid()}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _relative(path: Path, workspace: Path) -> str:
    return os.path.relpath(path, workspace)


def stage(ledger: Ledger, workspace: Path, run_id: int, files: list[tuple[Path, Path]]) -> None:
    """Record, inside the step's transaction, that each staged file is to appear under its final name."""
    ledger.stage_outputs(run_id, [PendingOutput(_relative(staged, workspace), _relative(final, workspace))
                                  for staged, final in files])


def publish(ledger: Ledger, workspace: Path, data_dir: Path) -> tuple[list[Path], list[str]]:
    """Move every committed staged file to its final name (after a commit, and on start for a killed run).

    Returns (files now in outbox, Korean notes on files that could not be moved yet). A file that cannot be moved
    (held by another program, disk full) stays staged and recorded, and the next run tries again: a committed
    output is never dropped."""
    done, later = [], []
    for p in ledger.pending_outputs():
        staged, final = workspace / p.staged, workspace / p.final
        if staged.exists():
            final.parent.mkdir(parents=True, exist_ok=True)
            try:
                done.append(_move(staged, final))
            except OSError as e:
                later.append(f"{final.name}: 장부에는 기록했지만 outbox로 옮기지 못했습니다 ({e.strerror or e}). "
                             "다음 실행 때 다시 옮깁니다 — 파일은 data/staging/ 에 그대로 있습니다.")
                continue
        ledger.output_published(p.staged)
    _drop_empty(data_dir / STAGING)
    return done, later


def _drop_empty(root: Path) -> None:
    """The staging folders a publish left empty."""
    if root.is_dir():
        for run_dir in root.iterdir():
            if run_dir.is_dir() and not any(p.is_file() for p in run_dir.rglob("*")):
                shutil.rmtree(run_dir, ignore_errors=True)


def _move(staged: Path, final: Path) -> Path:
    """Rename into place (a `(1)` name when Excel holds the target); across drives, copy and then rename."""
    try:
        return replace_atomically(staged, final, keep_source=True)
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    shutil.copy2(staged, tmp)
    moved = replace_atomically(tmp, final)
    staged.unlink(missing_ok=True)
    return moved


@dataclass
class Recovery:
    published: list[Path] = field(default_factory=list)     # a killed run's committed files, now in outbox/
    later: list[str] = field(default_factory=list)          # committed files that still cannot be moved
    discarded: list[Path] = field(default_factory=list)     # a killed run's uncommitted files, deleted


def recover(ledger: Ledger, workspace: Path, data_dir: Path) -> Recovery:
    """Finish what a killed run committed and throw away what it did not. Run before every step, under the lock."""
    published, later = publish(ledger, workspace, data_dir)
    result = Recovery(published=published, later=later)
    pending = {str(workspace / p.staged) for p in ledger.pending_outputs()}
    root = data_dir / STAGING
    if root.is_dir():
        for run_dir in sorted(root.iterdir()):
            if any(k.startswith(str(run_dir) + os.sep) for k in pending):
                continue                                     # committed, waiting to be moved: keep
            result.discarded += [p for p in run_dir.rglob("*") if p.is_file()] if run_dir.is_dir() else [run_dir]
            if run_dir.is_dir():
                shutil.rmtree(run_dir, ignore_errors=True)
            else:
                run_dir.unlink(missing_ok=True)
    return result
