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


def ledger_rows(ws: Path, sql: str, params: tuple = ()) -> list[tuple]:
    db = sqlite3.connect(ws / "data" / "chulgo.sqlite")
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()
