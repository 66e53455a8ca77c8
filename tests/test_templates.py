"""Templates share what they share (include) and are checked when they load: a wrong one stops the program at
start, naming the file, the key and what the key takes — never halfway through a day."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from chulgo.channels import load_channels
from chulgo.channels.template import STATUS_CLASSES, TemplateChannel, courier_names
from chulgo.couriers import load_couriers
from chulgo.couriers.template import WAYBILL_VALUES, TemplateCourier
from chulgo.model import ChulgoError, InvoiceLine, Layout, Recipient, Shipment
from chulgo.settings import Seller, load_settings
from chulgo.suppliers import ORDER_VALUES, load_suppliers
from chulgo.template import REPO_TEMPLATES, load_template, template_files
from tests.conftest import ledger_rows, sheet_rows

# The [status] of every channel as it was before the shared values moved to templates/channels/_status.toml, copied
# from the templates of that commit. What a channel calls cancelled, on hold or closed must not change by the move.
STATUS_BEFORE = {
    "11st": {"columns": ["주문상태", "클레임상태"], "cancelled": "^(취소|취소완료|주문취소|환불완료|반품완료)$",
             "hold": "요청|보류", "closed": "^(배송중|배송완료|발송완료|구매확정|판매완료)$"},
    "cafe24": {"columns": ["주문상태", "취소/교환/반품"], "cancelled": "^(취소|취소완료|환불|환불완료|반품완료)$",
               "hold": "요청|접수|신청", "closed": "^(배송중|배송완료|구매확정)$"},
    "coupang": {"columns": ["취소여부"], "cancelled": "^Y$"},
    "esm": {"columns": ["배송상태"], "cancelled": "^(취소|취소완료|주문취소|환불완료|반품완료)$", "hold": "요청|보류",
            "closed": "^(배송중|배송완료|구매결정완료|구매결정)$"},
    "kakao-gift": {"columns": ["주문상태"], "cancelled": "^(주문취소|취소|취소완료|환불완료)$",
                   "hold": "(취소|반품|교환)요청|보류", "closed": "^(발송완료|배송중|배송완료|구매확정)$"},
    "lotteon": {"columns": ["주문상태"], "cancelled": "^(취소|취소완료|주문취소|환불완료|반품완료)$", "hold": "요청|보류",
                "closed": "^(배송중|배송완료|구매확정)$"},
    "ohouse": {"columns": ["배송상태"], "cancelled": "^(주문)?취소(완료)?$|환불", "hold": "요청|보류",
               "closed": "^(배송중|배송완료|구매확정)$"},
    "smartstore": {"columns": ["주문상태", "주문세부상태", "클레임상태"], "cancelled": "^(취소|취소완료|반품완료|환불완료)$",
                   "hold": "요청|보류", "closed": "^(배송중|배송완료|구매확정|교환완료)$"},
    "toss": {"columns": ["주문상태"], "cancelled": "^(취소|취소완료|주문취소|환불완료|반품완료)$", "hold": "요청|보류",
             "closed": "^(배송중|배송완료|구매확정)$"},
}
WORDS = ["취소", "취소완료", "주문취소", "환불", "환불완료", "반품완료", "취소요청", "반품요청", "교환요청", "반품접수",
         "취소신청", "보류", "발송요청", "결제완료", "배송중", "배송완료", "발송완료", "구매확정", "판매완료", "구매결정",
         "구매결정완료", "교환완료", "Y", "N", ""]


def _channel_files() -> dict[str, Path]:
    return {tomllib.loads(p.read_text(encoding="utf-8"))["id"]: p for p in template_files("channels", None)}


# -- the shared status values -------------------------------------------------------------------------------------

def test_every_channel_resolves_to_the_status_it_had_before_the_include():
    files = _channel_files()
    assert set(files) == set(STATUS_BEFORE)
    channels = load_channels(None)
    for cid, before in STATUS_BEFORE.items():
        assert load_template(files[cid])["status"] == before, cid
        ch = channels[cid]
        assert [(cls, rx.pattern) for cls, rx in ch.status_rules] == \
            [(cls, before[cls]) for cls in STATUS_CLASSES if before.get(cls)], cid
        expected = [next((cls for cls in STATUS_CLASSES if before.get(cls) and re.search(before[cls], w)), "")
                    for w in WORDS]
        assert [ch._status([w])[0] for w in WORDS] == expected, cid


def test_the_include_brings_only_the_status_values():
    """Everything but [status] is each template's own text, as before."""
    shared = tomllib.loads((REPO_TEMPLATES / "channels" / "_status.toml").read_text(encoding="utf-8"))
    assert set(shared) == {"status"}
    including = []
    for cid, path in _channel_files().items():
        own = tomllib.loads(path.read_text(encoding="utf-8"))
        if own.pop("include", None):
            including.append(cid)
        resolved = load_template(path)
        assert {k: v for k, v in resolved.items() if k != "status"} == {k: v for k, v in own.items() if k != "status"}
    assert sorted(including) == ["11st", "esm", "lotteon", "ohouse", "smartstore", "toss"]


