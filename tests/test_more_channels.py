"""11번가, G마켓/옥션 (ESM), 토스쇼핑, 오늘의집, 롯데ON, 카카오톡 선물하기 beyond the template contract
(tests/test_contracts.py): their uploads dropped back are not new orders, each channel's own upload rules, the
locked 오늘의집 export, gifts without an address, and a whole day through the commands."""

from __future__ import annotations

import dataclasses

import pytest

from chulgo import samples
from chulgo.channels import load_channels
from chulgo.files import InputFileError, read_tables
from chulgo.model import OrderLine
from chulgo.samples.fixtures import MORE_WRITERS as WRITERS
from chulgo.samples.fixtures import PASSWORDS, channel_rows
from chulgo.settings import DEFAULT_SETTINGS
from tests.conftest import as_dicts, claimed, dump_lines, invoiced, ledger_rows, lines_of, make_workspace, outputs, \
    sheet_rows, tables_of

NEW = samples.MORE_CHANNEL_IDS
OHOUSE_PASSWORD = PASSWORDS["ohouse"]
UPLOAD_NAMES = {"11st": "11번가_발송처리", "esm": "ESM_발송처리", "toss": "토스쇼핑_송장업로드",
                "ohouse": "오늘의집_송장등록", "lotteon": "롯데ON_송장등록", "kakao-gift": "카카오선물하기_송장등록"}


@pytest.mark.parametrize("cid", NEW)
def test_our_uploads_are_not_taken_for_new_orders(exports, cid, tmp_path):
    """Dropped back into inbox, an upload is claimed by nobody — except 토스's, which is its own export by design
    and then only holds shipped (closed) lines."""
    out = load_channels(None)[cid].write_invoices(invoiced(lines_of(exports.files[cid])), tmp_path, "x")[0]
    found = claimed(out)
    if cid == "toss":
        assert found == {"orders:toss"}
        assert {l.status_class for l in lines_of(out)} == {"closed"}
    else:
        assert found == set()


def test_generated_rows_are_deterministic_unique_and_fully_mapped(exports):
    from chulgo.mapping import load_mapping

    book = load_mapping(exports.mapping, {c: c for c in ("smartstore", "coupang", "cafe24") + NEW})
    assert not book.problems, [p.text() for p in book.problems]
    for cid in NEW:
        assert channel_rows(cid) == channel_rows(cid)
        assert channel_rows(cid, seed=4) != channel_rows(cid)
        lines = lines_of(exports.files[cid])
        assert len(lines) == 10 and len({l.line_key for l in lines}) == 10
        assert [l.line_key for l in lines if book.items_for(l) is None] == [], cid
        assert sum(l.status_class == "cancelled" for l in lines) == 1, cid


# -- channel specifics --------------------------------------------------------------------------------------

def test_toss_upload_keeps_rows_1_to_4_and_changes_only_status_courier_and_number(exports, tmp_path):
    lines = lines_of(exports.files["toss"])
    out = load_channels(None)["toss"].write_invoices(invoiced(lines), tmp_path, "x")[0]
    original, uploaded = tables_of(exports.files["toss"])[0], tables_of(out)[0]
    assert original.sheet == uploaded.sheet == "주문내역"
    assert uploaded.rows[:4] == original.rows[:4]
    assert original.rows[0][0].startswith("※") and original.rows[1][0] == "일시 정보"
    assert original.rows[2] == list(samples.TOSS_HEADERS) and original.rows[3][3] == "수정 가능"
    header = original.rows[2]
    assert len(uploaded.rows) == len(original.rows)
    changed = {header[c] for r_orig, r_up in zip(original.rows[4:], uploaded.rows[4:])
               for c in range(len(header)) if r_orig[c] != r_up[c]}
    assert changed == {"주문상태", "택배사", "송장번호"}
    body = [dict(zip(header, r)) for r in uploaded.rows[4:]]
    assert {r["주문상태"] for r in body} == {"배송중"} and {r["택배사"] for r in body} == {"CJ대한통운"}
    assert all(r["송장번호"].isdigit() and len(r["송장번호"]) == 12 for r in body)
    assert all(l.recipient.phone.isdigit() for l in lines), "Toss phones carry no hyphens"


def test_esm_upload_has_exactly_the_four_columns_and_the_account_per_site(exports, tmp_path):
    lines = lines_of(exports.files["esm"])
    esm = load_channels(None)["esm"]
    out = esm.write_invoices(invoiced(lines), tmp_path, "x")[0]
    table = tables_of(out)[0]
    assert table.sheet == "발송처리"
    assert table.rows[0] == ["계정", "주문번호", "택배사", "운송장번호"]
    body = as_dicts(table.rows)
    assert {r["택배사"] for r in body} == {"CJ택배"}
    assert [r["주문번호"] for r in body] == [l.line_key for l in lines]
    site = {l.line_key: l.raw[list(l.layout.header).index("판매사이트")] for l in lines}
    expected = {"G마켓": "지마켓(harushop)", "옥션": "옥션(haru_auction)"}
    assert [r["계정"] for r in body] == [expected[site[r["주문번호"]]] for r in body]
    assert {r["계정"] for r in body} == set(expected.values()), "the fixture holds both sites"


