"""Move fully read inputs into archive/YYYY-MM-DD/ without ever stopping a run, and clean up temp files.

Every per-file problem comes back as a short Korean reason for the seller instead of an exception:
names too long for the file system are shortened, undecodable names are made printable, a move to
another drive falls back to copy-and-delete, and a file held open (Excel on Windows) waits for the next run.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import time
import unicodedata
from pathlib import Path, PurePath

MAX_NAME_BYTES = 255          # Linux/macOS: bytes per name (UTF-8)
MAX_NAME_CHARS = 120          # well under Windows' 255 UTF-16 units per name and 260-char paths
WINDOWS_MAX_PATH = 259        # without long paths turned on
SHORT_FALLBACK_CHARS = 40     # for file systems with tighter limits (eCryptfs, some network shares)
MAX_SUFFIX_CHARS = 16         # a longer "extension" is really part of the name
ELLIPSIS = "…"                # marks a shortened name

TEMP_PATTERN = re.compile(r"^\.(?P<stem>.+)\.(?P<pid>\d+)\.tmp$", re.DOTALL)   # sheets.write_workbook's temp files
ALWAYS_STALE_AFTER = 24 * 3600   # no workbook takes a day to write: older temp files are stale even if the pid is reused
WINDOWS_MIN_AGE = 3600           # Windows: no cheap liveness check, so only temp files at least this old go

_WINDOWS = os.name == "nt"
_ERROR_NOT_SAME_DEVICE = 17      # Windows winerror for a move to another drive
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROLS = re.compile("[\x00-\x1f\x7f]")

OPEN_REASON = "다 읽었지만 열려 있어 보관함으로 옮기지 못했습니다 — 닫으면 다음 실행 때 옮깁니다 (다시 읽지는 않습니다)."


def display_name(path_or_name: str | bytes | PurePath) -> str:
    """The file name as safe text to print and store: undecodable bytes become U+FFFD. Never raises."""
    try:
        if isinstance(path_or_name, PurePath):
            name: str | bytes = path_or_name.name
        elif isinstance(path_or_name, (str, bytes)):
            name = path_or_name
        else:
            name = str(path_or_name)
        if isinstance(name, bytes):
            text = name.decode("utf-8", "replace")
        else:
            try:   # surrogate-escaped bytes (POSIX) or lone UTF-16 halves (Windows) back to bytes, then decode
                text = os.fsencode(name).decode("utf-8", "replace")
            except (UnicodeError, ValueError):
                text = name
        text = _SURROGATES.sub("\ufffd", text)
        return _CONTROLS.sub("\ufffd", text)
    except Exception:   # noqa: BLE001 - a name is never worth a crash
        return "\ufffd"


def archive_file(path: Path, archive_dir: Path) -> tuple[Path | None, str]:
    """Move ``path`` into ``archive_dir``. Returns (new path, "") or (None, reason for the seller).

    A source that is already gone counts as done: (None, ""). Never raises for per-file problems.
    """
    name = display_name(path)
    try:
        os.lstat(path)
    except FileNotFoundError:
        return None, ""
    except OSError as exc:
        return None, _reason(name, exc)
    try:
        archive_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None, f"{name}: 다 읽었지만 보관함 폴더({display_name(archive_dir)})를 만들지 못했습니다 — " \
                     f"폴더 권한과 디스크를 확인하세요. 다음 실행 때 다시 옮깁니다 (다시 읽지는 않습니다)."
    budget = _char_budget(archive_dir)
    for attempt in range(2):
        try:
            return _move(path, archive_dir, name, budget), ""
        except FileNotFoundError as exc:
            if not os.path.lexists(path):
                return None, ""   # someone else moved or deleted it: nothing left to do
            return None, _reason(name, exc)
        except OSError as exc:
            if exc.errno == errno.ENAMETOOLONG and attempt == 0:
                budget = min(budget, SHORT_FALLBACK_CHARS)   # the file system allows less than usual
                continue
            return None, _reason(name, exc)
    return None, _reason(name, OSError(errno.ENAMETOOLONG, "name too long"))


def remove_stale_temp_files(folder: Path, older_than_seconds: float = 0) -> list[Path]:
    """Delete ``.{stem}.{pid}.tmp`` files (left by sheets.write_workbook when a run was killed) under ``folder``.

    A file goes when it is at least ``older_than_seconds`` old and its process is no longer running
    (POSIX); on Windows, where that cannot be checked cheaply, only when it is also at least an hour old.
    Returns the removed paths; files that cannot be removed are left alone.
    """
    removed: list[Path] = []
    now = time.time()
    min_age = max(older_than_seconds, WINDOWS_MIN_AGE) if _WINDOWS else older_than_seconds
    for root, _dirs, files in os.walk(folder, followlinks=False):
        for filename in files:
            match = TEMP_PATTERN.match(filename)
            if not match:
                continue
            candidate = Path(root) / filename
            try:
                info = os.lstat(candidate)
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            age = now - info.st_mtime
            if age < min_age:
                continue
            if not _WINDOWS and age < ALWAYS_STALE_AFTER and _pid_running(int(match["pid"])):
                continue
            try:
                candidate.unlink()
            except OSError:
                continue   # open or protected: try again next run
            removed.append(candidate)
    return removed


# ---------------------------------------------------------------------------------------------------------------


def _move(path: Path, archive_dir: Path, name: str, budget: int) -> Path:
    stem, suffix = _split(name)
    for n in range(1, 10_000):
        target = archive_dir / _fit(stem, suffix, "" if n == 1 else f" ({n})", budget)
        if os.path.lexists(target):
            continue
        try:
            os.replace(path, target)
            return target
        except FileExistsError:
            continue   # appeared in between (Windows)
        except OSError as exc:
            if not _cross_device(exc):
                raise
        _copy_then_delete(path, target)
        return target
    raise OSError(errno.EEXIST, "no free name in archive")


def _copy_then_delete(path: Path, target: Path) -> None:
    """Another drive: copy under a temp name, give it the real name, then delete the source."""
    tmp = target.with_name(f".chulgo-archive.{os.getpid()}.tmp")
    try:
        shutil.copy2(path, tmp)
        os.replace(tmp, target)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except BaseException:
        _unlink_quietly(target)   # keep one copy only: the source stays and is moved next run
        raise


def _split(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) + 1 > MAX_SUFFIX_CHARS or not ext.strip():
        return name, ""
    return stem, "." + ext


def _fit(stem: str, suffix: str, counter: str, budget: int) -> str:
    """``stem + counter + suffix``, with the stem cut so the whole fits the byte and character limits."""
    full = stem + counter + suffix
    if _fits(full, budget):
        return full
    cut = stem
    while cut and not _fits(cut + ELLIPSIS + counter + suffix, budget):
        cut = cut[:-1]
    while cut and _joins_previous(cut[-1]):   # do not leave half a syllable (NFD names from macOS)
        cut = cut[:-1]
    cut = cut.rstrip(" .")
    if not cut:
        cut = "_"
    return cut + ELLIPSIS + counter + suffix


def _fits(name: str, budget: int) -> bool:
    return len(name) <= budget and len(name.encode("utf-8", "surrogateescape")) <= MAX_NAME_BYTES


def _joins_previous(char: str) -> bool:
    return bool(unicodedata.combining(char)) or "\u1160" <= char <= "\u11ff" or "\ud7b0" <= char <= "\ud7ff"


def _char_budget(archive_dir: Path) -> int:
    if not _WINDOWS:
        return MAX_NAME_CHARS
    try:
        room = WINDOWS_MAX_PATH - len(str(archive_dir.resolve())) - 1
    except OSError:
        room = MAX_NAME_CHARS
    return max(SHORT_FALLBACK_CHARS, min(MAX_NAME_CHARS, room))


def _cross_device(exc: OSError) -> bool:
    return exc.errno == errno.EXDEV or getattr(exc, "winerror", None) == _ERROR_NOT_SAME_DEVICE


def _reason(name: str, exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return f"{name}: {OPEN_REASON}"
    if exc.errno == errno.ENOSPC:
        what = "디스크 공간이 부족해 보관함으로 옮기지 못했습니다 — 공간을 비우면 다음 실행 때 옮깁니다"
    elif exc.errno == errno.EROFS:
        what = "보관함 폴더가 읽기 전용이라 옮기지 못했습니다 — 쓰기 가능한 폴더로 바꾸면 다음 실행 때 옮깁니다"
    elif exc.errno == errno.ENAMETOOLONG:
        what = "이름이 너무 길어 보관함으로 옮기지 못했습니다 — 파일 이름을 짧게 바꾸면 다음 실행 때 옮깁니다"
    else:
        what = "보관함으로 옮기지 못했습니다 — 폴더와 디스크를 확인하면 다음 실행 때 옮깁니다"
    return f"{name}: 다 읽었지만 {what} (다시 읽지는 않습니다)."


def _pid_running(pid: int) -> bool:
    if pid <= 0:
        return False   # never a writer's pid; os.kill(0, ...) would signal our own process group
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True    # alive, owned by someone else
    except (OverflowError, ValueError):
        return False
    except OSError:
        return True    # unsure: keep it
    return True


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
