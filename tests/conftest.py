"""Shared fixtures: a workspace with a generated day of made-up orders, a way to run commands in it, one made-up
file of every channel format read the way chulgo reads it, and the golden-file helpers."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pytest

import run
from chulgo import samples
from chulgo.channels import load_channels
from chulgo.couriers import load_couriers
from chulgo.files import read_tables
from chulgo.identify import Formats, InputFile, identify_tables
from chulgo.model import InvoiceLine, OrderLine, RawTable, Shipment
from chulgo.samples.fixtures import PASSWORDS as FIXTURE_PASSWORDS
from chulgo.samples.fixtures import write_channel_fixtures
from chulgo.settings import DEFAULT_SETTINGS, Seller


@pytest.fixture
def day() -> samples.SampleDay:
    return samples.generate_day(seed=11, lines=40)


def make_workspace(root: Path, day: samples.SampleDay, settings: str = DEFAULT_SETTINGS) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "settings.toml").write_text(settings, encoding="utf-8")
    samples.write_day(day, root / "inbox", root / "mappings" / "상품매핑.xlsx", password="1234")
    return root


@pytest.fixture
def ws(tmp_path: Path, day: samples.SampleDay) -> Path:
    return make_workspace(tmp_path / "ws", day)


class Runner:
    def __init__(self, capsys: pytest.CaptureFixture) -> None:
        self.capsys = capsys

    def __call__(self, ws: Path, *args: str) -> tuple[int, str]:
        code = run.main(["--workspace", str(ws), *args])
        out = self.capsys.readouterr()
        return code, out.out + out.err


@pytest.fixture
def cli(capsys: pytest.CaptureFixture) -> Runner:
    return Runner(capsys)


def own_template(ws: Path, kind: str, name: str, old: str, new: str) -> Path:
    """The workspace's own copy of a repo template (templates/<kind>/<name>) with ``old`` replaced by ``new``."""
    text = (Path(__file__).resolve().parent.parent / "templates" / kind / name).read_text(encoding="utf-8")
    assert old in text, f"{name} has no {old!r}"
    path = ws / "templates" / kind / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def day_to_uploads(cli: Runner, ws: Path) -> tuple[int, str]:
    """The workspace's day through collect, ship, CJ's result for the request (one number per parcel), tracking and
    invoice: the invoice step's (exit code, output)."""
    cli(ws, "collect")
    cli(ws, "ship")
    samples.write_courier_result(outputs(ws, "CJ대한통운_송장요청")[0], ws / "inbox" / "cj.xlsx")
    cli(ws, "tracking")
    return cli(ws, "invoice")


def set_products(ws: Path, column: str, values: dict[str, object]) -> None:
    """The seller types into the mapping workbook's 상품 sheet (재고, 공급사, 센 날 …) for these SKUs; a column the
    sheet lacks is added at its end."""
    path = ws / "mappings" / "상품매핑.xlsx"
    wb = openpyxl.load_workbook(path)
    sheet = wb["상품"]
    header = [c.value for c in sheet[1]]
    if column not in header:
        sheet.cell(row=1, column=len(header) + 1, value=column)
        header.append(column)
    for row in sheet.iter_rows(min_row=2):
        sku = row[header.index("SKU")].value
        if sku in values:
            sheet.cell(row=row[0].row, column=header.index(column) + 1).value = values[sku]     # None clears it
    wb.save(path)


def sheet_rows(path: Path, sheet: str | None = None) -> list[list[str]]:
    """A workbook's sheet as text rows (first sheet unless named)."""
    tables = read_tables(path, {})
    if sheet is None:
        return tables[0].rows
    return next(t.rows for t in tables if t.sheet == sheet)


def as_dicts(rows: list[list[str]], header_row: int = 0) -> list[dict[str, str]]:
    header = rows[header_row]
    return [dict(zip(header, r)) for r in rows[header_row + 1:] if any(r)]


