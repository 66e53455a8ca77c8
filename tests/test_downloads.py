"""chulgo.downloads: recognised files come in from the Downloads folder; nothing else there is ever touched."""

from __future__ import annotations

import errno
import os
import shutil
import time
from pathlib import Path

import pytest

from chulgo import archive, downloads
from chulgo.downloads import pick_up, template_recogniser
from chulgo.identify import Formats

from tests.conftest import make_workspace

OLD = 1_700_000_000.0          # a file's mtime, long before NOW
NOW = OLD + 3600


def _file(folder: Path, name: str, data: bytes = b"ORDERS\n1,2,3\n", mtime: float = OLD) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path


def _ours(path: Path, data: bytes) -> bool:
    return data.startswith(b"ORDERS")


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file()}


def test_recognised_files_move_and_everything_else_stays_as_it_was(tmp_path):
    dl, inbox = tmp_path / "Downloads", tmp_path / "ws" / "inbox"
    order = _file(dl, "스마트스토어_주문.xlsx")
    _file(dl, "휴가사진.jpg", b"\xff\xd8\xff not a table")
    _file(dl, "주문서.xlsx.crdownload")                              # Chrome still writing (content is ours)
    _file(dl, "쿠팡.part")                                           # Firefox still writing
    _file(dl, "~$스마트스토어_주문.xlsx")                              # Excel's owner file
    _file(dl, ".숨김.xlsx")
    _file(dl, "desktop.ini")
    _file(dl, "방금_받은_주문.xlsx", mtime=NOW - 1)                    # written a second ago
    _file(dl, "큰파일.csv", b"ORDERS" + b"x" * 2000)                   # over the size cap given below
    _file(dl / "하위폴더", "주문.xlsx")                                 # only files directly in the folder
    before = _state(dl)
    before_sub = _state(dl / "하위폴더")

    result = pick_up([dl], inbox, _ours, now=NOW, max_bytes=1000)

    assert result.moved == [(order, inbox / "스마트스토어_주문.xlsx")]
    assert (inbox / "스마트스토어_주문.xlsx").read_bytes() == b"ORDERS\n1,2,3\n" and not order.exists()
    before.pop(order.name)
    assert _state(dl) == before, "nothing else was moved, renamed or written"
    assert _state(dl / "하위폴더") == before_sub
    reasons = {p.name: r for p, r in result.skipped}
    assert reasons == {
        "휴가사진.jpg": downloads.UNKNOWN, "주문서.xlsx.crdownload": downloads.PARTIAL, "쿠팡.part": downloads.PARTIAL,
        "~$스마트스토어_주문.xlsx": downloads.OWNER_FILE, ".숨김.xlsx": downloads.HIDDEN,
        "desktop.ini": downloads.HIDDEN, "방금_받은_주문.xlsx": downloads.TOO_NEW, "큰파일.csv": downloads.TOO_BIG,
        "하위폴더": downloads.NOT_A_FILE}
    assert result.notes == []
    assert result.summary() == "다운로드 폴더에서 1개를 가져왔습니다: 스마트스토어_주문.xlsx"

    # The next run, later: the young file is old enough now; the partial download is still left.
    again = pick_up([dl], inbox, _ours, now=NOW + 60, max_bytes=1000)
    assert [dst.name for _, dst in again.moved] == ["방금_받은_주문.xlsx"]
    assert (dl / "주문서.xlsx.crdownload").exists()


def test_a_placeholder_beside_a_partial_download_and_an_empty_file_wait(tmp_path):
    dl, inbox = tmp_path / "dl", tmp_path / "inbox"
    _file(dl, "주문.xlsx", b"")                 # Firefox: the final name exists, empty, while .part grows
    _file(dl, "주문.xlsx.part")
    _file(dl, "택배.xlsx", b"ORDERS")
    _file(dl, "택배.xlsx.crdownload")           # a second download of the same name is still running
    result = pick_up([dl], inbox, _ours, now=NOW)
    assert result.moved == []
    assert not inbox.exists() or list(inbox.iterdir()) == []