def test_esm_account_from_a_bare_seller_id_and_a_site_column(tmp_path):
    rows, _ = samples.generate_channel_rows("esm", 5, 6)
    bare = [dict(r, 판매아이디="harushop") for r in rows]
    lines = lines_of(samples.write_esm_export(tmp_path / "bare.xlsx", bare))
    esm = load_channels(None)["esm"]
    body = as_dicts(tables_of(esm.write_invoices(invoiced(lines), tmp_path, "x")[0])[0].rows)
    want = {"G마켓": "지마켓(harushop)", "옥션": "옥션(harushop)"}
    assert [r["계정"] for r in body] == [want[r["판매사이트"]] for r in bare]

    unknown = [dict(r, 판매아이디="harushop", 판매사이트="") for r in rows]
    lines = lines_of(samples.write_esm_export(tmp_path / "unknown.xlsx", unknown))
    problems = esm.check_invoices(invoiced(lines))
    assert len(problems) == 1 and "esm.toml" in problems[0].message and f"{len(lines)}줄" in problems[0].message
    body = as_dicts(tables_of(esm.write_invoices(invoiced(lines), tmp_path, "y")[0])[0].rows)
    assert [r["계정"] for r in body] == [""] * len(lines), "the upload is still written, 계정 left for the seller"
    assert all(r["운송장번호"] for r in body)


def test_ohouse_encrypted_export_reads_with_its_password_and_comma_amounts(exports):
    locked = exports.files["ohouse_locked"]
    assert locked.read_bytes()[:4] == bytes.fromhex("D0CF11E0")
    with pytest.raises(InputFileError):
        read_tables(locked, {"smartstore": "1234"})
    table = read_tables(locked, {"ohouse": OHOUSE_PASSWORD})[0]
    assert table.sheet == "주문현황"
    header = table.rows[0]
    amounts = [r[header.index("결제금액")] for r in table.rows[1:]]
    assert all("," in a for a in amounts) and header.index("결제금액") == 9 and header.index("배송상태") == 15
    assert dump_lines(lines_of(locked)) == dump_lines(lines_of(exports.files["ohouse"]))
    lines = lines_of(locked)
    assert [l.status_class for l in lines].count("cancelled") == 1
    assert all(l.product_code.startswith("OH-") and l.ordered_at.count(".") == 2 for l in lines)


def test_kakao_gift_without_address_is_read_as_a_line(exports):
    lines = lines_of(exports.files["kakao-gift"])
    waiting = [l for l in lines if not l.recipient.address]
    assert len(waiting) == 2
    for l in waiting:
        assert isinstance(l, OrderLine) and l.recipient.zip == "" and l.recipient.name and l.status_class == ""
    assert load_channels(None)["kakao-gift"].gift_days == 7


# -- a whole day ---------------------------------------------------------------------------------------------

def test_a_whole_day_over_all_nine_channels(cli, tmp_path):
    day = samples.generate_day(seed=5, lines=20)
    mappings = list(day.mappings)
    new_rows = {}
    for cid in NEW:
        new_rows[cid], maps = samples.generate_channel_rows(
            cid, 5, 6, gifts_without_address=1 if cid == "kakao-gift" else 0, cancelled=1)
        mappings += maps
    d = dataclasses.replace(day, mappings=mappings)
    settings = DEFAULT_SETTINGS + f'\n[channels.ohouse]\npassword = "{OHOUSE_PASSWORD}"\n'
    ws = make_workspace(tmp_path / "ws", d, settings)
    for cid in NEW:
        extra = {"password": OHOUSE_PASSWORD} if cid == "ohouse" else {}
        WRITERS[cid](ws / "inbox" / f"{cid}_orders.xlsx", new_rows[cid], **extra)

    code, out = cli(ws, "collect")
    assert code == 0, out
    assert "배송지 대기(선물하기) 1줄" in out, out
    assert list((ws / "inbox").iterdir()) == [], "every export was recognised and archived"
    code, out = cli(ws, "ship")
    assert code == 0, out
    gift = next(r for r in new_rows["kakao-gift"] if not r["배송지 주소"])
    shipped = {(ch, k) for ch, k in ledger_rows(ws, "SELECT channel, line_key FROM lines WHERE state = 'batched'")}
    for cid in NEW:
        assert len([k for ch, k in shipped if ch == cid]) == 5 - (cid == "kakao-gift"), cid
    assert ("kakao-gift", gift["주문번호"]) not in shipped

    request = outputs(ws, "CJ대한통운_송장요청")[0]
    samples.write_courier_result(request, ws / "inbox" / "cj_result.xlsx")
    code, out = cli(ws, "tracking")
    assert code == 0, out
    code, out = cli(ws, "invoice")
    assert code == 0, out
    for cid, name in UPLOAD_NAMES.items():
        files = outputs(ws, name)
        assert len(files) == 1, (cid, out)
    esm = as_dicts(sheet_rows(outputs(ws, "ESM_발송처리")[0], "발송처리"))
    assert len(esm) == 5 and all(r["택배사"] == "CJ택배" and r["운송장번호"].isdigit() for r in esm)
    assert all(r["계정"] in ("지마켓(harushop)", "옥션(haru_auction)") for r in esm)

    # The recipient entered the address: a newer export releases the gift.
    later = [dict(r, **{"배송지 주소": "서울특별시 중구 세종대로 110", "우편번호": "04524",
                        "수령인 연락처": "010-3456-7890"}) if r is gift else r for r in new_rows["kakao-gift"]]
    samples.write_kakao_gift_export(ws / "inbox" / "kakao_later.xlsx", later)
    cli(ws, "collect")
    code, out = cli(ws, "ship")
    assert code == 0, out
    assert ledger_rows(ws, "SELECT state FROM lines WHERE channel = 'kakao-gift' AND line_key = ?",
                       (gift["주문번호"],)) == [("batched",)]
