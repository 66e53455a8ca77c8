"""Every adapter: recognised by its own format and no other; read and written exactly as the golden files say.

Golden files live in tests/golden/. Regenerate them on purpose only: CHULGO_REGEN_GOLDEN=1 uv run pytest tests/test_adapters.py
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import openpyxl
import pytest

from chulgo import samples
from chulgo.channels import load_channels
from chulgo.couriers import load_couriers
from chulgo.files import read_tables
from chulgo.model import InvoiceLine, OrderLine, RawTable
from chulgo.settings import Seller
from tests.conftest import one_number_each

GOLDEN = Path(__file__).parent / "golden"
SELLER = Seller("하루상점", "02-1234-5678", "06236", "서울특별시 강남구 테헤란로 123")


def core_files(d: Path) -> tuple[samples.SampleDay, dict[str, Path]]:
    """The three core channels' exports (both 스마트스토어 layouts), generated with a fixed seed."""
    day = samples.generate_day(seed=3, lines=16)
    return day, {
        "smartstore": samples.write_smartstore_export(d / "a.xlsx", day.smartstore, password="1234"),
        "smartstore_short": samples.write_smartstore_export(d / "b.xlsx", day.smartstore, password=None,
                                                            headers=samples.SMARTSTORE_SHORT_HEADERS),
        "coupang": samples.write_coupang_export(d / "c.xlsx", day.coupang),
        "cafe24": samples.write_cafe24_export(d / "d.xlsx", day.cafe24),
    }


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory) -> dict[str, Path]:
    """One file of every format, generated with a fixed seed."""
    d = tmp_path_factory.mktemp("fixtures")
    day, files = core_files(d)
    files["mapping"] = samples.write_mapping_workbook(d / "e.xlsx", day.products, day.mappings, day.sets)
    return files


def claims(table: RawTable) -> set[str]:
    out = {f"orders:{cid}" for cid, ch in load_channels(None).items() if ch.identify(table) >= 0}
    return out | {f"tracking:{cid}" for cid, co in load_couriers(None).items() if co.identify_tracking(table) >= 0}


def read(path: Path) -> list[RawTable]:
    return read_tables(path, {"smartstore": "1234"})


@pytest.mark.parametrize("name, expected", [
    ("smartstore", {"orders:smartstore"}), ("smartstore_short", {"orders:smartstore"}),
    ("coupang", {"orders:coupang"}), ("cafe24", {"orders:cafe24"}), ("mapping", set()),
])
def test_each_export_is_claimed_by_its_own_format_only(fixtures, name, expected):
    found = set().union(*(claims(t) for t in read(fixtures[name])))
    assert found == expected


def test_our_own_outputs_are_not_taken_for_orders(fixtures, tmp_path):
    """Upload files dropped back into inbox are not new orders (the 쿠팡 upload is its own DeliveryList by design)."""
    lines = [_lines(fixtures[c]) for c in ("smartstore", "cafe24")]
    for channel_id, ls in zip(("smartstore", "cafe24"), lines):
        out = load_channels(None)[channel_id].write_invoices(_invoiced(ls), tmp_path, channel_id)[0]
        assert set().union(*(claims(t) for t in read(out))) == set()


def _lines(path: Path) -> list[OrderLine]:
    out = []
    for table in read(path):
        for cid, ch in load_channels(None).items():
            hr = ch.identify(table)
            if hr >= 0:
                out += list(ch.read_orders(dataclasses.replace(table, header_row=hr)))
    assert all(isinstance(x, OrderLine) for x in out), [x for x in out if not isinstance(x, OrderLine)]
    return out


def _invoiced(lines: list[OrderLine]) -> list[InvoiceLine]:
    """Deterministic made-up tracking numbers; the third line's parcel came back as two boxes."""
    return [InvoiceLine(l.channel, l.line_key, l.order_no, "cj",
                        (f"6{i:011d}",) + ((f"7{i:011d}",) if i == 2 else ()), l.layout, l.raw, split=i == 2)
            for i, l in enumerate(lines)]


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CHULGO_REGEN_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"golden file {path} missing: run with CHULGO_REGEN_GOLDEN=1 once"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def _dump_lines(lines: list[OrderLine]) -> str:
    rows = []
    for l in lines:
        r = l.recipient
        rows.append("\t".join([l.line_key, l.order_no, l.bundle_key, l.product_code, l.option_code, l.product_name,
                               l.option_text, str(l.quantity), r.name, r.phone, r.phone2, r.zip, r.address, r.message,
                               l.status, l.status_class, l.ordered_at, str(l.source_row)]))
    return "\n".join(rows) + "\n"