def outputs(ws: Path, prefix: str) -> list[Path]:
    return sorted(p for p in (ws / "outbox").rglob(f"{prefix}*.xlsx") if "_dryrun" not in p.parts)


def one_number_each(truth: dict[str, list[str]]) -> dict[str, str]:
    """The courier simulator's ``{parcel id: [tracking numbers]}`` as ``{parcel id: tracking number}``, for a result
    where every parcel came back as one box."""
    assert all(len(numbers) == 1 for numbers in truth.values()), "a parcel came back in several boxes"
    return {sid: number for sid, (number,) in truth.items()}


# -- one made-up file of every format, and reading it as chulgo does ---------------------------------------------

SELLER = Seller("하루상점", "02-1234-5678", "06236", "서울특별시 강남구 테헤란로 123")
PRINTED = date(2026, 11, 22)            # the day the fixture parcels were printed


@dataclass(frozen=True)
class Exports:
    files: dict[str, Path]      # fixture name (chulgo.samples.fixtures.CHANNEL_FIXTURES) -> export
    mapping: Path               # the mapping workbook that maps every listing in them


@pytest.fixture(scope="session")
def exports(tmp_path_factory) -> Exports:
    """One export of every channel format (generated, fixed seeds), and their mapping workbook."""
    made, mapping = write_channel_fixtures(tmp_path_factory.mktemp("exports"))
    return Exports({f.name: f.path for f in made}, mapping)


@pytest.fixture(scope="session")
def parcels(exports) -> tuple[list[OrderLine], list[Shipment]]:
    """The made-up day's 스마트스토어, 쿠팡 and 카페24 lines that ship, merged per recipient into CJ parcels printed on
    2026-11-22: (lines, parcels)."""
    from chulgo.mapping import load_mapping
    from chulgo.parcels import group_parcels, make_shipments

    names = ("smartstore", "coupang", "cafe24")
    book = load_mapping(exports.mapping, {c: c for c in names})
    ready = [(l, book.items_for(l)) for name in names for l in lines_of(exports.files[name])
             if book.items_for(l) is not None and not l.status_class]
    return [l for l, _ in ready], make_shipments(group_parcels(ready, "all"), PRINTED, 1, "cj", code="S")


def tables_of(path: Path) -> list[RawTable]:
    """Every sheet of a file as chulgo reads it (the fixture passwords given)."""
    return read_tables(path, FIXTURE_PASSWORDS)


def identified(path: Path, formats: Formats | None = None) -> InputFile:
    """The file identified the way inbox files are (the repo's templates unless ``formats``)."""
    formats = formats or Formats(list(load_channels(None).values()), list(load_couriers(None).values()))
    return identify_tables(path, "", tables_of(path), formats)


def lines_of(path: Path, formats: Formats | None = None) -> list[OrderLine]:
    """The order lines of an export as collect reads them; a row the channel cannot read fails the test."""
    _, lines, problems = identified(path, formats).read_orders()
    assert not problems, [p.text() for p in problems]
    return lines


def claimed(path: Path) -> set[str]:
    """Which formats claim some table of the file, as 'orders:<channel>', 'claims:<list>', 'tracking:<courier>'
    (without the two-claims refusal, so a clash shows as two entries)."""
    formats = Formats(list(load_channels(None).values()), list(load_couriers(None).values()))
    out: set[str] = set()
    for table in tables_of(path):
        orders, claims, tracking = formats.claimants(table)
        out |= {f"orders:{c.id}" for c, _ in orders} | {f"claims:{c.name}" for c, _ in claims}
        out |= {f"tracking:{c.id}" for c, _ in tracking}
    return out


# -- golden files (tests/golden/; a workspace template's own next to it) ---------------------------------------

GOLDEN = Path(__file__).parent / "golden"


