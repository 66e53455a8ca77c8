"""What the template contract (tests/test_contracts.py) does not say for the core three channels: our own uploads
dropped back into inbox are not new orders, the 쿠팡 upload is its download with only the courier cells set, and
no output cell becomes a formula."""

from __future__ import annotations

import openpyxl
import pytest

from chulgo.channels import load_channels
from chulgo.files import read_tables
from tests.conftest import claimed, invoiced, lines_of


@pytest.mark.parametrize("cid", ["smartstore", "cafe24"])
def test_our_own_outputs_are_not_taken_for_orders(exports, cid, tmp_path):
    """Upload files dropped back into inbox are not new orders (the 쿠팡 upload is its own DeliveryList by design)."""
    out = load_channels(None)[cid].write_invoices(invoiced(lines_of(exports.files[cid])), tmp_path, cid)[0]
    assert claimed(out) == set()


def test_the_mapping_workbook_is_no_format_of_ours(exports):
    assert claimed(exports.mapping) == set()


def test_coupang_upload_changes_only_the_courier_cells(exports, tmp_path):
    lines = lines_of(exports.files["coupang"])
    out = load_channels(None)["coupang"].write_invoices(invoiced(lines), tmp_path, "x")[0]
    original = read_tables(exports.files["coupang"], {})[0].rows
    uploaded = read_tables(out, {})[0].rows
    assert uploaded[0] == original[0]
    changed_columns = {original[0][c] for r_orig, r_up in zip(original[1:], uploaded[1:])
                       for c in range(len(r_orig)) if r_orig[c] != r_up[c]}
    assert changed_columns == {"택배사", "운송장번호", "분리배송 Y/N"}
    assert [r[original[0].index("분리배송 Y/N")] for r in uploaded[1:4]] == ["N", "N", "Y"]


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
