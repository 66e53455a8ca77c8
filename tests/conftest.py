"""Shared fixtures: a workspace with a generated day of made-up orders, and a way to run commands in it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl
import pytest

import run
from chulgo import samples
from chulgo.files import read_tables
from chulgo.settings import DEFAULT_SETTINGS


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


def ledger_rows(ws: Path, sql: str, params: tuple = ()) -> list[tuple]:
    db = sqlite3.connect(ws / "data" / "chulgo.sqlite")
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def old_ledger(path: Path, version: int, triggers: bool = True) -> sqlite3.Connection:
    """An empty ledger as chulgo left it at schema ``version`` (1 to 4): the v3 tables less what v2 and v3 added (plus
    what v4 as released added), its triggers (``triggers`` False: none of the line triggers, to write lines straight
    into later states; opening it adds them), states and parcel code. The caller fills it, commits and closes it;
    Ledger(path) then upgrades it."""
    from chulgo.ledger import _SCHEMA_V3, _SCHEMA_V4_ADDED, SCHEMA, _created, statements
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
    db.executemany("INSERT INTO line_states VALUES (?, ?)", STATE_NAMES.items())
    db.executemany("INSERT INTO state_transitions VALUES (?, ?)", sorted(TRANSITIONS))
    db.execute("INSERT INTO meta VALUES ('parcel_code', 'OLD')")
    db.execute(f"PRAGMA user_version = {version}")
    db.commit()
    return db
