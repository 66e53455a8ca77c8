"""A whole day through run.py in a temporary workspace: collect → ship → courier result → tracking → invoice."""

from __future__ import annotations

import re
import shutil

import openpyxl

from chulgo import samples
from tests.conftest import as_dicts, ledger_rows, one_number_each, outputs, sheet_rows


def line_keys(day: samples.SampleDay) -> dict[str, dict[str, dict]]:
    """Every generated line by channel and line key, as the channel exported it."""
    return {
        "smartstore": {r["상품주문번호"]: r for r in day.smartstore},
        "coupang": {f"{r['묶음배송번호']}-{r['옵션ID']}": r for r in day.coupang},
        "cafe24": {r["품목별 주문번호"]: r for r in day.cafe24},
    }


def cancelled(day: samples.SampleDay) -> set[tuple[str, str]]:
    out = {("smartstore", r["상품주문번호"]) for r in day.smartstore if r.get("주문상태") == "취소"}
    return out | {("cafe24", r["품목별 주문번호"]) for r in day.cafe24 if r.get("주문상태") == "취소"}


def ship_and_return_result(cli, ws, **result_options) -> dict[str, str]:
    code, out = cli(ws, "ship")
    assert code == 0, out
    waybill = outputs(ws, "CJ대한통운_송장요청")[-1]
    return one_number_each(samples.write_courier_result(waybill, ws / "inbox" / "cj_result.xlsx", **result_options))


def test_whole_day_puts_the_right_tracking_number_on_every_line(cli, ws, day):
    code, out = cli(ws, "collect")
    assert code == 0, out
    assert not list((ws / "inbox").iterdir()), "every fully read export moves to archive/"
    assert len(list((ws / "archive").rglob("*.xlsx"))) == 3

    assigned = ship_and_return_result(cli, ws, shuffle=True)
    code, out = cli(ws, "tracking")
    assert code == 0, out
    code, out = cli(ws, "invoice")
    assert code == 0, out

    # The ledger's parcel of each line, and the tracking number the courier gave that parcel.
    parcel_of = {(ch, key): sid for ch, key, sid in ledger_rows(ws, "SELECT channel, line_key, shipment_id FROM lines")}

    smart = as_dicts(sheet_rows(outputs(ws, "스마트스토어_발송처리")[0], "발송처리"))
    assert list(smart[0]) == ["상품주문번호", "배송방법", "택배사", "송장번호"]
    for row in smart:
        assert row["배송방법"] == "택배,등기,소포" and row["택배사"] == "CJ대한통운"
        assert re.fullmatch(r"\d{16}", row["상품주문번호"])
        assert row["송장번호"] == assigned[parcel_of[("smartstore", row["상품주문번호"])]]

    exported = line_keys(day)
    coupang_file = outputs(ws, "쿠팡_송장업로드")[0]
    coupang_rows = sheet_rows(coupang_file, "Delivery")
    assert tuple(coupang_rows[0]) == samples.COUPANG_HEADERS, "the upload is the DeliveryList layout itself"
    for row in as_dicts(coupang_rows):
        key = f"{row['묶음배송번호']}-{row['옵션ID']}"
        assert row["택배사"] == "CJ 대한통운"
        assert row["운송장번호"] == assigned[parcel_of[("coupang", key)]] and row["운송장번호"].isdigit()
        original = exported["coupang"][key]
        for col in ("주문번호", "수취인이름", "수취인전화번호", "우편번호", "수취인 주소", "등록옵션명"):
            assert row[col] == str(original[col]), col

    cafe = as_dicts(sheet_rows(outputs(ws, "카페24_송장등록")[0]))
    for row in cafe:
        assert row["송장번호"] == assigned[parcel_of[("cafe24", row["품목별 주문번호"])]]
        assert row["주문번호"] == row["품목별 주문번호"].rsplit("-", 1)[0]

    # Every line is accounted for exactly once: uploaded, waiting for a mapping, or cancelled.
    uploaded = {("smartstore", r["상품주문번호"]) for r in smart} | {("cafe24", r["품목별 주문번호"]) for r in cafe}
    uploaded |= {("coupang", f"{r['묶음배송번호']}-{r['옵션ID']}") for r in as_dicts(coupang_rows)}
    everything = {(ch, k) for ch, keys in exported.items() for k in keys}
    waiting = {(ch, k) for ch, k in ledger_rows(ws, "SELECT channel, line_key FROM lines WHERE state = 'new'")}
    assert uploaded.isdisjoint(waiting) and uploaded.isdisjoint(cancelled(day))
    assert uploaded | waiting | cancelled(day) == everything
    unmapped_sheet = as_dicts(sheet_rows(ws / "mappings" / "상품매핑.xlsx", "미매핑"), header_row=1)
    assert len(unmapped_sheet) == day.unmapped_listings
    unmapped_names = {r["채널상품명"] for r in unmapped_sheet}
    open_rows = ledger_rows(ws, "SELECT channel, bundle_key, text FROM lines LEFT JOIN texts "
                                "ON text_id = product_name_id WHERE state = 'new'")
    unmapped = [(ch, b) for ch, b, name in open_rows if name in unmapped_names]
    assert sum(int(r["주문수"]) for r in unmapped_sheet) == len(unmapped)
    assert all((ch, b) in unmapped for ch, b, _ in open_rows), \
        "a mapped line waits only for an unmapped line of its own channel bundle (a bundle ships whole)"

    # Invoiced once: a second invoice run writes nothing new.
    code, out = cli(ws, "invoice")
    assert code == 0 and "새로 올릴 송장이 없습니다" in out
    assert len(outputs(ws, "스마트스토어_발송처리")) == 1