def test_pieces_are_not_templates():
    assert all(not p.name.startswith("_") for kind in ("channels", "couriers", "suppliers")
               for p in template_files(kind, None))
    assert "_status" not in load_channels(None)


def _write(ws: Path, kind: str, name: str, text: str) -> Path:
    folder = ws / "templates" / kind
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


MINIMAL = """id = "myshop"
name = "우리몰"
{include}
[identify]
headers = ["주문번호", "상품명", "받는분"]
[columns]
line_key = "주문번호"
product_name = "상품명"
quantity = "수량"
recipient = "받는분"
address = "주소"
[status]
columns = ["상태"]
{status}
[invoice]
columns = [{{ header = "주문번호", value = "line_key" }}, {{ header = "송장번호", value = "tracking_no" }}]
"""


def _shop(include: str = "", status: str = "") -> str:
    return MINIMAL.format(include=include, status=status)


def test_a_workspace_template_includes_the_programs_piece_and_overrides_a_key(tmp_path):
    _write(tmp_path, "channels", "myshop.toml", _shop('include = "_status.toml"', 'closed = "^출고$"'))
    rules = dict((cls, rx.pattern) for cls, rx in load_channels(tmp_path)["myshop"].status_rules)
    assert rules == {"cancelled": STATUS_BEFORE["toss"]["cancelled"], "hold": "요청|보류", "closed": "^출고$"}


def test_a_workspace_piece_beside_the_template_wins_and_a_class_can_be_turned_off(tmp_path):
    _write(tmp_path, "channels", "_status.toml", '[status]\ncancelled = "^취소$"\nhold = "보류"\n')
    _write(tmp_path, "channels", "myshop.toml", _shop('include = "_status.toml"', 'hold = ""'))
    rules = dict((cls, rx.pattern) for cls, rx in load_channels(tmp_path)["myshop"].status_rules)
    assert rules == {"cancelled": "^취소$"}
    assert load_channels(None)["lotteon"].status_rules[1][1].pattern == "요청|보류", "the program's own are unchanged"


def test_includes_nest_and_the_later_one_wins(tmp_path):
    _write(tmp_path, "channels", "_a.toml", 'include = "_b.toml"\n[status]\nhold = "a"\n')
    _write(tmp_path, "channels", "_b.toml", '[status]\nhold = "b"\ncancelled = "b"\nclosed = "b"\n')
    _write(tmp_path, "channels", "_c.toml", '[status]\nclosed = "c"\n')
    _write(tmp_path, "channels", "myshop.toml", _shop('include = ["_a.toml", "_c.toml"]'))
    assert load_template(tmp_path / "templates" / "channels" / "myshop.toml")["status"] == \
        {"hold": "a", "cancelled": "b", "closed": "c", "columns": ["상태"]}


