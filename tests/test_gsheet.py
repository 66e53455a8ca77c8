"""The mapping and the dashboard in a shared Google Sheet (gspread against the in-repo fake Sheets API): the same
behaviour as the xlsx workbook, one read and one RAW write per step, and never a cell staff typed overwritten."""

from __future__ import annotations

from pathlib import Path

import gspread
import pytest

from chulgo import samples
from chulgo.fakeapi.sheets import FakeSheets
from chulgo.mapping import INSTRUCTION, UNMAPPED_COLUMNS, read_workbook
from chulgo.settings import DEFAULT_SETTINGS
from jobs.collect import collect
from jobs.context import Context
from jobs.sheets import sheets
from jobs.ship import ship
from jobs.status import status
from tests.conftest import ledger_rows

SID = "1AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789"
SETTINGS = DEFAULT_SETTINGS + f'\n[sheets]\nspreadsheet = "https://docs.google.com/spreadsheets/d/{SID}/edit#gid=0"\n'
SKU = UNMAPPED_COLUMNS.index("SKU") + 1


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr("chulgo.gsheet.time.sleep", lambda seconds: None)


class Shop:
    """A workspace whose mapping lives in the fake Google Sheet (the xlsx workbook moved over by `sheets init`)."""

    def __init__(self, root: Path, keep_workbook: bool = False) -> None:
        self.fake = FakeSheets()
        self.fake.add_spreadsheet(SID, "하루상점 매핑")
        self.day = samples.generate_day(seed=11, lines=40)
        self.ws = root / "ws"
        self.ws.mkdir(parents=True)
        (self.ws / "settings.toml").write_text(SETTINGS, encoding="utf-8")
        workbook = self.ws / "mappings" / "상품매핑.xlsx"
        samples.write_day(self.day, self.ws / "inbox", workbook, password="1234")
        self.seeded = read_workbook(workbook)
        sheets(self.ctx(), "init")
        if not keep_workbook:
            workbook.unlink()

    def ctx(self) -> Context:
        return Context(self.ws, sheets_client=lambda: gspread.Client(auth=None, session=self.fake.session()))

    def rows(self, sheet: str) -> list[list[str]]:
        return self.fake.rows(SID, sheet)

    def unmapped(self) -> list[dict[str, str]]:
        rows = self.rows("미매핑")
        return [dict(zip(UNMAPPED_COLUMNS, r)) for r in rows[2:]]


@pytest.fixture
def shop(tmp_path: Path) -> Shop:
    return Shop(tmp_path)


def test_sheets_init_makes_the_tools_sheets_in_an_empty_spreadsheet_and_moves_the_workbook_over(shop):
    titles = [s.title for s in shop.fake.books[SID].sheets]
    assert {"상품", "매핑", "세트", "미매핑", "현황", "현황-대기"} <= set(titles)
    assert shop.rows("상품") == [trimmed(r) for r in shop.seeded["상품"] if any(r)]
    assert shop.rows("매핑")[0] == ["채널", "채널상품코드", "채널옵션코드", "채널상품명", "채널옵션", "SKU", "수량"]
    assert shop.rows("미매핑")[:2] == [[INSTRUCTION], list(UNMAPPED_COLUMNS)]
    assert shop.fake.sheet(SID, "미매핑").grid["frozenRowCount"] == 2 and shop.fake.sheet(SID, "상품").grid["frozenRowCount"] == 1
    rule = shop.fake.sheet(SID, "미매핑").validations[0]
    assert rule["range"]["startColumnIndex"] == SKU - 1 and "'상품'!A2:A" in str(rule["rule"])
    again = shop.ctx()
    sheets(again, "init")                     # a second init changes no content
    assert "이미 모두 있습니다" in again.report.done[0]
    assert shop.rows("상품") == [trimmed(r) for r in shop.seeded["상품"] if any(r)]


def trimmed(row: list[str]) -> list[str]:
    """A row as the Sheets API returns it: no trailing empty cells."""
    while row and row[-1] == "":
        row = row[:-1]
    return row