def test_same_recipient_on_two_channels_gets_one_parcel(cli, ws, day):
    cli(ws, "collect")
    cli(ws, "ship")
    by_name: dict[str, set[str]] = {}
    for name, sid in ledger_rows(ws, "SELECT r.name, l.shipment_id FROM lines l JOIN recipients r "
                                     "ON r.recipient_id = l.recipient_id WHERE l.shipment_id IS NOT NULL"):
        by_name.setdefault(name, set()).add(sid)
    channels_of = {}
    for name, ch in ledger_rows(ws, "SELECT r.name, l.channel FROM lines l JOIN recipients r "
                                    "ON r.recipient_id = l.recipient_id WHERE l.shipment_id IS NOT NULL"):
        channels_of.setdefault(name, set()).add(ch)
    cross = [n for n, chs in channels_of.items() if len(chs) > 1]
    assert cross, "the generated day has a recipient ordering on two channels"
    for name in cross:
        assert len(by_name[name]) == 1, f"{name}'s orders on {channels_of[name]} share one parcel"

    waybill = as_dicts(sheet_rows(outputs(ws, "CJ대한통운_송장요청")[0]))
    assert len(waybill) == len({sid for sids in by_name.values() for sid in sids}), "one waybill row per parcel"
    assert all(re.fullmatch(r"\d{5}", r["받는분우편번호"]) for r in waybill)
    assert any(r["받는분우편번호"].startswith("0") for r in waybill), "leading zeros survive"


def test_merge_off_keeps_channels_apart_but_never_splits_a_bundle(cli, tmp_path, day):
    from tests.conftest import make_workspace
    from chulgo.settings import DEFAULT_SETTINGS
    ws = make_workspace(tmp_path / "off", day, DEFAULT_SETTINGS.replace('merge = "all"', 'merge = "off"'))
    cli(ws, "collect")
    cli(ws, "ship")
    per_bundle = ledger_rows(ws, "SELECT channel, bundle_key, COUNT(DISTINCT shipment_id) FROM lines "
                                 "WHERE shipment_id IS NOT NULL GROUP BY channel, bundle_key")
    assert per_bundle and all(n == 1 for _, _, n in per_bundle)
    mixed = ledger_rows(ws, "SELECT shipment_id FROM lines WHERE shipment_id IS NOT NULL GROUP BY shipment_id "
                            "HAVING COUNT(DISTINCT channel) > 1 OR COUNT(DISTINCT bundle_key) > 1")
    assert mixed == []


def test_ship_again_ships_nothing_and_a_newer_export_adds_only_new_lines(cli, ws, day, tmp_path):
    cli(ws, "collect")
    cli(ws, "ship")
    shipped = ledger_rows(ws, "SELECT COUNT(*) FROM shipments")[0][0]
    code, out = cli(ws, "ship")
    assert code == 0 and "새로 출고할 주문이 없습니다" in out
    assert ledger_rows(ws, "SELECT COUNT(*) FROM shipments")[0][0] == shipped

    # A later download overlaps the morning one: the old rows plus two new orders.
    later = samples.generate_day(seed=99, lines=20)
    extra = [dict(r) for r in later.coupang[:2]]
    samples.write_coupang_export(ws / "inbox" / "DeliveryList_later.xlsx", day.coupang + extra)
    code, out = cli(ws, "collect")
    assert code == 0, out
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE channel = 'coupang'")[0][0] == len(day.coupang) + 2
    cli(ws, "ship")
    twice = ledger_rows(ws, "SELECT channel, line_key FROM shipment_lines GROUP BY channel, line_key HAVING COUNT(*) > 1")
    assert twice == [], "no line is ever on two waybills"


