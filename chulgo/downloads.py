"""Pick up order and courier files from the seller's Downloads folder(s) into inbox/.

Only files a channel or courier template recognises by content are moved; everything else in a watched
folder is never touched (not moved, not renamed, not written). A file is left alone while it may still be
downloading: a browser's partial file (.crdownload, .part …), an empty placeholder next to one, or a file
changed in the last few seconds. Per-file trouble never stops a run: the file stays and the next run tries
again.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from chulgo.archive import _char_budget, _move, display_name

if TYPE_CHECKING:
    from chulgo.identify import Formats

PARTIAL_DOWNLOADS = frozenset({".crdownload", ".part", ".partial", ".download", ".tmp", ".opdownload"})
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})
MAX_BYTES = 50 * 1024 * 1024      # no channel's order file is this big; do not read videos and installers
MIN_AGE_SECONDS = 5.0

# skipped reasons (codes, for tests and --debug; the seller is not told about files that are not theirs)
NOT_A_FILE = "not-a-file"
PARTIAL = "partial"               # still downloading
OWNER_FILE = "owner-file"         # ~$ Excel lock file
HIDDEN = "hidden"
TOO_NEW = "too-new"
TOO_BIG = "too-big"
EMPTY = "empty"
UNKNOWN = "unknown"               # recognises() said no
CHANGED = "changed"               # changed while we read it
BUSY = "busy"                     # could not be read or moved now (open, locked, disk full …)

_FILE_ATTRIBUTE_HIDDEN = 0x2
_FILE_ATTRIBUTE_SYSTEM = 0x4


@dataclass
class PickUp:
    """What one pick-up did: ``moved`` (source, new path in inbox), ``skipped`` (path, reason code), and
    ``notes``: Korean sentences the seller should read (a watched folder that does not exist, a recognised
    file that could not be moved)."""

    moved: list[tuple[Path, Path]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """'다운로드 폴더에서 N개를 가져왔습니다: a.xlsx, b.xlsx' or '' when nothing was moved."""
        if not self.moved:
            return ""
        names = [display_name(src) for src, _ in self.moved]
        shown = ", ".join(names[:10]) + (f" 외 {len(names) - 10}개" if len(names) > 10 else "")
        return f"다운로드 폴더에서 {len(names)}개를 가져왔습니다: {shown}"


def pick_up(watch: Sequence[Path], inbox: Path, recognises: Callable[[Path, bytes], bool],
            now: float | None = None, min_age_seconds: float = MIN_AGE_SECONDS,
            max_bytes: int = MAX_BYTES) -> PickUp:
    """Move every file directly in a ``watch`` folder that ``recognises(path, data)`` accepts into ``inbox``.

    Never raises for per-file or per-folder problems. ``now`` (epoch seconds) is injectable for tests.
    """
    result = PickUp()
    clock = time.time() if now is None else now
    inbox_key = _key(inbox)
    seen: set[str] = set()
    for folder in watch:
        folder = Path(folder)
        key = _key(folder)
        if key in seen or key == inbox_key:
            continue    # listed twice, or the inbox itself
        seen.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except FileNotFoundError:
            result.notes.append(f"[inbox] watch 의 폴더 {display_name(str(folder))} 가 없어 가져오지 못했습니다 — "
                                "settings.toml 의 폴더 이름을 고치거나 watch = [] 로 끄세요.")
            continue
        except OSError:
            result.notes.append(f"[inbox] watch 의 폴더 {display_name(str(folder))} 를 열 수 없어 가져오지 못했습니다 — "
                                "폴더 권한을 확인하세요. 다음 실행 때 다시 봅니다.")
            continue
        names = {e.name.lower() for e in entries}
        for entry in entries:
            path = Path(entry.path)
            reason = _skip_reason(entry, names, clock, min_age_seconds, max_bytes)
            if reason:
                result.skipped.append((path, reason))
                continue
            _take(path, inbox, recognises, result)
    return result


def template_recogniser(formats: Formats, passwords: Mapping[str, str] | None = None, from_env: Iterable[str] = (),
                        keep: dict[str, list] | None = None) -> Callable[[Path, bytes], bool]:
    """A ``recognises`` for :func:`pick_up` that asks the templates, the way inbox files are identified:
    a file is recognised when one of its tables is an order export or a tracking result of ``formats``.
    Unreadable files (a wrong password, not a table) are not recognised.
    Sheets are streamed: only their first rows become text. ``keep``: the tables of each recognised file go
    there by the sha256 of its bytes, so identifying it in inbox/ need not decrypt and parse it again."""
    from chulgo.files import read_tables   # heavy readers: only when a pick-up runs

    passwords = dict(passwords or {})
    from_env = set(from_env)

    def recognises(path: Path, data: bytes) -> bool:
        try:
            tables = read_tables(path.with_name(display_name(path)), passwords, data, from_env=from_env, stream=True)
        except Exception:   # noqa: BLE001 - InputFileError and anything a broken file can raise: leave it
            return False
        if not formats.recognises(tables):
            return False
        if keep is not None:
            keep[hashlib.sha256(data).hexdigest()] = tables
        return True

    return recognises


# ---------------------------------------------------------------------------------------------------------------


def _skip_reason(entry: os.DirEntry, names: set[str], now: float, min_age: float, max_bytes: int) -> str:
    name = entry.name
    lower = name.lower()
    try:
        if not entry.is_file(follow_symlinks=False):
            return NOT_A_FILE     # folders, links, devices: never followed
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return BUSY
    if not stat.S_ISREG(info.st_mode):
        return NOT_A_FILE
    if name.startswith("~$"):
        return OWNER_FILE
    if lower.startswith(".") or lower in SYSTEM_FILES or _hidden_on_windows(info):
        return HIDDEN
    if os.path.splitext(lower)[1] in PARTIAL_DOWNLOADS:
        return PARTIAL
    if any(lower + ext in names for ext in PARTIAL_DOWNLOADS):
        return PARTIAL            # Firefox: the final name exists (empty) while name.part is written
    if info.st_size == 0:
        return EMPTY
    if info.st_size > max_bytes:
        return TOO_BIG
    if now - info.st_mtime < min_age:
        return TOO_NEW
    return ""


def _hidden_on_windows(info: os.stat_result) -> bool:
    attrs = getattr(info, "st_file_attributes", 0) or 0
    return bool(attrs & (_FILE_ATTRIBUTE_HIDDEN | _FILE_ATTRIBUTE_SYSTEM))


def _take(path: Path, inbox: Path, recognises: Callable[[Path, bytes], bool], result: PickUp) -> None:
    """Read, ask, and move one candidate; the file stays where it is on any doubt."""
    try:
        before = os.stat(path, follow_symlinks=False)
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        result.skipped.append((path, BUSY))
        return
    try:
        known = bool(recognises(path, data))
    except Exception:   # noqa: BLE001 - a caller's bug must not cost the run
        known = False
    if not known:
        result.skipped.append((path, UNKNOWN))
        return
    try:
        after = os.stat(path, follow_symlinks=False)
    except OSError:
        result.skipped.append((path, BUSY))
        return
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or after.st_size != len(data):
        result.skipped.append((path, CHANGED))    # still being written: the next run looks again
        return
    try:
        inbox.mkdir(parents=True, exist_ok=True)
        target = _move_in(path, inbox)
    except OSError as exc:
        result.skipped.append((path, BUSY))
        if not isinstance(exc, (PermissionError, FileNotFoundError)):   # open, or gone: quietly
            result.notes.append(_move_failed(path, inbox, exc))
        return
    result.moved.append((path, target))


def _move_in(path: Path, inbox: Path) -> Path:
    """Rename into inbox (' (2)' on a clash); another drive: copy under a temp name, then delete the source
    (the source is deleted only after the copy has its real name; if the source cannot be deleted, the copy
    goes so there is one file only)."""
    name = display_name(path)
    budget = _char_budget(inbox)
    try:
        return _move(path, inbox, name, budget)
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise
        return _move(path, inbox, name, 40)


def _move_failed(path: Path, inbox: Path, exc: OSError) -> str:
    name = display_name(path)
    if exc.errno == errno.ENOSPC:
        why = "디스크 공간이 부족합니다"
    elif exc.errno == errno.EROFS:
        why = "inbox 폴더가 읽기 전용입니다"
    else:
        why = f"옮기지 못했습니다 ({exc.strerror or type(exc).__name__})"
    return (f"{name}: 다운로드 폴더의 주문·택배 파일이지만 {why} — 그대로 두었습니다. "
            f"직접 {display_name(str(inbox))} 에 넣거나 다음 실행을 기다리세요.")


def _key(path: Path) -> str:
    try:
        resolved = Path(path).resolve()
    except OSError:
        resolved = Path(os.path.abspath(path))
    return os.path.normcase(str(resolved))