def test_a_day_reads_the_sheet_once_writes_unmapped_as_text_and_a_sku_typed_in_the_sheet_ships(shop):
    reads, writes = shop.fake.reads, shop.fake.writes
    ctx = shop.ctx()
    collect(ctx)
    assert shop.fake.reads - reads <= 3 and shop.fake.writes - writes == 1     # metadata + batchGet (+ re-read), one write
    assert not ctx.report.problems
    waiting = shop.unmapped()
    assert waiting and all(r["SKU"] == "" for r in waiting)
    assert shop.fake.formula_cells(SID) == []
    unmapped_before = ledger_rows(shop.ws, "SELECT COUNT(*) FROM lines WHERE state = 'new'")[0][0]

    first = waiting[0]
    sku = next(r[0] for r in shop.rows("상품")[1:] if r and r[0])
    shop.fake.set_cell(SID, "미매핑", 3, SKU, sku)          # staff types a SKU into the sheet
    mapping_rows = len(shop.rows("매핑"))
    ctx = shop.ctx()
    ship(ctx)
    moved = shop.rows("매핑")
    assert len(moved) == mapping_rows + 1 and moved[-1][5] == sku and moved[-1][3] == first["채널상품명"]
    assert first["채널상품명"] not in [r["채널상품명"] for r in shop.unmapped()]
    shipped = ledger_rows(shop.ws, "SELECT COUNT(*) FROM lines JOIN texts ON text_id = product_name_id "
                                   "WHERE text = ? AND shipment_id IS NOT NULL", (first["채널상품명"],))[0][0]
    assert shipped == int(first["주문수"]) and unmapped_before > 0


def test_a_listing_that_looks_like_a_formula_is_written_as_plain_text(shop):
    evil = "=HYPERLINK(\"http://x\",\"특가\")"
    shop.day.smartstore[0]["상품명"] = evil
    shop.day.smartstore[0]["옵션관리코드"] = "NOPE-1"
    shop.day.smartstore[0]["상품번호"] = "999999999"
    samples.write_smartstore_export(shop.ws / "inbox" / "스마트스토어_주문.xlsx", shop.day.smartstore, password="1234")
    collect(shop.ctx())
    assert evil in [r["채널상품명"] for r in shop.unmapped()]
    assert shop.fake.formula_cells(SID) == []
    assert all(r.body.get("valueInputOption") == "RAW" for r in shop.fake.requests if r.path.endswith("values:batchUpdate"))


def test_a_sku_typed_while_the_run_is_busy_is_not_overwritten(shop, monkeypatch):
    collect(shop.ctx())
    rows = shop.unmapped()
    sku = next(r[0] for r in shop.rows("상품")[1:] if r and r[0])
    staff_row = ["쿠팡", "", "999", "직원이 적은 상품", "", sku, "1"]
    import jobs.waiting
    real = jobs.waiting.unmapped_rows

    def staff_types_meanwhile(*args, **kwargs):
        """After the run read the sheet, before it writes: staff fills a SKU and adds a 매핑 row by hand."""
        shop.fake.set_cell(SID, "미매핑", 4, SKU, sku)
        next_row = len(shop.rows("매핑")) + 1
        for c, v in enumerate(staff_row, start=1):
            shop.fake.set_cell(SID, "매핑", next_row, c, v)
        return real(*args, **kwargs)
    monkeypatch.setattr(jobs.waiting, "unmapped_rows", staff_types_meanwhile)
    shop.fake.set_cell(SID, "미매핑", 3, SKU, sku)       # typed before the run: this one moves to 매핑
    ctx = shop.ctx()
    collect(ctx)
    after = {r["채널상품명"]: r for r in shop.unmapped()}
    assert after[rows[1]["채널상품명"]]["SKU"] == sku        # typed during the run: still there for the next run
    mapping = shop.rows("매핑")
    assert staff_row in mapping                              # staff's own new 매핑 row survived the tool's append
    assert any(r[3] == rows[0]["채널상품명"] and r[5] == sku for r in mapping)


def test_a_rate_limit_is_waited_out_and_the_run_goes_on(shop):
    shop.fake.fail_next(429, retry_after=1, path_contains="values:batchGet")
    ctx = shop.ctx()
    collect(ctx)
    assert not ctx.report.problems and shop.unmapped()


def test_a_sheet_that_stops_answering_is_named_and_the_last_good_mapping_carries_the_day(shop):
    collect(shop.ctx())                             # a good read: remembered in data/
    shop.fake.deny = True                           # e.g. someone removed the service account from 공유
    samples.write_coupang_export(shop.ws / "inbox" / "쿠팡_추가.xlsx", shop.day.coupang)
    ctx = shop.ctx()
    ship(ctx)
    failed = [p.message for p in ctx.report.problems if p.code == "sheets_failed"]
    assert len(failed) == 1 and "권한" in failed[0] and "client_email" in failed[0] and "마지막으로 읽은 매핑" in failed[0]
    assert ledger_rows(shop.ws, "SELECT COUNT(*) FROM lines WHERE shipment_id IS NOT NULL")[0][0] > 0
    assert list((shop.ws / "outbox").rglob("미매핑.xlsx")) or not shop.unmapped()