def _dump_workbook(path: Path) -> str:
    return "".join(f"## {t.sheet}\n" + "".join("\t".join(r) + "\n" for r in t.rows) for t in read(path))


@pytest.mark.parametrize("name", ["smartstore", "smartstore_short", "coupang", "cafe24"])
def test_reading_matches_the_golden_lines(fixtures, name):
    _golden(f"{name}.lines.tsv", _dump_lines(_lines(fixtures[name])))


@pytest.mark.parametrize("name", ["smartstore", "coupang", "cafe24"])
def test_invoice_upload_matches_the_golden_file(fixtures, name, tmp_path):
    lines = _lines(fixtures[name])
    paths = load_channels(None)[name].write_invoices(_invoiced(lines), tmp_path, "golden")
    assert len(paths) == 1
    _golden(f"{name}.invoice.tsv", _dump_workbook(paths[0]))


def test_coupang_upload_changes_only_the_courier_cells(fixtures, tmp_path):
    lines = _lines(fixtures["coupang"])
    out = load_channels(None)["coupang"].write_invoices(_invoiced(lines), tmp_path, "x")[0]
    original = read(fixtures["coupang"])[0].rows
    uploaded = read(out)[0].rows
    assert uploaded[0] == original[0]
    changed_columns = {original[0][c] for r_orig, r_up in zip(original[1:], uploaded[1:])
                       for c in range(len(r_orig)) if r_orig[c] != r_up[c]}
    assert changed_columns == {"택배사", "운송장번호", "분리배송 Y/N"}
    assert [r[original[0].index("분리배송 Y/N")] for r in uploaded[1:4]] == ["N", "N", "Y"]


def test_waybill_request_matches_the_golden_file_and_reads_back(fixtures, tmp_path):
    from chulgo.mapping import load_mapping
    from chulgo.parcels import group_parcels, make_shipments
    import datetime as dt

    book = load_mapping(fixtures["mapping"], {c: c for c in ("smartstore", "coupang", "cafe24")})
    ready = [(l, book.items_for(l)) for name in ("smartstore", "coupang", "cafe24") for l in _lines(fixtures[name])
             if book.items_for(l) is not None and not l.status_class]
    shipments = make_shipments(group_parcels(ready, "all"), dt.date(2026, 11, 22), 1, "cj", code="S")
    cj = load_couriers(None)["cj"]
    path = cj.write_waybills(shipments, SELLER, tmp_path, "golden")
    _golden("cj.waybill.tsv", _dump_workbook(path))

    header = read(path)[0].rows[0]
    assert len(header) == 21 and header[13] == "고객주문번호" and header[12] == "운송장번호"

    assigned = one_number_each(samples.write_courier_result(path, tmp_path / "result.xlsx", shuffle=True))
    table = read(tmp_path / "result.xlsx")[0]
    table = dataclasses.replace(table, header_row=cj.identify_tracking(table))
    results = list(cj.read_tracking(table))
    assert {r.shipment_ref: r.tracking_no for r in results} == assigned
    by_id = {s.shipment_id: s for s in shipments}
    for r in results:
        assert r.phone == by_id[r.shipment_ref].recipient.phone.replace("-", "") or \
            r.phone == by_id[r.shipment_ref].recipient.phone, "the lost leading 0 is restored"


def test_no_output_cell_becomes_a_formula(tmp_path):
    from chulgo.sheets import Sheet, write_workbook
    risky = ["=HYPERLINK(\"http://x\")", "+82-10", "-부재시 문앞", "@SUM(A1)", "0012345", "2026052852073231",
             "http://example.com"]
    path = write_workbook(tmp_path / "x.xlsx", [Sheet("s", [["값"]] + [[v] for v in risky])])
    ws = openpyxl.load_workbook(path)["s"]
    cells = [ws.cell(row=i + 2, column=1) for i in range(len(risky))]
    assert [c.value for c in cells] == risky
    assert all(c.data_type == "s" for c in cells)
    assert not ws.parent.defined_names and not ws._hyperlinks