def test_courier_and_supplier_templates_include_pieces_too(tmp_path):
    _write(tmp_path, "couriers", "_result.toml", '[result]\nidentify = ["접수번호", "송장번호"]\ntracking_no = "송장번호"\n'
                                                 'shipment_ref = "접수번호"\n')
    _write(tmp_path, "couriers", "dongne.toml", 'id = "dongne"\ninclude = "_result.toml"\n[waybill]\n'
                                                'columns = [{ header = "접수번호", value = "shipment_id" }]\n')
    assert load_couriers(tmp_path)["dongne"].result["shipment_ref"] == "접수번호"
    own = (REPO_TEMPLATES / "suppliers" / "발주서.toml").read_text(encoding="utf-8")
    cut = own.index("\n[result]")
    _write(tmp_path, "suppliers", "_answer.toml", own[cut:])
    _write(tmp_path, "suppliers", "누리.toml", own[:cut].replace('id = "발주서"', 'id = "누리"\n'
                                                 'include = "_answer.toml"\nsuppliers = ["누리상사"]'))
    nuri = next(t for t in load_suppliers(tmp_path, courier_names(tmp_path), {}) if t.id == "누리")
    assert nuri.result == tomllib.loads(own)["result"]


def test_a_missing_include_names_the_file_and_the_include(tmp_path):
    path = _write(tmp_path, "channels", "myshop.toml", _shop('include = "_stauts.toml"'))
    with pytest.raises(ChulgoError) as e:
        load_channels(tmp_path)
    assert str(path) in str(e.value) and 'include "_stauts.toml" 파일이 없습니다' in str(e.value)


@pytest.mark.parametrize("pieces", [{"myshop.toml": "myshop.toml"},
                                    {"myshop.toml": "_a.toml", "_a.toml": "_b.toml", "_b.toml": "_a.toml"}])
def test_an_include_that_loops_is_named(tmp_path, pieces):
    for name, target in pieces.items():
        text = _shop(f'include = "{target}"') if name == "myshop.toml" else f'include = "{target}"\n'
        _write(tmp_path, "channels", name, text)
    with pytest.raises(ChulgoError) as e:
        load_channels(tmp_path)
    assert "돌고 돕니다" in str(e.value) and "include" in str(e.value)
    assert str(tmp_path / "templates" / "channels") in str(e.value)


def test_an_include_that_is_not_a_file_name_is_named(tmp_path):
    path = _write(tmp_path, "channels", "myshop.toml", _shop("include = 3"))
    with pytest.raises(ChulgoError, match="include 는 함께 쓸 파일 이름") as e:
        load_channels(tmp_path)
    assert str(path) in str(e.value)


def test_a_workspace_piece_is_not_a_channel_or_courier_in_the_settings(cli, ws):
    _write(ws, "channels", "_status.toml", (REPO_TEMPLATES / "channels" / "_status.toml").read_text(encoding="utf-8"))
    code, out = cli(ws, "collect")
    assert code == 0, out
    _write(ws, "couriers", "_sender.toml", '[waybill]\nsheet = "Sheet1"\n')
    settings = (ws / "settings.toml").read_text(encoding="utf-8")
    (ws / "settings.toml").write_text(settings.replace('id = "cj"', 'id = "_sender"'), encoding="utf-8")
    with pytest.raises(ChulgoError, match='"_sender"는 없는 택배사'):
        load_settings(ws)


# -- every template is checked when it loads -----------------------------------------------------------------------

def test_every_repo_template_loads_and_passes_the_check():
    channels = load_channels(None)
    assert len(channels) == 9
    couriers = load_couriers(None)
    for cid, courier in couriers.items():
        for layout in courier.layouts:
            assert load_couriers(None, {cid: layout})[cid].waybill == courier.layouts[layout]
    assert load_suppliers(None, courier_names(None), {})