def test_clashing_names_count_up_and_the_inbox_file_is_kept(tmp_path):
    dl, inbox = tmp_path / "dl", tmp_path / "inbox"
    _file(inbox, "DeliveryList.xlsx", b"ORDERS already here")
    _file(dl, "DeliveryList.xlsx", b"ORDERS new")
    result = pick_up([dl], inbox, _ours, now=NOW)
    assert [dst.name for _, dst in result.moved] == ["DeliveryList (2).xlsx"]
    assert (inbox / "DeliveryList.xlsx").read_bytes() == b"ORDERS already here"
    assert (inbox / "DeliveryList (2).xlsx").read_bytes() == b"ORDERS new"
    _file(dl, "DeliveryList.xlsx", b"ORDERS newer")
    assert [dst.name for _, dst in pick_up([dl], inbox, _ours, now=NOW).moved] == ["DeliveryList (3).xlsx"]


def _other_drive(monkeypatch):
    real_replace = os.replace

    def replace(src, dst):
        if Path(src).name.startswith(".chulgo-archive."):   # the temp copy already sits on the target drive
            return real_replace(src, dst)
        raise OSError(errno.EXDEV, "Invalid cross-device link", str(src))

    monkeypatch.setattr(archive.os, "replace", replace)


def test_another_drive_copies_then_deletes(tmp_path, monkeypatch):
    dl, inbox = tmp_path / "dl", tmp_path / "inbox"
    source = _file(dl, "주문.csv", b"ORDERS" * 1000)
    _other_drive(monkeypatch)
    result = pick_up([dl], inbox, _ours, now=NOW)
    assert result.moved == [(source, inbox / "주문.csv")]
    assert not source.exists() and (inbox / "주문.csv").read_bytes() == b"ORDERS" * 1000
    assert [p.name for p in inbox.iterdir()] == ["주문.csv"], "no temp copy left behind"