def check_golden(path: Path, text: str) -> None:
    """``text`` is what the golden file at ``path`` holds. CHULGO_REGEN_GOLDEN=1 writes it instead (on purpose only:
    read the diff before committing)."""
    if os.environ.get("CHULGO_REGEN_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"golden file {path} missing: run with CHULGO_REGEN_GOLDEN=1 once"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs from the golden file"


def dump_lines(lines: list[OrderLine]) -> str:
    """Order lines as the golden files keep them: one tab-separated row per line, every field read."""
    rows = []
    for l in lines:
        r = l.recipient
        rows.append("\t".join([l.line_key, l.order_no, l.bundle_key, l.product_code, l.option_code, l.product_name,
                               l.option_text, str(l.quantity), r.name, r.phone, r.phone2, r.zip, r.address, r.message,
                               l.status, l.status_class, l.ordered_at, str(l.source_row)]))
    return "\n".join(rows) + "\n"


def dump_workbook(path: Path, passwords: dict[str, str] | None = None) -> str:
    """Every sheet of a workbook, cell text by cell text, as the golden files keep them."""
    return "".join(f"## {t.sheet}\n" + "".join("\t".join(r) + "\n" for r in t.rows)
                   for t in read_tables(path, passwords or {}))


def invoiced(lines: list[OrderLine]) -> list[InvoiceLine]:
    """The lines with deterministic made-up CJ tracking numbers; the third line's parcel came back as two boxes."""
    return [InvoiceLine(l.channel, l.line_key, l.order_no, "cj",
                        (f"6{i:011d}",) + ((f"7{i:011d}",) if i == 2 else ()), l.layout, l.raw, split=i == 2)
            for i, l in enumerate(lines)]


def ledger_rows(ws: Path, sql: str, params: tuple = ()) -> list[tuple]:
    db = sqlite3.connect(ws / "data" / "chulgo.sqlite")
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def old_ledger(path: Path, version: int, triggers: bool = True) -> sqlite3.Connection:
    """An empty ledger as chulgo left it at schema ``version`` (1 to 5): the v3 tables less what v2 and v3 added (plus
    what v4 as released added, and v5's step), its triggers (``triggers`` False: none of the line triggers, to write lines straight
    into later states; opening it adds them), states and parcel code. The caller fills it, commits and closes it;
    Ledger(path) then upgrades it."""
    from chulgo.ledger import _SCHEMA_V3, _SCHEMA_V4_ADDED, MIGRATIONS, SCHEMA, _created, statements
    from chulgo.states import STATE_NAMES, TRANSITIONS

    later = {2: ("api_sync", "api_lines", "api_pushes"),
             3: ("stock_moves", "stock_moves_sku", "stock_moves_ref", "stock_moves_kind", "return_receipts")}
    skip = {name for v, names in later.items() if v > version for name in names}
    triggers = (("lines_state_move", "lines_state_first") + (("return_receipts_clear",) if version >= 3 else ())
                if triggers else ())
    db = sqlite3.connect(path)
    for statement in statements(_SCHEMA_V3):
        if _created(statement) not in skip:
            db.execute(statement)
    for statement in statements(SCHEMA):
        if _created(statement) in triggers:
            db.execute(statement)
    if version >= 4:
        db.execute("ALTER TABLE batches ADD COLUMN supplier TEXT NOT NULL DEFAULT ''")
        for statement in statements(_SCHEMA_V4_ADDED):
            db.execute(statement)
        db.execute("DROP INDEX stock_moves_sku")
        db.execute("DROP INDEX stock_moves_kind")
    if version >= 5:
        MIGRATIONS[5](db)
    db.executemany("INSERT INTO line_states VALUES (?, ?)", STATE_NAMES.items())
    db.executemany("INSERT INTO state_transitions VALUES (?, ?)", sorted(TRANSITIONS))
    db.execute("INSERT INTO meta VALUES ('parcel_code', 'OLD')")
    db.execute(f"PRAGMA user_version = {version}")
    db.commit()
    return db