# (kind, file, text in the repo's template, broken text, the key the message must name, what it must offer)
BROKEN = [
    ("channels", "cafe24.toml", '{ header = "송장번호", value = "tracking_no" }', '{ header = "송장번호", value = "tracking" }',
     '[invoice] columns 4번째("송장번호") value', "tracking_no, split, raw:<머리글>"),
    ("channels", "smartstore.toml", '{ header = "상품주문번호", value = "line_key" }',
     '{ header = "상품주문번호", value = "esm_account" }', '[invoice] columns 1번째("상품주문번호") value', "courier_name"),
    ("channels", "coupang.toml", '{ header = "운송장번호", value = "tracking_no" }',
     '{ header = "운송장번호", value = "tracking_number" }', '[invoice] set 2번째("운송장번호") value', "tracking_no"),
    ("channels", "coupang.toml", 'kind = "original"', 'kind = "orginal"', "[invoice] kind", '"columns", "original"'),
    ("channels", "smartstore.toml", '{ header = "배송방법", text = "택배,등기,소포" }',
     '{ header = "배송방법", text = "택배", value = "line_key" }', '[invoice] columns 2번째("배송방법")', "value"),
    ("channels", "ohouse.toml", "[invoice]\n", '[invoice]\nkind = "original"\n', "[invoice] set", "비어 있습니다"),
    ("channels", "cafe24.toml", 'zip = "수령인 우편번호"', 'zipcode = "수령인 우편번호"', "[columns] zipcode", "zip, address"),
    ("channels", "cafe24.toml", '{ join = ["수령인 주소", "수령인 상세 주소"], sep = " " }',
     '{ joins = ["수령인 주소", "수령인 상세 주소"] }', "[columns] address", "join"),
    ("channels", "cafe24.toml", 'hold = "요청|접수|신청"', 'hold = "요청|(접수"', "[status] hold", "정규식"),
    ("channels", "smartstore.toml", '"배송속성" = "N배송"', '"배송속성" = "N배송["', "[skip] 배송속성", "정규식"),
    ("channels", "cafe24.toml", "[status]\n", "[stauts]\n", "[stauts]", "status"),
    ("channels", "lotteon.toml", 'id = "lotteon"\n', "", "id", "없습니다"),
    ("channels", "lotteon.toml", 'headers = ["주문번호", "쇼핑몰상품코드", "수취인", "수취인연락처1"]', "headers = []",
     "[identify] headers", "비어 있습니다"),
    ("channels", "ohouse.toml", 'line_key = "옵션주문번호"', "# no line_key", "[columns] line_key", "required"),
    ("channels", "toss.toml", "data_offset = 1", 'data_offset = "1"', "[identify] data_offset", "0 이상의 정수"),
    ("channels", "coupang.toml", 'sheets = ["Delivery"]', 'sheets = "Delivery"', "[identify] sheets", "글자 목록"),
    ("channels", "cafe24.toml", 'name = "카페24"\n', 'name = "카페24"\nlists_open_orders = "no"\n', "lists_open_orders",
     "true 또는 false"),
    ("channels", "kakao-gift.toml", "days = 7", "days = 0", "[gift] days", "1 이상의 정수"),
    ("channels", "cafe24.toml", "verified = false", 'verified = "아니오"', "[invoice] verified", "true 또는 false"),
    ("channels", "smartstore.toml", 'sheet = "발송처리"', 'sheet = "발송/처리"', "[invoice] sheet", "1~31자"),
    ("channels", "smartstore.toml", 'file = "스마트스토어_발송처리"', 'file = "스마트스토어/발송처리"', "[invoice] file",
     "파일 이름"),
    ("channels", "esm.toml", 'hook = "esm"', 'hook = "gmarket"', "hook", "쓸 수 있는 값: esm"),
    ("channels", "esm.toml", 'kind = "return"', 'kind = "returns"', "[[claims]] 1번째 kind", '"return", "exchange"'),
    ("channels", "esm.toml", 'withdrawn = "철회|거부|취소"', 'withdrawn = "철회|거부|취소)"', "[[claims]] 1번째 withdrawn",
     "정규식"),
    ("channels", "esm.toml", 'pickup_no = "반품송장번호"', 'pickup_number = "반품송장번호"',
     "[[claims]] 1번째 columns pickup_number", "pickup_no"),
    ("channels", "esm.toml", '"옥션" = "옥션|auction|^A$"', '"옥션" = "옥션|auction|^A$("', "[invoice.esm_account.sites] 옥션",
     "정규식"),
    ("channels", "esm.toml", "id_columns = ", "id_column = ", "[invoice.esm_account] id_column", "id_columns"),
    ("channels", "cafe24.toml", '  { header = "송장번호", value = "tracking_no" },\n]\n',
     '  { header = "송장번호", value = "tracking_no" },\n]\n\n[soldout]\n'
     'columns = [{ header = "상품코드", value = "product" }]\n',
     '[soldout] columns 1번째("상품코드") value', "product_code"),
    ("couriers", "cj.toml", '{ header = "품목명", value = "items" }', '{ header = "품목명", value = "item" }',
     '[waybill] columns 15번째("품목명") value', "shipment_id"),
    ("couriers", "hanjin.toml", '{ header = "메모1", value = "shipment_id" }', '{ header = "메모1", value = "shipment" }',
     '[layouts.simple] columns 8번째("메모1") value', "shipment_id"),
    ("couriers", "lotte.toml", "message_max = 100", "message_max = 0", "[waybill] message_max", "1 이상의 정수"),
    ("couriers", "logen.toml", 'tracking_no = ["운송장번호"]', "", "[result] tracking_no", "없습니다"),
    ("couriers", "lotte.toml", 'shipment_ref = ["주문번호"]', 'order_ref = ["주문번호"]', "[result] order_ref",
     "shipment_ref"),
    ("couriers", "epost.toml", "tracking_digits = [13]", 'tracking_digits = ["13"]', "tracking_digits", "정수 목록"),
    ("couriers", "cj.toml", "[result]", "[results]", "[results]", "waybill, layouts, result"),
    ("suppliers", "발주서.toml", '{ header = "SKU", value = "item.sku" }', '{ header = "SKU", value = "sku" }',
     '[order] columns 4번째("SKU") value', "item.sku"),
    ("suppliers", "발주서.toml", 'courier = ["택배사"]\n', "", "[result] courier", "없습니다"),
    ("suppliers", "발주서.toml", 'name = "공급사 발주서"\n', 'name = "공급사 발주서"\nsuppliers = "누리상사"\n', "suppliers",
     "글자 목록"),
]
LOADERS = {"channels": load_channels, "couriers": load_couriers,
           "suppliers": lambda ws: load_suppliers(ws, courier_names(ws), {})}