def test_another_drive_keeps_the_source_when_the_copy_fails_or_the_source_cannot_go(tmp_path, monkeypatch):
    dl, inbox = tmp_path / "dl", tmp_path / "inbox"
    source = _file(dl, "주문.csv", b"ORDERS" * 1000)
    _other_drive(monkeypatch)
    real_copy2 = shutil.copy2

    def full_disk(src, dst, *args, **kwargs):
        Path(dst).write_bytes(b"ORD")     # half a copy
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(archive.shutil, "copy2", full_disk)
    result = pick_up([dl], inbox, _ours, now=NOW)
    assert result.moved == [] and source.read_bytes() == b"ORDERS" * 1000
    assert list(inbox.iterdir()) == [], "the half copy is gone"
    assert len(result.notes) == 1 and "디스크 공간이 부족" in result.notes[0] and "주문.csv" in result.notes[0]

    monkeypatch.setattr(archive.shutil, "copy2", real_copy2)
    real_unlink = os.unlink

    def locked(path, *args, **kwargs):
        if Path(path) == source:
            raise PermissionError(errno.EACCES, "in use", str(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(archive.os, "unlink", locked)
    result = pick_up([dl], inbox, _ours, now=NOW)
    assert result.moved == [] and source.exists()
    assert list(inbox.iterdir()) == [], "one copy only: the file comes next run"
    assert result.notes == [], "a file held open just waits, quietly"
    assert (source, downloads.BUSY) in result.skipped


def test_a_file_that_changes_while_read_waits(tmp_path):
    dl, inbox = tmp_path / "dl", tmp_path / "inbox"
    source = _file(dl, "주문.csv")

    def growing(path: Path, data: bytes) -> bool:
        with open(path, "ab") as handle:
            handle.write(b"more")
        return True

    result = pick_up([dl], inbox, growing, now=time.time() + 3600)
    assert result.moved == [] and (source, downloads.CHANGED) in result.skipped and source.exists()


def test_a_recogniser_that_raises_leaves_the_file(tmp_path):
    dl, inbox = tmp_path / "dl", tmp_path / "inbox"
    source = _file(dl, "주문.csv")

    def broken(path: Path, data: bytes) -> bool:
        raise ValueError("bug")

    result = pick_up([dl], inbox, broken, now=NOW)
    assert result.moved == [] and source.exists() and (source, downloads.UNKNOWN) in result.skipped


def test_missing_folders_the_inbox_itself_and_repeats_are_handled(tmp_path):
    dl, inbox = tmp_path / "dl", tmp_path / "inbox"
    _file(inbox, "그대로.csv")
    _file(dl, "주문.csv")
    result = pick_up([tmp_path / "없는폴더", inbox, dl, dl], inbox, _ours, now=NOW)
    assert [dst.name for _, dst in result.moved] == ["주문.csv"]
    assert sorted(p.name for p in inbox.iterdir()) == ["그대로.csv", "주문.csv"]
    assert len(result.notes) == 1 and "없는폴더" in result.notes[0] and "watch" in result.notes[0]
    assert pick_up([], inbox, _ours).moved == []


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_links_are_not_followed(tmp_path):
    dl, inbox, elsewhere = tmp_path / "dl", tmp_path / "inbox", tmp_path / "elsewhere"
    target = _file(elsewhere, "주문.csv")
    dl.mkdir()
    (dl / "링크.csv").symlink_to(target)
    result = pick_up([dl], inbox, _ours, now=NOW)
    assert result.moved == [] and target.exists() and (dl / "링크.csv").is_symlink()


def test_real_channel_and_courier_files_are_recognised_by_the_templates(tmp_path, day):
    from jobs.context import Context

    ws = make_workspace(tmp_path / "ws", day)
    dl = tmp_path / "Downloads"
    shutil.move(str(ws / "inbox"), str(dl))          # the seller's browser saved them here instead
    names = sorted(p.name for p in dl.iterdir())
    assert names
    for p in dl.iterdir():
        os.utime(p, (OLD, OLD))
    _file(dl, "견적서.csv", "품목,단가\n볼펜,500\n".encode("utf-8"))
    _file(dl, "메모.txt", "내일 할 일".encode("utf-8"))
    ctx = Context(ws)
    settings = ctx.settings
    recognises = template_recogniser(Formats(list(ctx.channels.values()), list(ctx.couriers.values())),
                                     {cid: settings.password(cid) for cid in ctx.channels})
    result = pick_up([dl], settings.inbox, recognises, now=NOW)
    assert sorted(dst.name for _, dst in result.moved) == names
    assert sorted(p.name for p in dl.iterdir()) == ["견적서.csv", "메모.txt"]
    files = ctx.inbox.files()
    assert len(files) == len(names) and all(f.recognised and not f.error for f in files)
    assert result.summary().startswith(f"다운로드 폴더에서 {len(names)}개를 가져왔습니다: ")


def test_a_file_picked_up_from_downloads_is_read_as_if_it_had_been_put_in_inbox(tmp_path, day):
    """A picked-up file is identified from what its pick-up read (not decrypted and parsed twice): the same
    tables, rows and lines as a file put in inbox/ by hand, under the name it has in inbox/ (here `… (2)`)."""
    from chulgo.settings import DEFAULT_SETTINGS
    from jobs.context import Context

    dl = tmp_path / "Downloads"
    ws = make_workspace(tmp_path / "ws", day, DEFAULT_SETTINGS + f'\n[inbox]\nwatch = ["{dl.as_posix()}"]\n')
    shutil.move(str(ws / "inbox"), str(dl))
    names = sorted(p.name for p in dl.iterdir())
    smartstore = next(n for n in names if n.startswith("스마트스토어"))
    other = next(n for n in names if n != smartstore)
    _file(ws / "inbox", smartstore, (dl / other).read_bytes())     # another export already there by that name
    for p in dl.iterdir():
        os.utime(p, (OLD, OLD))

    ctx = Context(ws)
    ctx.pick_up_downloads()
    assert len(ctx.inbox.picked_up) == len(names)      # what identify takes instead of reading the files again
    files = ctx.inbox.files()
    assert not ctx.inbox.picked_up
    assert sorted(f.name for f in files) == sorted([*names, smartstore.replace(".xlsx", " (2).xlsx")])
    by_hand = {f.name: f for f in Context(ws).inbox.files()}
    for f in files:
        g = by_hand[f.name]
        assert (f.sha, f.error) == (g.sha, g.error)
        for kind in ("orders", "claims", "tracking"):
            assert [(a.name, t.file, t.sheet, t.header_row, t.rows) for a, t in getattr(f, kind)] == \
                [(a.name, t.file, t.sheet, t.header_row, t.rows) for a, t in getattr(g, kind)]
        assert repr(f.read_orders()[1:]) == repr(g.read_orders()[1:])
        assert repr(f.read_tracking()[1:]) == repr(g.read_tracking()[1:])
    assert any(line.source.endswith(" (2).xlsx") for f in files for line in f.read_orders()[1])
