"""Every courier, every layout, beyond the template contract (tests/test_contracts.py: golden requests, results
claimed by their courier only): the request is the reference's layout, and the courier's result file — mangled
the way that courier really mangles it (chulgo/samples/couriers.py) — gives every parcel its tracking number back
through the real attach rules (chulgo/attach.py): by our parcel id where the layout carries it, else by name +
phone digits + address, a split parcel's boxes all to it, and never a guess.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest

from chulgo import samples
from chulgo.channels import load_channels
from chulgo.couriers import load_couriers
from chulgo.files import read_tables
from chulgo.attach import attach_results
from chulgo.ledger import Ledger
from chulgo.matching import fallback_match
from chulgo.model import OrderLine, Problem, Shipment, TrackingResult
from chulgo.normalise import address_key, digits
from tests.conftest import PRINTED, SELLER, claimed, tables_of

# The request headers as the reference lists them, by position ("" = a blank header cell).
REFERENCE_HEADERS: dict[tuple[str, str], list[str]] = {
    ("cj", ""): [  # §5.1 A
        "예약구분", "집하예정일", "보내는분성명", "보내는분전화번호", "보내는분기타연락처", "보내는분우편번호",
        "보내는분주소(전체, 분할)", "받는분성명", "받는분전화번호", "받는분기타연락처", "받는분우편번호",
        "받는분주소(전체, 분할)", "운송장번호", "고객주문번호", "품목명", "박스수량", "박스타입", "기본운임",
        "배송메세지1", "배송메세지2", "운임구분"],
    ("cj", "file"): [  # §5.1 B, 품목명 twice
        "예약구분", "집하예정일", "받는분성명", "받는분전화번호", "받는분기타연락처", "받는분우편번호",
        "받는분주소(전체, 분할)", "운송장번호", "고객주문번호", "품목명", "박스수량", "박스타입", "기본운임",
        "배송메세지1", "배송메세지2", "품목명", "운임구분"],
    ("lotte", ""): [  # §5.2
        "주문번호", "보내는사람(지정)", "전화번호1(지정)", "전화번호2(지정)", "우편번호(지정)", "주소(지정)",
        "받는사람", "전화번호1", "전화번호2", "우편번호", "주소", "상품명1", "상품상세1", "수량(A타입)", "배송메시지",
        "운임구분", "운임", "운송장번호"],
    ("hanjin", ""): [  # §5.3 second layout
        "보내는분", "보내는분 연락처", "보내는 담당자", "보내는분전화번호", "보내는분우편번호", "보내는분주소",
        "받는분성함", "받는분 연락처", "받는분 담당자", "받는분 핸드폰", "받는분 우편번호", "받는분주소", "수량",
        "품목명", "운임type", "지불조건", "출고번호", "특기사항"],
    ("hanjin", "simple"): [  # §5.3 first layout
        "받으시는 분", "받으시는 분 전화", "받는분핸드폰", "받는분우편번호", "받는분총주소", "수량", "품목명", "메모1"],
    ("epost", ""): [  # §5.4 표준 엑셀 양식
        "받는 분", "우편번호", "주소(시도+시군구+도로명+건물번호)", "상세주소(동, 호수, 洞명칭, 아파트, 건물명 등)",
        "일반전화(02-1234-5678)", "휴대전화(010-1234-5678)", "중량(kg)", "부피(cm)=가로+세로+높이", "내용품코드",
        "내용물", "배달방식", "배송시요청사항", "분할접수 여부(Y/N)", "분할접수 첫번째 중량(kg)",
        "분할접수 첫번째 부피(cm)", "분할접수 두번째 중량(kg)", "분할접수 두번째 부피(cm)"],
    ("epost", "b2b"): [  # §5.4 B2B form
        "주문번호", "고객주문처명", "수취인명", "수취인 우편번호", "수취인 주소", "수취인 전화번호", "수취인 이동통신",
        "상품명", "상품모델", "배송메세지", "비고", "수량", "신청건수", "포장재", "부피단위"],
    ("logen", ""): [  # §5.5 15-column form, 주소1통합: D, E, H, I, K blank
        "수하인명", "운송장번호(로젠택배)", "수하인주소1", "", "", "수하인핸드폰번호", "택배수량", "", "", "품목명", "",
        "배송메세지 (도착일)", "보내는 분", "연락처", "주소"],
    ("logen", "a"): [  # §5.5 old A타입
        "수하인명", "수하인주소1", "수하인전화", "수하인휴대폰", "택배수량", "택배운임", "운임구분", "물품명", "주문번호",
        "", "배송메세지"],
}
LAYOUTS = list(REFERENCE_HEADERS)

# The column (0-based) that carries our parcel id; None where the layout cannot carry it.
ID_COLUMN: dict[tuple[str, str], int | None] = {
    ("cj", ""): 13, ("cj", "file"): 8, ("lotte", ""): 0, ("hanjin", ""): 16, ("hanjin", "simple"): 7,
    ("epost", ""): 9, ("epost", "b2b"): 0, ("logen", ""): None, ("logen", "a"): 8,
}
WITH_ID = [k for k in LAYOUTS if ID_COLUMN[k] is not None]
SHEETS = {("logen", ""): "엑셀파일첫행-제목있음(주소1통합)", ("logen", "a"): "엑셀파일첫행-제목있음"}


def _id(key: tuple[str, str]) -> str:
    return f"{key[0]}.{key[1]}" if key[1] else key[0]


def courier(cid: str, layout: str = ""):
    return load_couriers(None, {cid: layout} if layout else None)[cid]


@pytest.fixture
def shipments(parcels) -> list[Shipment]:
    """The made-up day's parcels (tests/conftest.py parcels): all channels, merged per recipient."""
    return parcels[1]