@pytest.mark.parametrize("kind, name, good, bad, key, offered", BROKEN, ids=[f"{c[1]}:{c[4]}" for c in BROKEN])
def test_a_broken_workspace_template_is_named_with_its_key_when_it_loads(tmp_path, kind, name, good, bad, key, offered):
    text = (REPO_TEMPLATES / kind / name).read_text(encoding="utf-8")
    assert good in text, f"templates/{kind}/{name} no longer has {good!r}: update this case"
    path = _write(tmp_path, kind, name, text.replace(good, bad, 1))
    LOADERS[kind](None)                                   # the program's own template is fine
    with pytest.raises(ChulgoError) as e:
        LOADERS[kind](tmp_path)
    message = str(e.value)
    assert str(path) in message and f": {key}" in message and offered in message, message


def test_a_wrong_courier_names_table_is_named(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "courier-names.toml").write_text('cj = "CJ"\n', encoding="utf-8")
    with pytest.raises(ChulgoError) as e:
        load_channels(tmp_path)
    assert str(folder / "courier-names.toml") in str(e.value) and "[cj]" in str(e.value) and "표" in str(e.value)


# -- the allowed values are the ones the writers fill ----------------------------------------------------------

def test_every_waybill_value_the_check_allows_is_written(tmp_path):
    doc = {"id": "x", "result": {"tracking_no": "송장번호"},
           "waybill": {"columns": [{"header": v, "value": v} for v in WAYBILL_VALUES]}}
    courier = TemplateCourier(doc, tmp_path / "x.toml")
    recipient = Recipient("나우리", "010-2222-3333", "", "04524", "서울 중구 세종대로 110", "문 앞")
    from chulgo.model import Item, ParcelLine
    parcel = Shipment("S1", 1, "x", recipient, (ParcelLine("smartstore", "L1", "O1", "SKU1", "티셔츠", 2,
                                                            (Item("SKU1", 2, "티셔츠"),)),))
    rows = sheet_rows(courier.write_waybills([parcel], Seller("하루상점", "02-1234-5678", "06236", "서울"), tmp_path, "t"))
    assert rows[0] == list(WAYBILL_VALUES)
    filled = dict(zip(rows[0], rows[1]))
    assert filled["shipment_id"] == "S1" and filled["items"] == "티셔츠 2개" and filled["order_nos"] == "O1"


