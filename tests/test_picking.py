"""The picking list as a seller prints it: 합계 (walking order, big quantities, 2+ stand out), 포장 (one block per
parcel, each SKU once, set name above its components, a line count that matches), the day total across couriers,
the packing slip with 운송장번호, and A4 portrait one page wide — checked in the workbook and, when LibreOffice is
installed, in the PDF it prints."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from chulgo.mapping import Product
from chulgo.model import Item, ParcelLine, Recipient, Shipment
from chulgo.picking import (_CODE128, MANY, PAGE_BODY, code128_modules, gift_words, parcel_contents, short_address,
                            write_day_total, write_packing_slip, write_picking_list)

MUG = Item("HR-MUG-WHT", 1, "하루 머그컵 화이트 350ml", "A-01-03", "8800000000011")
SOCK = Item("HR-SOCK-GRY", 1, "하루 양말 그레이", "B-02-01", "8800000000028")
TWL = Item("HR-TWL-WHT", 1, "하루 호텔 타월 화이트 40수", "C-05-02", "8800000000035")
TEE = Item("HR-TEE-BLU-XL", 1, "하루 오가닉 코튼 티셔츠 파랑 XL", "A-03-11", "8800000000042")
SET_NAME = "하루 선물세트 (머그컵+양말+타월)"
TITLE = "2026-11-24 1차 출고 (CJ대한통운) — 아주 긴 제목이 열 너비를 정하면 안 됩니다 (재발행 포함)"
NAMES = {"smartstore": "스마트스토어", "coupang": "쿠팡", "cafe24": "카페24", "toss": "토스쇼핑"}
PRODUCTS = {"HR-MUG-WHT": Product("HR-MUG-WHT", "", "", "A-01-03", "3", "", ""),
            "HR-TWL-WHT": Product("HR-TWL-WHT", "", "", "C-05-02", "50", "", "")}


def _it(base: Item, q: int) -> Item:
    return Item(base.sku, q, base.name, base.location, base.barcode)


def _recipient(name: str, address: str, message: str = "") -> Recipient:
    return Recipient(name, "010-1234-5678", "", "06236", address, message)


def _shipments(batch: int = 1, courier: str = "cj", first: int = 1) -> list[Shipment]:
    """Parcel 1: a set, the same towel again on its own (HR-TWL-WHT twice), a second channel's order (합포장) with a
    free gift. Parcel 2: a two-SKU mapping. Parcel 3: one mug."""
    sid = [f"K7Q261124-{batch}-{n:04d}" for n in range(first, first + 3)]
    return [
        Shipment(sid[0], batch, courier,
                 _recipient("홍길동", "서울특별시 강남구 테헤란로 123, 하루빌딩 4층 401호 (역삼동)", "부재시 문앞"), (
                     ParcelLine("smartstore", "1", "2026112400001", SET_NAME, "", 1,
                                (_it(MUG, 1), _it(SOCK, 1), _it(TWL, 1))),
                     ParcelLine("smartstore", "2", "2026112400001", "[무료배송] 호텔 타월", "색상: 화이트", 2,
                                (_it(TWL, 2),)),
                     ParcelLine("coupang", "3", "3100000000001", "오가닉 코튼 티셔츠", "파랑, XL", 2, (_it(TEE, 2),)),
                     ParcelLine("coupang", "4", "3100000000001", "양말", "사은품 증정", 1, (_it(SOCK, 1),)),
                 )),
        Shipment(sid[1], batch, courier, _recipient("김민서", "경기도 성남시 분당구 판교역로 235 에이치스퀘어 N동 7층"), (
            ParcelLine("cafe24", "5", "20261124-0000012", "머그+타월 세트", "", 1, (_it(TWL, 2), _it(MUG, 1))),
        )),
        Shipment(sid[2], batch, courier, _recipient("이서준", "세종특별자치시 한누리대로 2130", "배송 전 연락"), (
            ParcelLine("toss", "6", "T-1", "하루 머그컵", "화이트", 1, (_it(MUG, 1),)),
        )),
    ]


@pytest.fixture
def picking(tmp_path: Path) -> Path:
    [path] = write_picking_list(tmp_path / "피킹리스트_20261124_1차.xlsx", _shipments(), PRODUCTS, TITLE, NAMES)
    return path


def _table(ws, header: str) -> tuple[int, list[str]]:
    """The 1-based row of the column header row and its labels."""
    for row in ws.iter_rows(min_row=1, max_row=10):
        if row[0].value == header:
            return row[0].row, [c.value for c in row]
    raise AssertionError(f"no header row starting with {header}")


def _width(ws, col: int) -> float:
    """Column width by 1-based index (openpyxl groups equal neighbouring columns under the first letter)."""
    for dim in ws.column_dimensions.values():
        if dim.min and dim.max and dim.min <= col <= dim.max:
            return dim.width
    raise AssertionError(f"no width for column {col}")


def _images(path: Path) -> int:
    """Pictures in the workbook (openpyxl drops them without Pillow, so read the package)."""
    with zipfile.ZipFile(path) as z:
        return sum(z.read(n).count(b"<xdr:pic>") for n in z.namelist() if n.startswith("xl/drawings/drawing"))


def _assert_a4_portrait_one_page_wide(ws, header_row: int) -> None:
    assert ws.page_setup.paperSize == 9, "A4"
    assert ws.page_setup.orientation in (None, "portrait", "default")
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows.replace("$", "") == f"1:{header_row}", "title and column headers repeat on every page"
    total = sum(_width(ws, c) for c in range(1, ws.max_column + 1))
    assert total <= 102, f"columns {total:.0f} wide: the A4 print would shrink well below 100%"


# ---------------------------------------------------------------------------------------------- 합계

def test_totals_widths_come_from_the_data_not_the_title(picking):
    ws = openpyxl.load_workbook(picking)["합계"]
    assert ws["A1"].value == TITLE
    assert "A1:" in " ".join(str(m) for m in ws.merged_cells.ranges), "the title spans the table"
    header_row, header = _table(ws, "로케이션")
    assert header[:3] == ["로케이션", "SKU", "상품명"]
    assert _width(ws, 1) < 15, "로케이션 is narrow: the long title must not widen column A"
    _assert_a4_portrait_one_page_wide(ws, header_row)


def test_totals_quantities_bold_large_and_two_or_more_filled_in_walking_order(picking):
    ws = openpyxl.load_workbook(picking)["합계"]
    header_row, header = _table(ws, "로케이션")
    q = header.index("수량") + 1
    rows = [r for r in ws.iter_rows(min_row=header_row + 1) if r[0].value is not None or r[1].value]
    got = {r[1].value: r[q - 1] for r in rows}
    assert {k: c.value for k, c in got.items()} == {"HR-MUG-WHT": 3, "HR-SOCK-GRY": 2, "HR-TWL-WHT": 5,
                                                   "HR-TEE-BLU-XL": 2}
    assert [r[0].value for r in rows] == sorted(r[0].value for r in rows), "sorted by 로케이션"
    for sku, cell in got.items():
        assert cell.font.b and cell.font.sz >= 14, f"{sku}: quantity bold and large"
        assert cell.fill.fgColor.rgb[-6:] == MANY[1:], f"{sku}: {cell.value} ≥ 2 stands out"
    stock = header.index("재고") + 1
    mug = next(r for r in rows if r[1].value == "HR-MUG-WHT")
    assert mug[stock - 1].value == "3"


def test_a_single_unit_is_not_filled(tmp_path):
    one = [Shipment("K7Q261124-1-0001", 1, "cj", _recipient("홍길동", "서울특별시 강남구 테헤란로 1"),
                    (ParcelLine("toss", "1", "T-1", "머그", "", 1, (_it(MUG, 1),)),))]
    ws = openpyxl.load_workbook(write_picking_list(tmp_path / "p.xlsx", one, {}, "t", NAMES)[0])["합계"]
    header_row, header = _table(ws, "로케이션")
    cell = ws.cell(header_row + 1, header.index("수량") + 1)
    assert cell.value == 1 and cell.font.b
    assert cell.fill.fill_type in (None, "none")


# ---------------------------------------------------------------------------------------------- 포장

def _blocks(ws) -> dict[str, list[list]]:
    """포장 rows per parcel (keyed by the parcel id in column A of its first row)."""
    header_row, _ = _table(ws, "확인")
    blocks: dict[str, list[list]] = {}
    current = None
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if row[0] and str(row[0]).startswith(("K7Q", "운송장")):
            if str(row[0]).startswith("K7Q") or current is None or row[3]:
                current = str(row[0])
                blocks[current] = []
        if current is not None:
            blocks[current].append(list(row))
    return blocks


def test_packing_block_each_sku_once_with_a_matching_count(picking):
    ws = openpyxl.load_workbook(picking)["포장"]
    blocks = _blocks(ws)
    assert list(blocks) == ["K7Q261124-1-0001", "K7Q261124-1-0002", "K7Q261124-1-0003"]
    for sid, rows in blocks.items():
        skus = [r[2] for r in rows if r[0] == "☐"]
        assert len(skus) == len(set(skus)), f"{sid}: a SKU listed twice: {skus}"
        n, units = map(int, re.fullmatch(r"(\d+)줄 · (\d+)개", rows[0][4]).groups())
        assert n == len(skus), f"{sid}: the count says {n} lines, the block has {len(skus)}"
        assert units == sum(r[4] for r in rows if r[0] == "☐")
    first = {r[2]: r for r in blocks["K7Q261124-1-0001"] if r[0] == "☐"}
    assert first["HR-TWL-WHT"][4] == 3, "the set's towel and the towel order summed: one row"
    assert first["HR-SOCK-GRY"][4] == 2 and "세트1+단품1" in first["HR-SOCK-GRY"][5]


def test_packing_shows_recipient_short_address_message_merge_and_gift(picking):
    blocks = _blocks(openpyxl.load_workbook(picking)["포장"])
    head, detail = blocks["K7Q261124-1-0001"][:2]
    assert head[3].startswith("홍길동 · 강남구 테헤란로 123")
    assert "서울특별시" not in head[3] and "역삼동" not in head[3]
    assert detail[3] == "메시지: 부재시 문앞"
    assert "합포장 2건" in detail[4] and "스마트스토어" in detail[4] and "쿠팡" in detail[4]
    assert "사은품" in detail[4]
    second = blocks["K7Q261124-1-0002"]
    assert not any("합포장" in str(r[4] or "") for r in second), "one order is not 합포장"
    assert not any("사은품" in str(r[4] or "") for r in second)
    assert blocks["K7Q261124-1-0003"][0][3] == "이서준 · 세종 한누리대로 2130"


def test_set_name_above_its_components(picking):
    blocks = _blocks(openpyxl.load_workbook(picking)["포장"])
    rows = blocks["K7Q261124-1-0002"]
    at = next(i for i, r in enumerate(rows) if r[2] and "머그+타월 세트" in str(r[2]))
    below = [r[2] for r in rows[at + 1:] if r[0] == "☐"]
    assert sorted(below) == ["HR-MUG-WHT", "HR-TWL-WHT"]
    assert all(r[0] == "☐" for r in rows[at + 1:]), "the components follow the set name directly"
    first = blocks["K7Q261124-1-0001"]
    at = next(i for i, r in enumerate(first) if r[2] and SET_NAME in str(r[2]))
    assert first[at + 1][2] == "HR-MUG-WHT", "the set's own component under it"
    assert "위 줄에 합침" in first[at][2], "components summed with other orders are said to be above"


def test_packing_quantities_and_print_setup(picking):
    wb = openpyxl.load_workbook(picking)
    ws = wb["포장"]
    header_row, header = _table(ws, "확인")
    assert header == ["확인", "로케이션", "SKU", "상품명", "수량", "비고"]
    _assert_a4_portrait_one_page_wide(ws, header_row)
    for row in ws.iter_rows(min_row=header_row + 1):
        if row[0].value == "☐":
            q = row[4]
            assert q.font.b and q.font.sz >= 14
            assert (q.fill.fgColor.rgb[-6:] == MANY[1:]) == (q.value >= 2)
    assert _images(picking) == 3, "a Code128 barcode of each parcel id"


def test_long_days_break_pages_between_parcels(tmp_path):
    many = [s for n in range(12) for s in _shipments(1, "cj", 1 + 3 * n)]
    ws = openpyxl.load_workbook(write_picking_list(tmp_path / "p.xlsx", many, PRODUCTS, "t", NAMES)[0])["포장"]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks, "a long list gets page breaks"
    for b in breaks:                      # openpyxl: the break is after row id (1-based) = before row id + 1
        assert str(ws.cell(b + 1, 1).value).startswith("K7Q"), f"page {b} breaks inside a parcel"
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    starts = [4] + [b + 1 for b in breaks] + [ws.max_row + 1]
    for a, z in zip(starts, starts[1:]):
        assert sum(heights.get(r, 15) for r in range(a, z)) <= PAGE_BODY + 200


# ---------------------------------------------------------------------------------------------- helpers

def test_short_address_and_gift_words():
    assert short_address("서울특별시 강남구 테헤란로 12, 3층 (역삼동)") == "강남구 테헤란로 12, 3층"
    assert short_address("경기도 성남시 분당구 판교역로 235") == "성남시 분당구 판교역로 235"
    assert short_address("세종특별자치시  한누리대로 2130") == "세종 한누리대로 2130"
    long = short_address("부산광역시 해운대구 해운대로 1234 해운대아이파크 101동 3501호 관리사무소 앞", 20)
    assert long.endswith("…") and long.startswith("해운대구")
    assert gift_words("양말", "사은품 증정") == ["사은품", "증정"]
    assert gift_words("하루 선물세트 (머그컵+양말+타월)", "") == [], "a 선물세트 is a product, not a gift"
    assert gift_words("머그컵", "선물포장: 예") == ["선물"]


def test_code128_is_well_formed():
    text = "K7Q261124-1-0001"
    bits = code128_modules(text)
    assert len(bits) == (len(text) + 3) * 11 + 2
    table = {"".join(("1" if i % 2 == 0 else "0") * int(w) for i, w in enumerate(p)): v
             for v, p in enumerate(_CODE128[:106])}
    assert all(sum(map(int, p)) == 11 for p in _CODE128[:106]) and len(table) == 106, "106 distinct symbols"
    symbols = [table[bits[i:i + 11]] for i in range(0, len(bits) - 13, 11)]
    assert symbols[0] == 104 and bits.endswith("1100011101011"), "start B … stop"
    assert symbols[1:-1] == [ord(c) - 32 for c in text]
    assert symbols[-1] == (104 + sum(i * v for i, v in enumerate(symbols[1:-1], start=1))) % 103, "check symbol"
    with pytest.raises(ValueError):
        code128_modules("홍길동")


def test_parcel_contents_sums_and_groups():
    p = parcel_contents(_shipments()[0])
    assert p.orders == 2 and p.gifts == ["사은품", "증정"]
    skus = [r.sku for r in p.sku_rows]
    assert sorted(skus) == ["HR-MUG-WHT", "HR-SOCK-GRY", "HR-TEE-BLU-XL", "HR-TWL-WHT"]


# ---------------------------------------------------------------------------------------------- day total, slip

def test_day_total_covers_every_courier_batch(tmp_path):
    day = _shipments(1, "cj") + _shipments(2, "lotte", 4)
    path = write_day_total(tmp_path / "합계_20261124.xlsx", day, PRODUCTS, "2026-11-24 오늘 전체",
                           {1: "1차 CJ대한통운", 2: "2차 롯데택배"})
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["합계"]
    ws = wb["합계"]
    header_row, header = _table(ws, "로케이션")
    assert "1차 CJ대한통운" in header and "2차 롯데택배" in header
    rows = {r[1]: r for r in ws.iter_rows(min_row=header_row + 1, values_only=True) if r[1]}
    assert len(rows) == 4, "each SKU once for the whole day"
    q, a, b = header.index("수량"), header.index("1차 CJ대한통운"), header.index("2차 롯데택배")
    assert rows["HR-TWL-WHT"][q] == 10 and rows["HR-TWL-WHT"][a] == 5 and rows["HR-TWL-WHT"][b] == 5
    assert "송장 6건" in ws["A2"].value
    _assert_a4_portrait_one_page_wide(ws, header_row)


def test_packing_slip_lists_tracking_numbers(tmp_path):
    ships = _shipments()
    tracking = {ships[0].shipment_id: ["123456789012", "123456789023"], ships[1].shipment_id: ["223456789012"]}
    path = write_packing_slip(tmp_path / "포장확인.xlsx", ships, tracking, "2026-11-24 1차", NAMES)
    ws = openpyxl.load_workbook(path)["포장확인"]
    values = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    flat = [str(c) for r in values for c in r if c]
    assert "운송장 123456789012" in flat and "운송장 123456789023" in flat and "운송장 223456789012" in flat
    assert any(c.startswith("운송장 없음") for c in flat), "the parcel without a number says so"
    assert any(ships[2].shipment_id in c for c in flat), "our id stays on the slip"
    assert sum(1 for c in flat if c == "HR-TWL-WHT") == 2, "one row per SKU per parcel"
    assert _images(path) == 2, "a barcode per tracked parcel"
    header_row, _ = _table(ws, "확인")
    _assert_a4_portrait_one_page_wide(ws, header_row)


# ---------------------------------------------------------------------------------------------- the print

@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_picking_list_prints_a4_portrait_one_page_wide(picking, tmp_path):
    out = tmp_path / "pdf"
    profile = tmp_path / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(picking)], check=True, timeout=120, capture_output=True)
    pdf = (out / picking.with_suffix(".pdf").name).read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes
    for x0, y0, x1, y1 in boxes:
        width, height = float(x1) - float(x0), float(y1) - float(y0)
        assert abs(width - 595) < 3 and abs(height - 842) < 3, f"A4 portrait, got {width:.0f}×{height:.0f}"
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert pages == 2, f"합계 and 포장 each fit one page across (and down): {pages} pages"


def test_a_peak_day_list_carries_ids_as_text_and_says_why(tmp_path, monkeypatch):
    """Barcode pictures are for ordinary days: above BARCODE_MAX parcels a list carries none and says so."""
    import chulgo.picking as picking
    monkeypatch.setattr(picking, "BARCODE_MAX", 1)
    shipments = _shipments()[:2]
    [path] = picking.write_picking_list(tmp_path / "p.xlsx", shipments, {}, "t", {})
    assert _images(path) == 0
    assert "바코드 그림은 넣지 않았습니다" in (openpyxl.load_workbook(path)["포장"]["A2"].value or "")
    slip = picking.write_packing_slip(tmp_path / "s.xlsx", shipments, {s.shipment_id: ["612345678901"] for s in shipments},
                                      "t")
    assert _images(slip) == 0
    monkeypatch.setattr(picking, "BARCODE_MAX", 1000)
    assert _images(picking.write_picking_list(tmp_path / "q.xlsx", shipments, {}, "t", {})[0]) == 2


def test_a_batch_too_big_for_blocks_is_one_flat_table(tmp_path, monkeypatch):
    """Above BLOCKS_MAX parcels 포장 and 포장확인 are a row per SKU of each parcel with the parcel's id, recipient and
    notes on every row (a filter shows one parcel whole), and 합계 says why; the quantities are the blocks' own."""
    import chulgo.picking as picking
    ships = _shipments()
    blocks = {s.shipment_id: parcel_contents(s) for s in ships}
    monkeypatch.setattr(picking, "BLOCKS_MAX", 2)
    path, table = picking.write_picking_list(tmp_path / "피킹리스트_1차.xlsx", ships, PRODUCTS, TITLE, NAMES)
    assert table.name == "포장목록_1차.xlsx"
    assert openpyxl.load_workbook(path).sheetnames == ["합계"]
    assert picking.FLAT_NOTE.format(file=table.name) in openpyxl.load_workbook(path)["합계"]["A2"].value
    rows = list(openpyxl.load_workbook(table)["포장"].iter_rows(values_only=True))
    assert list(rows[0]) == ["송장", "받는 분", "로케이션", "SKU", "상품명", "수량", "비고", "배송메시지"]
    body = [dict(zip(rows[0], r)) for r in rows[1:]]
    for sid, parcel in blocks.items():
        mine = [r for r in body if r["송장"] == sid]
        assert [(r["SKU"], r["수량"]) for r in mine] == [(p.sku, p.quantity) for p in parcel.sku_rows]
        assert {r["받는 분"] for r in mine} == {parcel.shipment.recipient.name}
    first = [r for r in body if r["송장"] == ships[0].shipment_id]
    assert all("합포장 2건 (스마트스토어, 쿠팡)" in r["비고"] and "사은품/증정 확인" in r["비고"] for r in first)
    assert all(r["배송메시지"] == "부재시 문앞" for r in first)
    sock = next(r for r in first if r["SKU"] == "HR-SOCK-GRY")
    assert "세트1+단품1" in sock["비고"], "a SKU from the set and on its own is one row saying where its units come from"
    cafe = [r for r in body if r["송장"] == ships[1].shipment_id]
    assert all("세트 머그+타월 세트 × 1" in r["비고"] for r in cafe), "a set's components name their set"
    assert not any(str(r["상품명"]).startswith("└") for r in body)
    assert _images(table) == 0

    tracking = {ships[0].shipment_id: ["123456789012", "123456789023"], ships[1].shipment_id: ["223456789012"]}
    slip = picking.write_packing_slip(tmp_path / "s.xlsx", ships, tracking, "t", NAMES)
    rows = list(openpyxl.load_workbook(slip)["포장확인"].iter_rows(values_only=True))
    numbers = {r[1]: r[0] for r in rows[1:]}
    assert rows[0][:2] == ("운송장번호", "송장")
    assert numbers == {ships[0].shipment_id: "123456789012, 123456789023", ships[1].shipment_id: "223456789012",
                       ships[2].shipment_id: "운송장 없음"}
    assert len(rows) - 1 == sum(len(p.sku_rows) for p in blocks.values())
