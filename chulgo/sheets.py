"""Write xlsx outputs safely: every cell text unless declared a number, nothing becomes a formula or a link,
the file appears whole or not at all, and a target held open by Excel gets a `(1)` name instead of a crash.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
A4 = 9


@dataclass
class Sheet:
    """One worksheet to write. ``rows`` starts with ``header_rows`` header rows. Cells are ``str`` or ``int``."""

    name: str
    rows: list[list[str | int]]
    header_rows: int = 1
    styled: bool = True              # False: reproduce a channel's layout plainly (no bold, no freeze)
    printable: bool = False          # A4, fit to page width, header rows repeated on every page
    landscape: bool = False
    emphasis: set[int] = field(default_factory=set)   # row indices drawn bold and shaded (parcel headers)
    max_width: int = 45


def is_open_in_excel(path: Path) -> bool:
    """Excel keeps an owner file `~$name` beside a workbook it has open (long names lose two characters)."""
    return any((path.parent / owner).exists() for owner in (f"~${path.name}", f"~${path.name[2:]}"))


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_widths(sheet: Sheet) -> list[float]:
    widths: list[int] = []
    for row in sheet.rows[:300]:
        for i, cell in enumerate(row):
            w = _display_width(str(cell)) if cell != "" else 0
            if i >= len(widths):
                widths.append(w)
            elif w > widths[i]:
                widths[i] = w
    return [min(max(w + 2, 6), sheet.max_width) for w in widths]


def _write_sheet(book: xlsxwriter.Workbook, sheet: Sheet, formats: dict) -> None:
    ws = book.add_worksheet(sheet.name)
    for col, width in enumerate(_column_widths(sheet)):
        ws.set_column(col, col, width, formats["text"])
    for r, row in enumerate(sheet.rows):
        if sheet.styled and (r < sheet.header_rows or r in sheet.emphasis):
            fmt = formats["header"] if r < sheet.header_rows else formats["emphasis"]
            for c, cell in enumerate(row):
                if isinstance(cell, str):
                    ws.write_string(r, c, cell, fmt)
                else:
                    ws.write_number(r, c, cell, fmt)
        else:
            ws.write_row(r, 0, row)
    if sheet.styled and sheet.header_rows:
        ws.freeze_panes(sheet.header_rows, 0)
    if sheet.printable:
        ws.set_paper(A4)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0, max(sheet.header_rows - 1, 0))
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_footer("&C&P / &N")
        if sheet.landscape:
            ws.set_landscape()


def free_name(path: Path) -> Path:
    """``path`` itself, or ``name (1).xlsx`` … when Excel holds the original open."""
    if not is_open_in_excel(path):
        return path
    n = 1
    while True:
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        if not candidate.exists() or not is_open_in_excel(candidate):
            return candidate
        n += 1


def replace_atomically(tmp: Path, target: Path, keep_source: bool = False) -> Path:
    """Move a finished temp file onto ``target``; if Excel locks the target, onto ``target (n)``.
    ``keep_source``: on failure leave ``tmp`` where it is (a committed output must never be lost)."""
    target = free_name(target)
    for n in range(0, 20):
        candidate = target if n == 0 else target.with_name(f"{target.stem} ({n}){target.suffix}")
        try:
            os.replace(tmp, candidate)
            return candidate
        except PermissionError:
            continue
    if not keep_source:
        tmp.unlink(missing_ok=True)
    raise PermissionError(f"{target} 에 쓸 수 없습니다. 엑셀에서 열린 파일을 닫고 다시 실행하세요.")


def write_workbook(path: Path, sheets: list[Sheet]) -> Path:
    """Write ``sheets`` to ``path`` atomically and return the path actually written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
    book = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
    formats = {
        "text": book.add_format({"num_format": "@"}),
        "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "num_format": "@"}),
        "emphasis": book.add_format({"bold": True, "bg_color": "#F2F2F2", "top": 1, "num_format": "@"}),
    }
    try:
        for sheet in sheets:
            _write_sheet(book, sheet, formats)
        book.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return replace_atomically(tmp, path)