def test_every_invoice_value_the_check_allows_is_written(tmp_path):
    text = _shop().replace('[invoice]\ncolumns = [{ header = "주문번호", value = "line_key" }, '
                           '{ header = "송장번호", value = "tracking_no" }]',
                           "[invoice]\ncolumns = [" + ", ".join(
                               f'{{ header = "{v}", value = "{v}" }}'
                               for v in [*TemplateChannel.invoice_values, "raw:메모"]) + "]")
    _write(tmp_path, "channels", "myshop.toml", text)
    channel = load_channels(tmp_path)["myshop"]
    layout = Layout("", (), ("주문번호", "메모"), ())
    line = InvoiceLine("myshop", "L1", "O1", "cj", ("1234567890",), layout, ("L1", "메모값"))
    (path,) = channel.write_invoices([line], tmp_path, "t")
    rows = sheet_rows(path)
    assert dict(zip(rows[0], rows[1])) == {"line_key": "L1", "order_no": "O1", "courier_name": "CJ대한통운",
                                           "tracking_no": "1234567890", "split": "N", "raw:메모": "메모값"}


def test_the_supplier_order_values_are_the_ones_its_writer_fills():
    assert {"shipment_id", "item.sku", "item.quantity", "recipient.address"} <= set(ORDER_VALUES)


# -- at program start, not after tracking ---------------------------------------------------------------------------

def test_a_wrong_upload_value_stops_the_day_at_start_with_nothing_done(cli, ws):
    text = (REPO_TEMPLATES / "channels" / "cafe24.toml").read_text(encoding="utf-8")
    path = _write(ws, "channels", "cafe24.toml",
                  text.replace('{ header = "송장번호", value = "tracking_no" }', '{ header = "송장번호", value = "tracking" }'))
    inbox = sorted(p.name for p in (ws / "inbox").iterdir())
    for command in ("daily", "collect", "ship", "tracking", "invoice", "status"):
        code, out = cli(ws, command)
        assert code == 1, (command, out)
        assert str(path) in out and '[invoice] columns 4번째("송장번호") value' in out and "tracking_no" in out
        assert "Traceback" not in out
    assert sorted(p.name for p in (ws / "inbox").iterdir()) == inbox, "no file was read or moved"
    assert not (ws / "data" / "chulgo.sqlite").exists() or ledger_rows(ws, "SELECT COUNT(*) FROM lines") == [(0,)]
    path.unlink()
    code, out = cli(ws, "daily")
    assert code == 0, out