def test_a_sheet_never_read_falls_back_to_the_workbook_and_with_neither_the_run_stops_cleanly(tmp_path, cli):
    kept = Shop(tmp_path / "a", keep_workbook=True)
    kept.fake.fail_next(503, times=10)
    ctx = kept.ctx()
    collect(ctx)
    assert any("상품매핑.xlsx" in p.message for p in ctx.report.problems if p.code == "sheets_failed")
    assert ledger_rows(kept.ws, "SELECT COUNT(*) FROM lines")[0][0] == 40

    bare = Shop(tmp_path / "b")
    bare.fake.deny = True
    from chulgo.model import ChulgoError
    with pytest.raises(ChulgoError, match="권한"):
        collect(bare.ctx())
    assert not (bare.ws / "data" / "chulgo.sqlite").exists() or \
        ledger_rows(bare.ws, "SELECT COUNT(*) FROM lines")[0][0] == 0


def test_status_pushes_the_dashboard_into_its_own_sheets_only(shop):
    collect(shop.ctx())
    products = shop.rows("상품")
    ctx = shop.ctx()
    status(ctx)
    today = shop.rows("현황")
    assert "출고 현황" in today[0][0] and any("미매핑" in " ".join(r) for r in today)
    assert shop.rows("현황-대기")[0][0] == "사유"
    assert shop.rows("상품") == products
    assert any("구글 시트" in d for d in ctx.report.done)


def test_a_whole_daily_run_stays_far_below_the_per_minute_quota(shop):
    from jobs.daily import daily
    reads, writes = shop.fake.reads, shop.fake.writes
    ctx = shop.ctx()
    daily(ctx)
    assert ctx.report.outputs
    used_reads, used_writes = shop.fake.reads - reads, shop.fake.writes - writes
    assert used_reads <= 15 and used_writes <= 8, (used_reads, used_writes)     # Google allows 60 + 60 a minute


def test_rows_moved_under_a_full_mapping_sheet_grow_the_sheet_first(tmp_path):
    shop = Shop(tmp_path)
    mapping = shop.rows("매핑")
    grid = shop.fake.sheet(SID, "매핑").grid
    filler = [["스마트스토어", f"F{n}", "", f"채움 {n}", "", mapping[1][5], "1"] for n in range(grid["rowCount"] - len(mapping))]
    for i, row in enumerate(filler, start=len(mapping) + 1):           # staff filled 매핑 to the sheet's last row
        for c, v in enumerate(row, start=1):
            shop.fake.set_cell(SID, "매핑", i, c, v)
    collect(shop.ctx())
    sku = next(r[0] for r in shop.rows("상품")[1:] if r and r[0])
    shop.fake.set_cell(SID, "미매핑", 3, SKU, sku)
    ctx = shop.ctx()
    collect(ctx)
    assert not [p for p in ctx.report.problems if p.code == "sheets_failed"]
    assert shop.rows("매핑")[-1][5] == sku and len(shop.rows("매핑")) == grid["rowCount"] + 1


def test_a_damaged_last_read_falls_back_to_the_workbook(tmp_path):
    shop = Shop(tmp_path / "s", keep_workbook=True)
    collect(shop.ctx())
    cache = shop.ws / "data" / "sheets-mapping.json"
    cache.write_text(cache.read_text(encoding="utf-8")[:300], encoding="utf-8")      # a run killed mid-write
    shop.fake.deny = True
    ctx = shop.ctx()
    ship(ctx)
    assert any("상품매핑.xlsx의 매핑으로" in p.message for p in ctx.report.problems)


def test_sheets_init_as_a_dry_run_writes_nothing_and_init_brings_typed_unmapped_rows_along(tmp_path):
    import openpyxl
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "settings.toml").write_text(DEFAULT_SETTINGS, encoding="utf-8")       # the xlsx workbook, before [sheets]
    day = samples.generate_day(seed=11, lines=40)
    workbook = ws / "mappings" / "상품매핑.xlsx"
    samples.write_day(day, ws / "inbox", workbook, password="1234")
    collect(Context(ws))                                  # 미매핑 written into the xlsx
    wb = openpyxl.load_workbook(workbook)
    wb["미매핑"].cell(row=3, column=SKU, value="직원이-적은-SKU")    # typed, not yet moved into 매핑
    wb.save(workbook)
    (ws / "settings.toml").write_text(SETTINGS, encoding="utf-8")    # now the seller moves to the shared sheet
    fake = FakeSheets()
    fake.add_spreadsheet(SID)

    def client():
        return gspread.Client(auth=None, session=fake.session())
    dry = Context(ws, dry_run=True, sheets_client=client)
    sheets(dry, "init")
    assert fake.writes == 0 and "미리보기" in dry.report.done[0]
    sheets(Context(ws, sheets_client=client), "init")
    assert fake.rows(SID, "미매핑")[2][SKU - 1] == "직원이-적은-SKU"
