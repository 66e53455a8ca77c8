"""The seller's mapping workbook is never lost: what openpyxl cannot keep is left alone, every rewrite is backed up,
and a dry run writes nothing under mappings/."""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from chulgo.mapping import BACKUP_DIR, BACKUPS_KEPT, load_mapping, save_unmapped, unmapped_rows
from chulgo.sheets import WORKBOOK_OPTIONS
from tests.test_mapping import ALIASES, line

NAMES = {"smartstore": "스마트스토어"}


def png(width: int = 2, height: int = 2) -> bytes:
    """A small red PNG, made here so no image library is needed."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def write_book(path: Path, extra=None) -> Path:
    """A mapping workbook with one product and one mapping; ``extra(book, sheet)`` adds the seller's content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    sheets = {
        "상품": [["SKU", "상품명", "바코드", "로케이션"], ["TEE-R-L", "티셔츠 빨강 L", "", "A-1"]],
        "매핑": [["채널", "채널상품코드", "채널옵션코드", "채널상품명", "채널옵션", "SKU", "수량"],
               ["smartstore", "P1", "", "", "", "TEE-R-L", "1"]],
        "세트": [["세트SKU", "구성SKU", "수량"]],
        "미매핑": [["채널", "채널상품코드", "채널옵션코드", "채널상품명", "채널옵션", "SKU", "수량", "주문수", "예시주문번호", "추천SKU"]],
    }
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
        if name == "상품" and extra:
            extra(book, sheet)
    book.close()
    return path


def unmapped(book) -> list[tuple[str, ...]]:
    return unmapped_rows([line(product_code="NEW", product_name="새 상품", order_no="O-1")], book, NAMES)


def backups(path: Path) -> list[Path]:
    """The backups of ``path``, oldest first (a second one within the same second is named `…-2`)."""
    folder = path.parent / BACKUP_DIR
    found = folder.glob(f"{path.stem}_*{path.suffix}") if folder.exists() else []
    return sorted(found, key=lambda p: (p.stem.split("_", 1)[1][:15], len(p.stem), p.stem))


def with_picture(book, sheet):
    sheet.insert_image("F2", "logo.png", {"image_data": io.BytesIO(png())})


def with_text_box(book, sheet):
    sheet.insert_textbox("F2", "택배 마감 오후 3시 — 지우지 마세요")


def with_chart(book, sheet):
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=상품!$A$1:$A$2"})
    sheet.insert_chart("F2", chart)


def with_data_bars(book, sheet):
    sheet.conditional_format("E2:E9", {"type": "data_bar", "data_bar_2010": True, "bar_solid": True})


@pytest.mark.parametrize("extra, named", [(with_picture, "그림·도형이 있어"), (with_text_box, "그림·도형이 있어"),
                                          (with_chart, "차트가 있어"), (with_data_bars, "조건부 서식이 있어")],
                         ids=["picture", "text_box", "chart", "data_bars"])
def test_a_workbook_with_content_openpyxl_cannot_keep_is_not_rewritten(tmp_path, extra, named):
    path = write_book(tmp_path / "mappings" / "상품매핑.xlsx", extra)
    before = path.read_bytes()
    book = load_mapping(path, ALIASES)
    written, note = save_unmapped(book, unmapped(book), tmp_path / "outbox")
    assert path.read_bytes() == before, "the seller's workbook is byte for byte the same"
    assert written == tmp_path / "outbox" / "미매핑.xlsx" and written.exists()
    assert named in note and "직접 고치지 않고" in note and "따로 적었습니다" in note and "'매핑' 시트에 옮겨" in note
    fallback = openpyxl.load_workbook(written)["미매핑"]
    assert [c.value for c in fallback[2]][3] == "새 상품"
    assert not backups(path), "nothing written, nothing backed up"


def test_xlsm_and_xls_mapping_files_are_never_rewritten(tmp_path):
    write_book(tmp_path / "plain.xlsx")
    for suffix in (".xlsm", ".xls"):
        path = write_book(tmp_path / f"m{suffix}.xlsx").rename(tmp_path / f"m{suffix}")
        before = path.read_bytes()
        book = load_mapping(tmp_path / "plain.xlsx" if suffix == ".xls" else path, ALIASES)   # calamine wants BIFF
        book.path = path
        written, note = save_unmapped(book, unmapped(book), tmp_path / "outbox")
        assert path.read_bytes() == before and written != path
        assert "xlsx 파일이 아니라" in note and "따로 적었습니다" in note
        assert not (tmp_path / BACKUP_DIR).exists()