def test_the_same_file_twice_creates_no_duplicates(cli, ws):
    smart = next((ws / "inbox").glob("스마트스토어*"))
    copy = ws / "copy_of_smartstore.xlsx"
    shutil.copy(smart, copy)
    cli(ws, "collect")
    before = ledger_rows(ws, "SELECT COUNT(*) FROM lines")[0][0]
    shutil.copy(copy, ws / "inbox" / "다시_받은_파일.xlsx")
    code, out = cli(ws, "collect")
    assert code == 0 and "이미 읽은 파일" in out
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines")[0][0] == before
    assert not (ws / "inbox" / "다시_받은_파일.xlsx").exists()


def test_cancelled_before_print_never_reaches_a_waybill(cli, ws, day):
    cli(ws, "collect")
    target = next(r for r in day.smartstore if r.get("주문상태") != "취소")
    newer = [dict(r, 주문상태="취소", 클레임상태="취소완료") if r is target else r for r in day.smartstore]
    samples.write_smartstore_export(ws / "inbox" / "newer.xlsx", newer, password="1234")
    code, out = cli(ws, "collect")
    assert code == 0, out
    cli(ws, "ship")
    waybill_lines = {k for (k,) in ledger_rows(ws, "SELECT line_key FROM shipment_lines WHERE channel = 'smartstore'")}
    assert target["상품주문번호"] not in waybill_lines
    assert ledger_rows(ws, "SELECT state FROM lines WHERE line_key = ?", (target["상품주문번호"],)) == [("cancelled",)]


def test_cancelled_after_print_is_listed_and_left_out_of_the_upload(cli, ws, day):
    cli(ws, "collect")
    assigned = ship_and_return_result(cli, ws)
    shipped_key = ledger_rows(ws, "SELECT line_key FROM lines WHERE channel = 'smartstore' AND state = 'batched'")[0][0]
    newer = [dict(r, 주문상태="취소") if r["상품주문번호"] == shipped_key else r for r in day.smartstore]
    samples.write_smartstore_export(ws / "inbox" / "newer.xlsx", newer, password="1234")
    code, out = cli(ws, "collect")
    assert "송장 출력 후 '취소'" in out and shipped_key in out
    cli(ws, "tracking")
    code, out = cli(ws, "invoice")
    assert "출력 후 취소" in out and shipped_key in out
    uploaded = {r["상품주문번호"] for r in as_dicts(sheet_rows(outputs(ws, "스마트스토어_발송처리")[0], "발송처리"))}
    assert shipped_key not in uploaded and uploaded
    code, out = cli(ws, "status")
    dash = as_dicts(sheet_rows(outputs(ws, "현황")[0], "출력후취소"))
    assert [r["주문 줄 번호"] for r in dash] == [shipped_key]
    assert assigned  # the courier did print it


