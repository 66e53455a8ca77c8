"""Write xlsx outputs safely: every cell text unless declared a number, nothing becomes a formula or a link,
the file appears whole or not at all, and a target held open by Excel gets a `(1)` name instead of a crash.
"""

from __future__ import annotations

import io
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                    "constant_memory": True}     # rows go to disk as they are written: a peak day's files fit in memory
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
    hidden: bool = False             # an empty list is hidden rather than shown as a bare header
    chart: LineChart | None = None
    # Optional layout (all empty by default: a sheet without them is written exactly as before).
    styles: dict[str, dict] = field(default_factory=dict)       # extra named formats (xlsxwriter properties;
    #                                                             text cells keep num_format "@" unless given)
    row_styles: dict[int, str] = field(default_factory=dict)    # row index -> style name for every cell of the row
    cell_styles: dict[tuple[int, int], str] = field(default_factory=dict)   # (row, col) -> style name (wins)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)   # (row, col, last_row, last_col); the
    #                                                             value is rows[row][col]; merged cells never set
    #                                                             a column's width
    widths: dict[int, float] = field(default_factory=dict)      # fixed widths for these columns (others: the data)
    row_heights: dict[int, float] = field(default_factory=dict)  # points
    images: list[tuple[int, int, bytes, dict]] = field(default_factory=list)  # (row, col, png bytes, options)
    page_breaks: list[int] = field(default_factory=list)        # rows that start a new printed page
    fit_height: int = 0              # printable: pages tall (0 = as many as needed)
    validations: dict[str, list[str]] = field(default_factory=dict)   # cell ("B3") -> dropdown choices


@dataclass(frozen=True)
class LineChart:
    """A small line chart of some columns of the sheet's own rows (first_row..last_row, 0-based, inclusive)."""

    title: str
    category_col: int
    value_cols: tuple[int, ...]
    first_row: int
    last_row: int
    anchor: str                      # top-left cell, e.g. "F2"


STATUS_STYLES = {                    # the dashboard's row styles (Sheet.styles)
    "title": {"bold": True, "font_size": 16},
    "section": {"bold": True, "font_size": 12, "bottom": 1},
    "urgent": {"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"},
    "todo": {"bg_color": "#FFF2CC"},
    "done": {"font_color": "#808080"},
}


def is_open_in_excel(path: Path) -> bool:
    """Excel keeps an owner file `~$name` beside a workbook it has open (long names lose two characters)."""
    return any((path.parent / owner).exists() for owner in (f"~${path.name}", f"~${path.name[2:]}"))


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet cell: Hangul and other wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _merged_cells(sheet: Sheet) -> set[tuple[int, int]]:
    return {(r, c) for r0, c0, r1, c1 in sheet.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}


def _font_scale(sheet: Sheet, r: int, c: int) -> float:
    """How much wider than 11-point text a styled cell is (bold, large quantities)."""
    name = sheet.cell_styles.get((r, c)) or sheet.row_styles.get(r)
    props = sheet.styles.get(name, {}) if name else {}
    return max(props.get("font_size", 11), 11) / 11 * (1.1 if props.get("bold") else 1)


def _column_widths(sheet: Sheet) -> list[float]:
    widths: list[int] = []
    merged = _merged_cells(sheet) if sheet.merges else set()
    scaled = bool(sheet.styles)
    for r, row in enumerate(sheet.rows[:300]):
        for i, cell in enumerate(row):
            if (r, i) in merged:
                cell = ""
            w = display_width(str(cell)) if cell != "" else 0
            if scaled and w:
                w = round(w * _font_scale(sheet, r, i))
            if i >= len(widths):
                widths.append(w)
            elif w > widths[i]:
                widths[i] = w
    out = [min(max(w + 2, 6), sheet.max_width) for w in widths]
    for col, width in sheet.widths.items():
        out.extend([6] * (col + 1 - len(out)))
        out[col] = width
    return out


def _style_of(sheet: Sheet, r: int, c: int, formats: dict):
    name = sheet.cell_styles.get((r, c)) or sheet.row_styles.get(r)
    if name:
        return formats[name]
    if sheet.styled and r < sheet.header_rows:
        return formats["header"]
    if sheet.styled and r in sheet.emphasis:
        return formats["emphasis"]
    return formats["text"]


def _write_cell(ws, r: int, c: int, cell: str | int, fmt) -> None:
    if isinstance(cell, str):
        ws.write_string(r, c, cell, fmt)
    else:
        ws.write_number(r, c, cell, fmt)


