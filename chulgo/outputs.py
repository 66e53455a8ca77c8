"""Outputs appear only after the ledger knows them.

A step writes its files into data/staging/<run>/ (never into outbox/), records in the same ledger transaction
where each file must go, commits, and only then moves them to outbox/. A run killed before the commit leaves
nothing in outbox/ (its staging folder is deleted on the next start: the ledger never recorded that batch, so
the next run makes it again); a run killed after the commit gets its files moved on the next start.
"""

from __future__ import annotations

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


def stage(ledger: Ledger, workspace: Path, run_id: int, files: list[Path], final_dir: Path) -> None:
    """Record, inside the step's transaction, that each staged file is to appear in ``final_dir``."""
    ledger.stage_outputs(run_id, [PendingOutput(_relative(f, workspace), _relative(final_dir / f.name, workspace))
                                  for f in files])


def publish(ledger: Ledger, workspace: Path) -> list[Path]:
    """Move every committed staged file to its final name (after a commit, and on start for a killed run)."""
    done = []
    for p in ledger.pending_outputs():
        staged, final = workspace / p.staged, workspace / p.final
        if staged.exists():
            final.parent.mkdir(parents=True, exist_ok=True)
            done.append(replace_atomically(staged, final))
        ledger.output_published(p.staged)
    return done


@dataclass
class Recovery:
    published: list[Path] = field(default_factory=list)     # a killed run's committed files, now in outbox/
    discarded: list[Path] = field(default_factory=list)     # a killed run's uncommitted files, deleted


def recover(ledger: Ledger, workspace: Path, data_dir: Path) -> Recovery:
    """Finish what a killed run committed and throw away what it did not. Run before every step, under the lock."""
    result = Recovery(published=publish(ledger, workspace))
    root = data_dir / STAGING
    if root.is_dir():
        for run_dir in sorted(root.iterdir()):
            result.discarded += [p for p in run_dir.rglob("*") if p.is_file()] if run_dir.is_dir() else [run_dir]
            if run_dir.is_dir():
                shutil.rmtree(run_dir, ignore_errors=True)
            else:
                run_dir.unlink(missing_ok=True)
    return result