def test_a_plain_workbook_is_backed_up_then_rewritten(tmp_path):
    path = write_book(tmp_path / "mappings" / "상품매핑.xlsx", lambda book, sheet: sheet.write_comment("A2", "재고 확인"))
    before = path.read_bytes()
    book = load_mapping(path, ALIASES)
    written, note = save_unmapped(book, unmapped(book), tmp_path / "outbox")
    assert written == path and "'미매핑' 시트에 적었습니다" in note
    assert path.read_bytes() != before
    after = openpyxl.load_workbook(path)
    assert [c.value for c in after["미매핑"][3]][3] == "새 상품"        # row 1: the instruction, row 2: the header
    assert after["상품"]["A2"].comment.text.startswith("재고 확인"), "a cell comment is no reason to refuse"
    [backup] = backups(path)
    assert re.fullmatch(r"상품매핑_\d{8}-\d{6}\.xlsx", backup.name)
    assert backup.parent == path.parent / "백업"
    assert backup.read_bytes() == before, "the backup is the workbook as it was before the rewrite"
    assert not list(path.parent.glob(".*.tmp")) and not list(backup.parent.glob(".*.tmp"))


def test_nothing_to_change_writes_nothing(tmp_path):
    path = write_book(tmp_path / "m.xlsx")
    book = load_mapping(path, ALIASES)
    assert save_unmapped(book, [], tmp_path / "outbox") == (None, "")
    assert not (tmp_path / BACKUP_DIR).exists() and not (tmp_path / "outbox").exists()


def test_two_rewrites_keep_two_backups(tmp_path):
    path = write_book(tmp_path / "m.xlsx")
    book = load_mapping(path, ALIASES)
    save_unmapped(book, unmapped(book), tmp_path / "outbox")
    middle = path.read_bytes()
    book = load_mapping(path, ALIASES)
    save_unmapped(book, unmapped(book) + [("스마트스토어", "P9", "", "또 새 상품", "", "", "", "1", "O-2", "")],
                  tmp_path / "outbox")
    assert len(backups(path)) == 2 and backups(path)[-1].read_bytes() == middle


def test_backups_are_capped_per_workbook(tmp_path):
    path = write_book(tmp_path / "m.xlsx")
    folder = tmp_path / BACKUP_DIR
    folder.mkdir()
    old = [folder / f"m_2020{month:02d}{day:02d}-000000.xlsx" for month in (1, 2) for day in range(1, 19)]
    for p in old:
        p.write_bytes(b"old")
    others = [folder / "other_20200101-000000.xlsx", folder / "m_메모.txt", folder / "m_20200101-000000 (1).xlsx"]
    for p in others:
        p.write_bytes(b"keep")
    book = load_mapping(path, ALIASES)
    written, _ = save_unmapped(book, unmapped(book), tmp_path / "outbox")
    assert written == path
    kept = backups(path)
    ours = [p for p in kept if p not in others]
    assert len(ours) == BACKUPS_KEPT
    assert ours[-1].read_bytes() != b"old", "the new backup is kept"
    assert [p for p in old if p.exists()] == old[-(BACKUPS_KEPT - 1):], "the oldest go first"
    assert all(p.exists() for p in others), "only this workbook's backups are pruned"


def test_without_a_backup_the_workbook_is_not_rewritten(tmp_path):
    path = write_book(tmp_path / "m.xlsx")
    (tmp_path / BACKUP_DIR).write_text("not a folder", encoding="utf-8")
    before = path.read_bytes()
    book = load_mapping(path, ALIASES)
    written, note = save_unmapped(book, unmapped(book), tmp_path / "outbox")
    assert path.read_bytes() == before and written == tmp_path / "outbox" / "미매핑.xlsx"
    assert "백업을" in note


def test_a_dry_run_writes_nothing_under_mappings(tmp_path):
    mappings = tmp_path / "mappings"
    book = load_mapping(mappings / "상품매핑.xlsx", ALIASES, create=False)
    assert not mappings.exists(), "a missing workbook is not created"
    assert not book.products and not book.problems
    written, note = save_unmapped(book, unmapped(book), tmp_path / "outbox" / "_dryrun", touch_workbook=False)
    assert written.parent == tmp_path / "outbox" / "_dryrun" and "미리보기" in note
    assert not mappings.exists()

    path = write_book(tmp_path / "m.xlsx")
    before = path.read_bytes()
    book = load_mapping(path, ALIASES, create=False)
    save_unmapped(book, unmapped(book), tmp_path / "outbox" / "_dryrun", touch_workbook=False)
    assert path.read_bytes() == before and not (tmp_path / BACKUP_DIR).exists()


def test_a_missing_workbook_is_still_created_by_a_real_run(tmp_path):
    path = tmp_path / "mappings" / "상품매핑.xlsx"
    load_mapping(path, ALIASES)
    assert path.exists()