def _write_row_laid_out(ws, sheet: Sheet, r: int, merges: list[tuple[int, int, int, int]], merged: set,
                        formats: dict) -> None:
    """A row with its own styles or merged cells: each cell in its style, then its (one-row) merges."""
    row = sheet.rows[r] if r < len(sheet.rows) else []
    for c, cell in enumerate(row):
        if (r, c) not in merged:
            _write_cell(ws, r, c, cell, _style_of(sheet, r, c, formats))
    for r0, c0, r1, c1 in merges:
        value = row[c0] if c0 < len(row) else ""
        fmt = _style_of(sheet, r0, c0, formats)
        if (r0, c0) == (r1, c1):
            _write_cell(ws, r0, c0, value, fmt)
        elif isinstance(value, str):
            ws.merge_range(r0, c0, r1, c1, value, fmt)
        else:
            ws.merge_range(r0, c0, r1, c1, "", fmt)
            ws.write_number(r0, c0, value, fmt)


def _sheet_formats(book: xlsxwriter.Workbook, sheet: Sheet) -> dict:
    """The sheet's own named styles as workbook formats (text cells stay text: num_format "@")."""
    return {name: book.add_format({"num_format": "@", **props}) for name, props in sheet.styles.items()}


def _write_sheet(book: xlsxwriter.Workbook, sheet: Sheet, formats: dict) -> None:
    """Every row strictly top to bottom (the workbook streams each finished row to disk: constant memory), a row's
    height before its cells; images and page breaks are kept apart from the rows."""
    ws = book.add_worksheet(sheet.name)
    for col, width in enumerate(_column_widths(sheet)):
        ws.set_column(col, col, width, formats["text"])
    if sheet.styles:
        formats = {**formats, **_sheet_formats(book, sheet)}
    merges_at: dict[int, list[tuple[int, int, int, int]]] = {}
    for m in sheet.merges:
        if m[0] != m[2]:
            raise ValueError(f"{sheet.name}: a merge over several rows cannot be streamed: {m}")
        merges_at.setdefault(m[0], []).append(m)
    merged = _merged_cells(sheet)
    laid_out = set(sheet.row_styles) | {r for r, _ in sheet.cell_styles} | set(merges_at)
    last = max([len(sheet.rows) - 1, *sheet.row_heights, *merges_at], default=-1)
    for r in range(last + 1):
        if r in sheet.row_heights:
            ws.set_row(r, sheet.row_heights[r])
        if r >= len(sheet.rows) and r not in merges_at:
            continue
        if r in laid_out:
            _write_row_laid_out(ws, sheet, r, merges_at.get(r, []), merged, formats)
        elif sheet.styled and (r < sheet.header_rows or r in sheet.emphasis):
            fmt = formats["header"] if r < sheet.header_rows else formats["emphasis"]
            for c, cell in enumerate(sheet.rows[r]):
                _write_cell(ws, r, c, cell, fmt)
        else:
            ws.write_row(r, 0, sheet.rows[r])
    for r, c, data, options in sheet.images:
        ws.insert_image(r, c, "image.png", {"image_data": io.BytesIO(data), "object_position": 1, **options})
    if sheet.page_breaks:
        ws.set_h_pagebreaks(sorted(sheet.page_breaks))
    if sheet.styled and sheet.header_rows:
        ws.freeze_panes(sheet.header_rows, 0)
    for cell, choices in sheet.validations.items():
        ws.data_validation(cell, {"validate": "list", "source": choices})
    if sheet.hidden:
        ws.hide()
    if sheet.chart is not None:
        _add_chart(book, ws, sheet)
    if sheet.printable:
        ws.set_paper(A4)
        ws.fit_to_pages(1, sheet.fit_height)
        ws.repeat_rows(0, max(sheet.header_rows - 1, 0))
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_footer("&C&P / &N")
        if sheet.landscape:
            ws.set_landscape()


def _add_chart(book: xlsxwriter.Workbook, ws, sheet: Sheet) -> None:
    spec = sheet.chart
    chart = book.add_chart({"type": "line"})
    header_row = spec.first_row - 1
    for col in spec.value_cols:
        chart.add_series({"name": [sheet.name, header_row, col],
                          "categories": [sheet.name, spec.first_row, spec.category_col, spec.last_row, spec.category_col],
                          "values": [sheet.name, spec.first_row, col, spec.last_row, col], "marker": {"type": "circle"}})
    chart.set_title({"name": spec.title, "name_font": {"size": 11}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 520, "height": 240})
    ws.insert_chart(spec.anchor, chart)


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
