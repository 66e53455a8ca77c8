"""chulgo.archive: inputs reach archive/ whatever their names, drives or locks; killed runs leave no temp files."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chulgo import archive
from chulgo.archive import archive_file, display_name, remove_stale_temp_files

LONG_STEM = "가" * 83     # 249 UTF-8 bytes: fits alone, not with " (2)"


def _fits_everywhere(name: str) -> None:
    assert len(name.encode("utf-8")) <= 255
    assert len(name) <= 120


def test_a_name_at_the_byte_limit_is_archived_twice_with_a_shortened_second_name(tmp_path):
    inbox, day = tmp_path / "inbox", tmp_path / "archive" / "2024-05-01"
    inbox.mkdir()
    name = LONG_STEM + ".csv"
    kept = []
    for content in (b"first", b"second"):
        source = inbox / name
        source.write_bytes(content)
        moved, reason = archive_file(source, day)
        assert reason == "" and moved is not None and moved.exists() and not source.exists()
        kept.append(moved)
    first, second = kept
    assert first.name == name
    assert second != first and second.name.endswith(" (2).csv") and second.name.startswith("가" * 20)
    _fits_everywhere(second.name)
    assert first.read_bytes() == b"first" and second.read_bytes() == b"second"
    assert sorted(p.name for p in day.iterdir()) == sorted([first.name, second.name])


def test_clashing_names_count_up(tmp_path):
    inbox, day = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    for n in range(3):
        (inbox / "주문.xlsx").write_text(str(n))
        moved, reason = archive_file(inbox / "주문.xlsx", day)
        assert reason == ""
    assert sorted(p.name for p in day.iterdir()) == ["주문 (2).xlsx", "주문 (3).xlsx", "주문.xlsx"]
    assert (day / "주문 (3).xlsx").read_text() == "2"


def test_an_undecodable_name_is_archived_and_displayed(tmp_path):
    if sys.platform in ("win32", "darwin"):
        pytest.skip("file names are always Unicode here")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    raw = os.fsencode(inbox) + b"/\xff\xfe\xc0\xc1 \xec\xa3\xbc\xeb\xac\xb8.xlsx"   # bad bytes, then "주문"
    try:
        fd = os.open(raw, os.O_WRONLY | os.O_CREAT, 0o644)
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses non-UTF-8 names")
    os.write(fd, b"orders")
    os.close(fd)
    (source,) = inbox.iterdir()
    with pytest.raises(UnicodeEncodeError):
        source.name.encode("utf-8")   # what stopped collect: printing or storing this name
    shown = display_name(source)
    assert shown.encode("utf-8") and "\ufffd" in shown and shown.endswith(" 주문.xlsx")
    assert display_name(source.name) == shown and display_name(os.fsencode(source.name)) == shown

    moved, reason = archive_file(source, tmp_path / "archive")
    assert reason == "" and moved is not None and not os.path.lexists(source)
    assert moved.read_bytes() == b"orders"
    moved.name.encode("utf-8")   # the archived copy has a name every later step can print and store
    assert display_name(moved) == moved.name


def test_display_name_never_raises():
    assert display_name("정상.xlsx") == "정상.xlsx"
    assert display_name(Path("inbox") / "a.csv") == "a.csv"
    assert display_name(b"\xff.csv") == "\ufffd.csv"
    assert display_name("\ud800x.csv") == "\ufffdx.csv"     # a lone surrogate that fsencode refuses
    assert display_name("줄\n바꿈.csv") == "줄\ufffd바꿈.csv"   # one message, one line


def _other_drive(monkeypatch):
    def refuse(src, dst, *args, **kwargs):
        raise OSError(errno.EXDEV, "Invalid cross-device link", str(src))

    real_replace = os.replace
    monkeypatch.setattr(archive.os, "rename", refuse)

    def replace(src, dst):
        if Path(src).name.startswith(".chulgo-archive."):   # the temp copy already sits on the target drive
            return real_replace(src, dst)
        return refuse(src, dst)

    monkeypatch.setattr(archive.os, "replace", replace)


def test_a_move_to_another_drive_copies_then_deletes(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    source = inbox / "쿠팡 주문.xlsx"
    source.write_bytes(b"orders" * 1000)
    os.utime(source, (1_700_000_000, 1_700_000_000))
    _other_drive(monkeypatch)
    moved, reason = archive_file(source, tmp_path / "archive")
    assert reason == "" and moved == tmp_path / "archive" / "쿠팡 주문.xlsx"
    assert not source.exists() and moved.read_bytes() == b"orders" * 1000
    assert int(moved.stat().st_mtime) == 1_700_000_000, "copy2 keeps the time stamp"
    assert [p.name for p in (tmp_path / "archive").iterdir()] == [moved.name], "no temp copy left behind"


def test_a_failed_copy_to_another_drive_is_reported_and_leaves_one_file(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    source = inbox / "주문.xlsx"
    source.write_bytes(b"orders")
    _other_drive(monkeypatch)

    def full(src, dst, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(archive.shutil, "copy2", full)
    moved, reason = archive_file(source, tmp_path / "archive")
    assert moved is None and "주문.xlsx" in reason and "공간" in reason and "다음 실행" in reason
    assert "열려 있어" not in reason, "not blamed on Excel"
    assert source.read_bytes() == b"orders" and list((tmp_path / "archive").iterdir()) == []


def test_a_locked_source_on_another_drive_keeps_one_copy(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    source = inbox / "주문.xlsx"
    source.write_bytes(b"orders")
    _other_drive(monkeypatch)
    real_unlink = os.unlink

    def locked(p, *args, **kwargs):
        if Path(p) == source:
            raise PermissionError(13, "used by another process", str(p))
        return real_unlink(p, *args, **kwargs)

    monkeypatch.setattr(archive.os, "unlink", locked)
    moved, reason = archive_file(source, tmp_path / "archive")
    assert moved is None and "열려 있어" in reason
    assert source.exists() and list((tmp_path / "archive").iterdir()) == [], "the next run will not make a (2)"


def test_a_file_open_in_excel_stays_and_says_what_to_do(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    source = inbox / "스마트스토어.xlsx"
    source.write_bytes(b"orders")

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file because it is being used", str(src))

    monkeypatch.setattr(archive.os, "replace", locked)
    moved, reason = archive_file(source, tmp_path / "archive")
    assert moved is None
    assert reason.startswith("스마트스토어.xlsx: ") and "열려 있어 보관함으로 옮기지 못했습니다" in reason
    assert "닫으면 다음 실행 때 옮깁니다" in reason
    assert source.read_bytes() == b"orders"


def test_a_vanished_source_counts_as_done(tmp_path):
    assert archive_file(tmp_path / "없음.xlsx", tmp_path / "archive") == (None, "")


def test_other_errors_are_reported_not_raised(tmp_path, monkeypatch):
    source = tmp_path / "주문.xlsx"
    source.write_bytes(b"x")

    def broken(src, dst):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(archive.os, "replace", broken)
    moved, reason = archive_file(source, tmp_path / "archive")
    assert moved is None and reason.startswith("주문.xlsx: ") and source.exists()


def test_a_file_system_with_shorter_names_gets_a_shorter_name(tmp_path, monkeypatch):
    source = tmp_path / ("나" * 60 + ".xlsx")
    source.write_bytes(b"x")
    real = os.replace

    def ecryptfs(src, dst):
        if len(Path(dst).name.encode()) > 143:
            raise OSError(errno.ENAMETOOLONG, "File name too long", str(dst))
        return real(src, dst)

    monkeypatch.setattr(archive.os, "replace", ecryptfs)
    moved, reason = archive_file(source, tmp_path / "archive")
    assert reason == "" and moved is not None and moved.name.endswith("….xlsx") and len(moved.name) <= 40


def test_a_very_long_latin_name_is_kept_under_windows_limits(tmp_path):
    source = tmp_path / ("orders_" * 30 + ".xlsx")
    source.write_bytes(b"x")
    moved, reason = archive_file(source, tmp_path / "archive")
    assert reason == "" and moved is not None and moved.suffix == ".xlsx"
    _fits_everywhere(moved.name)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.skipif(os.name == "nt", reason="Windows relies on age only")
def test_stale_temp_files_go_and_a_live_writers_stay(tmp_path):
    outbox = tmp_path / "outbox"
    (outbox / "2024-05-01").mkdir(parents=True)
    stale = outbox / "2024-05-01" / f".쿠팡 송장.v2.{_dead_pid()}.tmp"
    live = outbox / f".피킹리스트.{os.getpid()}.tmp"
    unrelated = [outbox / "notes.tmp", outbox / ".hidden.tmp", outbox / "송장.xlsx"]
    for path in [stale, live, *unrelated]:
        path.write_bytes(b"partial")
    assert remove_stale_temp_files(outbox) == [stale]
    assert not stale.exists() and live.exists() and all(p.exists() for p in unrelated)


def test_young_temp_files_are_kept_when_asked(tmp_path):
    stale = tmp_path / f".송장.{_dead_pid()}.tmp"
    stale.write_bytes(b"partial")
    assert remove_stale_temp_files(tmp_path, older_than_seconds=3600) == []
    assert stale.exists()
    assert remove_stale_temp_files(tmp_path / "없는 폴더") == []