def test_seller_types_a_sku_into_unmapped_and_the_orders_flow_on(cli, ws):
    cli(ws, "collect")
    book_path = ws / "mappings" / "상품매핑.xlsx"
    wb = openpyxl.load_workbook(book_path)
    wb.create_sheet("메모")["A1"] = "판매자가 적은 메모"
    ws_un = wb["미매핑"]
    header = [c.value for c in ws_un[2]]                    # row 1: the instruction
    first = [c.value for c in ws_un[3]]
    unmapped_before = sum(int(r[header.index("주문수")]) for r in
                          ([c.value for c in row] for row in ws_un.iter_rows(min_row=3)))
    sku_col = header.index("SKU") + 1
    suggestion = first[header.index("추천SKU")]
    assert suggestion, "the tool suggests a SKU"
    ws_un.cell(row=3, column=sku_col, value=suggestion)
    wb.save(book_path)

    code, out = cli(ws, "ship")
    assert code == 0, out
    orders_for_listing = int(first[header.index("주문수")])
    shipped_now = ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE state = 'batched'")[0][0]
    still_unmapped = {r[3] for r in ([c.value for c in row] for row in ws_un.iter_rows(min_row=4))}
    waiting = ledger_rows(ws, "SELECT channel, bundle_key, text FROM lines LEFT JOIN texts "
                              "ON text_id = product_name_id WHERE state = 'new'")
    unmapped_bundles = [(ch, b) for ch, b, name in waiting if name in still_unmapped]
    assert len(unmapped_bundles) == unmapped_before - orders_for_listing
    assert all((ch, b) in unmapped_bundles for ch, b, _ in waiting), "the rest wait only for their bundle"
    assert shipped_now > 0
    after = openpyxl.load_workbook(book_path)
    assert after["메모"]["A1"].value == "판매자가 적은 메모", "the seller's other sheets are kept"
    mapped = [[c.value for c in r] for r in after["매핑"].iter_rows(min_row=2)]
    assert any(r[5] == suggestion and (r[3] or "") == (first[3] or "") for r in mapped), "the typed row moved to 매핑"
    remaining = [[c.value for c in r] for r in after["미매핑"].iter_rows(min_row=3)]
    assert all(r[3] != first[3] or r[4] != first[4] for r in remaining)


def test_mapping_open_in_excel_loses_nothing(cli, ws):
    book_path = ws / "mappings" / "상품매핑.xlsx"
    before = book_path.read_bytes()
    (book_path.parent / f"~${book_path.name}").write_bytes(b"owner")
    code, out = cli(ws, "collect")
    assert code == 0, out
    assert "엑셀에서 열려 있어" in out
    assert book_path.read_bytes() == before
    fallback = outputs(ws, "미매핑")
    assert fallback and len(as_dicts(sheet_rows(fallback[0]))) >= 1


def test_reprint_voids_old_parcels_and_issues_new_ids(cli, ws):
    cli(ws, "collect")
    cli(ws, "ship")
    old_ids = {sid for (sid,) in ledger_rows(ws, "SELECT shipment_id FROM shipments")}
    code, out = cli(ws, "ship", "--reprint", "1")
    assert code == 0, out
    live = {sid for (sid,) in ledger_rows(ws, "SELECT shipment_id FROM shipments WHERE voided_at IS NULL")}
    assert live and live.isdisjoint(old_ids)
    assert len(live) == len(old_ids)
    lines_on_live = ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE shipment_id IN (SELECT shipment_id FROM shipments "
                                    "WHERE voided_at IS NULL)")[0][0]
    assert lines_on_live == ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE state = 'batched'")[0][0]

    # A result row carrying a voided id is reported, not attached.
    old_waybill = outputs(ws, "CJ대한통운_송장요청")[0]
    samples.write_courier_result(old_waybill, ws / "inbox" / "old_result.xlsx")
    code, out = cli(ws, "tracking")
    assert "재발행으로 무효" in out
    assert ledger_rows(ws, "SELECT COUNT(*) FROM tracking")[0][0] == 0


def _tree(ws) -> dict[str, bytes]:
    return {str(p.relative_to(ws)): p.read_bytes() for p in ws.rglob("*") if p.is_file() and "_dryrun" not in p.parts}


def test_dry_run_writes_nothing_outside_the_dryrun_folder(cli, ws, tmp_path):
    bare = tmp_path / "bare"
    shutil.copytree(ws, bare)
    (bare / "mappings" / "상품매핑.xlsx").unlink()       # not even the workbook a first real run would create
    before = _tree(bare)
    code, out = cli(bare, "daily", "--dry-run")
    assert code == 0, out
    assert _tree(bare) == before and not (bare / "data").exists()

    before = _tree(ws)
    code, out = cli(ws, "--dry-run", "collect")
    assert code == 0, out
    assert len(list((ws / "inbox").iterdir())) == 3, "a dry run archives nothing"
    code, out = cli(ws, "daily", "--dry-run")
    assert code == 0, out
    assert _tree(ws) == before, "no ledger, lock, mapping workbook or archive appears"
    assert not (ws / "data").exists()
    preview = list((ws / "outbox" / "_dryrun").rglob("CJ*.xlsx"))
    assert preview and all(re.fullmatch(r"[A-Z0-9]{2,4}T\d{6}-\d+-\d{4}", r["고객주문번호"])
                           for r in as_dicts(sheet_rows(preview[0]))), \
        "preview waybills never carry the ids a real batch will use"
    assert not outputs(ws, "CJ")