def write_request(cid: str, layout: str, parcels: list[Shipment], out: Path, stem: str = "req") -> Path:
    parcels = [dataclasses.replace(s, courier=cid) for s in parcels]
    return courier(cid, layout).write_waybills(parcels, SELLER, out, stem)


def simulate(cid: str, request: Path, result: Path, parcels: list[Shipment], **kw) -> dict[str, list[str]]:
    return samples.write_courier_result(request, result, courier_id=cid,
                                        shipment_ids=[s.shipment_id for s in parcels], **kw)


def read_results(cid: str, path: Path) -> list[TrackingResult]:
    """The result file as chulgo reads it: every sheet claimed by this courier and nothing else."""
    co = courier(cid)
    found: list[TrackingResult] = []
    assert claimed(path) == {f"tracking:{cid}"}, f"{path.name} claimed by {claimed(path)}"
    for table in tables_of(path):
        items = list(co.read_tracking(dataclasses.replace(table, header_row=co.identify_tracking(table))))
        problems = [x.text() for x in items if isinstance(x, Problem)]
        assert not problems, problems
        found += items
    return found


def match(results: list[TrackingResult], parcels: list[Shipment], folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    """({tracking no: parcel id} as chulgo attaches them, {tracking no: why not} for the rows it refuses): the real
    attach rules (chulgo/attach.py) on a ledger holding these parcels, printed and untracked."""
    ledger = Ledger(folder / "match.sqlite")
    lines = [OrderLine(pl.channel, pl.line_key, pl.order_no, pl.order_no, "", "", pl.product_name, pl.option_text,
                       pl.quantity, s.recipient, "", "", "") for s in parcels for pl in s.lines]
    courier = results[0].courier                     # the parcels went with the courier whose result this is
    with ledger.transaction():
        ledger.upsert_lines(lines)
        batch = ledger.new_batch(PRINTED.isoformat(), courier).batch_id
        ledger.add_shipments([dataclasses.replace(s, batch_id=batch, courier=courier) for s in parcels])
        outcome = attach_results(ledger, results, PRINTED)
    refused = {p.message.split()[1]: p.message for p in outcome.problems}
    assert len(refused) == outcome.unmatched, [p.message for p in outcome.problems]
    return {a.tracking_no: a.shipment_id for a in outcome.attachments}, refused


def by_number(truth: dict[str, list[str]]) -> dict[str, str]:
    return {n: sid for sid, numbers in truth.items() for n in numbers}


# -- the request ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", LAYOUTS, ids=_id)
def test_waybill_request_is_the_reference_layout(shipments, tmp_path, key):
    cid, layout = key
    path = write_request(cid, layout, shipments, tmp_path, "golden")

    (table,) = tables_of(path)
    assert table.sheet == SHEETS.get(key, "Sheet1")
    assert table.rows[0] == REFERENCE_HEADERS[key]
    body = table.rows[1:]
    assert len(body) == len(shipments)
    col = ID_COLUMN[key]
    if col is not None:
        assert [r[col] for r in body] == [s.shipment_id for s in shipments]
    else:
        assert not any(s.shipment_id in cell for s in shipments for r in body for cell in r), "nowhere to put it"
    # Our own request dropped into inbox is nobody's order export and no other courier's result.
    assert claimed(path) <= {f"tracking:{cid}"}


def test_logen_address_merged_form_leaves_d_e_h_i_k_blank(shipments, tmp_path):
    (table,) = tables_of(write_request("logen", "", shipments, tmp_path))
    assert all(r[i] == "" for r in table.rows for i in (3, 4, 7, 8, 10))
    assert {r[2] for r in table.rows[1:]} == {s.recipient.address for s in shipments}, "whole address in 주소1"


def test_epost_detail_address_is_a_single_space_not_empty(shipments, tmp_path):
    ws = openpyxl.load_workbook(write_request("epost", "", shipments, tmp_path)).active
    assert [ws.cell(row=r, column=4).value for r in range(2, len(shipments) + 2)] == [" "] * len(shipments)
    assert all(len(ws.cell(row=r, column=10).value) <= 20 for r in range(2, len(shipments) + 2)), "내용물 ≤ 20"


def test_cj_file_layout_writes_items_in_the_first_of_its_two_item_columns(shipments, tmp_path):
    (table,) = tables_of(write_request("cj", "file", shipments, tmp_path))
    assert [i for i, h in enumerate(table.rows[0]) if h == "품목명"] == [9, 15]
    assert all(r[9] and not r[15] for r in table.rows[1:])


# -- the result ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", LAYOUTS, ids=_id)
def test_every_parcel_gets_its_tracking_number_back(shipments, tmp_path, key):
    cid, layout = key
    request = write_request(cid, layout, shipments, tmp_path)
    split = shipments[2].shipment_id
    truth = simulate(cid, request, tmp_path / "result.xlsx", shipments, seed=5, split_boxes={split: 2})
    assert set(truth) == {s.shipment_id for s in shipments} and len(truth[split]) == 2

    results = read_results(cid, tmp_path / "result.xlsx")
    expected = by_number(truth)
    assert sorted(r.tracking_no for r in results) == sorted(expected)
    assert all(len(r.tracking_no) in courier(cid).tracking_digits for r in results)
    if ID_COLUMN[key] is not None:
        assert {r.tracking_no: r.shipment_ref for r in results} == expected, "our id alone is enough"
    else:
        assert not any(r.shipment_ref for r in results), "this layout cannot carry our id"

    matched, refused = match(results, shipments, tmp_path)
    assert refused == {}
    assert matched == expected, "every parcel found, nothing matched wrongly"
    assert [r.shipment_ref or matched[r.tracking_no] for r in results].count(split) == 2, "two boxes, one parcel"


@pytest.mark.parametrize("key", WITH_ID, ids=_id)
def test_a_dropped_id_falls_back_to_name_phone_and_address(shipments, tmp_path, key):
    cid, layout = key
    request = write_request(cid, layout, shipments, tmp_path)
    dropped = {shipments[0].shipment_id, shipments[5].shipment_id}
    truth = simulate(cid, request, tmp_path / "result.xlsx", shipments, seed=7, drop_order_ref=dropped)
    results = read_results(cid, tmp_path / "result.xlsx")
    assert {r.tracking_no for r in results if not r.shipment_ref} == {n for sid in dropped for n in truth[sid]}
    matched, refused = match(results, shipments, tmp_path)
    assert refused == {} and matched == by_number(truth)


@pytest.mark.parametrize("key", [("logen", ""), ("hanjin", "simple"), ("cj", "")], ids=_id)
def test_look_alike_parcels_are_never_guessed(shipments, tmp_path, key):
    """Two parcels to the same name, phone and address (e.g. merge = "off", or two batches): without our id
    the fallback refuses both rows rather than guess; every other parcel is still matched."""
    cid, layout = key
    twin = dataclasses.replace(shipments[3], shipment_id=shipments[3].shipment_id[:-4] + "9999",   # another order
                               lines=tuple(dataclasses.replace(pl, line_key=f"{pl.line_key}-2") for pl in shipments[3].lines))
    parcels = [*shipments, twin]
    twins = {shipments[3].shipment_id, twin.shipment_id}
    request = write_request(cid, layout, parcels, tmp_path)
    truth = simulate(cid, request, tmp_path / "result.xlsx", parcels, drop_order_ref=twins)
    matched, refused = match(read_results(cid, tmp_path / "result.xlsx"), parcels, tmp_path)
    assert set(refused) == {n for sid in twins for n in truth[sid]}
    assert all("2건" in why for why in refused.values()), refused
    assert matched == {n: sid for n, sid in by_number(truth).items() if sid not in twins}


# -- each courier's own mangling, as the reference describes it ---------------------------------------------

def _result_rows(path: Path) -> list[list[str]]:
    return read_tables(path, {})[0].rows


def test_cj_result_phones_lose_their_leading_zero_and_are_read_back_whole(shipments, tmp_path):
    request = write_request("cj", "file", shipments, tmp_path)
    simulate("cj", request, tmp_path / "r.xlsx", shipments)
    rows = _result_rows(tmp_path / "r.xlsx")
    phones = [r[rows[0].index("받는분전화번호")] for r in rows[1:]]
    assert phones and all(p.isdigit() and not p.startswith("0") for p in phones)
    by_id = {s.shipment_id: s for s in shipments}
    for r in read_results("cj", tmp_path / "r.xlsx"):
        assert r.phone == digits(by_id[r.shipment_ref].recipient.phone)


def test_hanjin_result_is_its_own_list_sorted_by_region(shipments, tmp_path):
    request = write_request("hanjin", "", shipments, tmp_path)
    simulate("hanjin", request, tmp_path / "r.xlsx", shipments)
    (table,) = tables_of(tmp_path / "r.xlsx")
    assert table.sheet == "출력자료" and table.rows[0][:3] == ["순번", "운송장번호", "받으시는 분"]
    addresses = [r[6] for r in table.rows[1:]]
    assert addresses == sorted(addresses, key=address_key)
    assert addresses != [s.recipient.address for s in shipments], "not in our order: row order means nothing"


def test_logen_result_has_its_header_on_row_3_and_masked_phones(shipments, tmp_path):
    request = write_request("logen", "", shipments, tmp_path)
    simulate("logen", request, tmp_path / "r.xlsx", shipments)
    (table,) = tables_of(tmp_path / "r.xlsx")
    assert courier("logen").identify_tracking(table) == 2
    phones = [r[2] for r in table.rows[3:]]
    assert all("*" in p for p in phones)
    assert {digits(p) for p in phones}.isdisjoint({digits(s.recipient.phone) for s in shipments})


def test_epost_numbers_have_13_digits_and_a_split_parcel_is_two_rows(shipments, tmp_path):
    request = write_request("epost", "b2b", shipments, tmp_path)
    truth = simulate("epost", request, tmp_path / "r.xlsx", shipments, split_boxes={shipments[0].shipment_id: 3})
    results = read_results("epost", tmp_path / "r.xlsx")
    assert all(len(r.tracking_no) == 13 for r in results)
    assert sorted(r.tracking_no for r in results if r.shipment_ref == shipments[0].shipment_id) == \
        sorted(truth[shipments[0].shipment_id]) and len(truth[shipments[0].shipment_id]) == 3


def test_the_fallback_looks_only_at_parcels_a_name_can_fit_and_misses_none():
    """A row without our id is checked against the parcels its recipient name can fit (matching.Candidates), not
    every parcel: the answer must be the one the whole list gives, masked and spaced names included."""
    from chulgo.matching import Candidates, _name_fits
    from chulgo.model import Recipient

    names = ["홍길동", "홍 길동", "홍길순", "김길동", "홍길", "홍길동", "Kim A", "kim a", "이*수", ""]
    parcels = [Shipment(f"S{i}", 1, "logen", Recipient(n, "010-1234-5678", "", "", f"서울 강남구 테헤란로 {i % 2}"), ())
               for i, n in enumerate(names)]
    index = Candidates(parcels)
    for name in ["홍길동", " 홍 길 동 ", "홍*동", "홍**", "*길동", "***", "**", "홍길", "KimA", "Kim*", "이*수", "이**",
                 "박*", "*"]:
        for address in ("", "서울 강남구 테헤란로 1"):
            r = TrackingResult("logen", "1", "", name, "010-12**-5678", address, "r.xlsx", 1)
            near = index.near(name)
            assert {p.shipment_id for p in parcels if _name_fits(name, p.recipient.name)} <= \
                {p.shipment_id for p in near}, name
            assert fallback_match(r, near) == fallback_match(r, parcels), name


# -- identification: all and only ------------------------------------------------------------------------------

def test_every_courier_template_loads_with_every_layout():
    for cid, co in load_couriers(None).items():
        for layout in ["", *co.layouts]:
            assert courier(cid, layout).waybill["columns"]
    assert {"cj", "lotte", "hanjin", "epost", "logen"} <= set(load_couriers(None))


# -- a whole day through the commands, for every courier and layout ------------------------------------------

def _day_with(cli, tmp_path, day, cid: str, layout: str) -> tuple[Path, Path, list[str]]:
    """collect + ship with ``cid``/``layout`` as the seller's courier: (workspace, request file, parcel ids in
    request-row order)."""
    from chulgo.settings import DEFAULT_SETTINGS
    from tests.conftest import ledger_rows, make_workspace, outputs

    choice = f'id = "{cid}"' + (f'\nlayout = "{layout}"' if layout else "")
    ws = make_workspace(tmp_path / "ws", day, DEFAULT_SETTINGS.replace('id = "cj"', choice, 1))
    for command in ("collect", "ship"):
        code, out = cli(ws, command)
        assert code == 0, out
    (request,) = outputs(ws, courier(cid, layout).waybill["file"])
    ids = [sid for (sid,) in ledger_rows(ws, "SELECT shipment_id FROM shipments ORDER BY shipment_id")]
    return ws, request, ids


@pytest.mark.parametrize("key", LAYOUTS, ids=_id)
def test_a_whole_day_with_each_courier_puts_every_number_on_its_parcel(cli, tmp_path, day, key):
    from tests.conftest import as_dicts, ledger_rows, outputs, sheet_rows

    cid, layout = key
    ws, request, ids = _day_with(cli, tmp_path, day, cid, layout)
    (table,) = tables_of(request)
    assert table.rows[0] == REFERENCE_HEADERS[key] and len(table.rows) == len(ids) + 1
    # A parcel split into two boxes comes back by our id only: without it the second box has no parcel left
    # to fit (see test_logen_split_parcel_without_our_id_loses_its_second_box).
    split = {ids[1]: 2} if ID_COLUMN[key] is not None else {}
    truth = samples.write_courier_result(request, ws / "inbox" / "result.xlsx", courier_id=cid, seed=9,
                                         split_boxes=split, shipment_ids=ids)
    code, out = cli(ws, "tracking")
    assert code == 0, out
    assert "맞추지 못함" not in out, out
    attached = dict(ledger_rows(ws, "SELECT tracking_no, shipment_id FROM tracking WHERE courier = ?", (cid,)))
    assert attached == by_number(truth)

    code, out = cli(ws, "invoice")
    assert code == 0, out
    upload = as_dicts(sheet_rows(outputs(ws, "스마트스토어_발송처리")[0], "발송처리"))
    assert upload and {r["택배사"] for r in upload} == {load_channels(None)["smartstore"].courier_name(cid)}
    assert all(set(r["송장번호"].split(",")) <= set(by_number(truth)) for r in upload)


def test_logen_split_parcel_without_our_id_gets_both_boxes(cli, tmp_path, day):
    from tests.conftest import ledger_rows

    ws, request, ids = _day_with(cli, tmp_path, day, "logen", "")
    truth = samples.write_courier_result(request, ws / "inbox" / "result.xlsx", courier_id="logen",
                                         split_boxes={ids[1]: 2}, shipment_ids=ids)
    _, out = cli(ws, "tracking")
    attached = dict(ledger_rows(ws, "SELECT tracking_no, shipment_id FROM tracking WHERE courier = 'logen'"))
    assert attached == by_number(truth), out
