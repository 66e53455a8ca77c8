"""Write xlsx outputs safely: every cell text unless declared a number, nothing becomes a formula or a link,
the file appears whole or not at all, and a target held open by Excel gets a `(1)` name instead of a crash.

Two writers, one result: a workbook of plain tables (the courier waybill request, the channel invoice uploads,
미매핑 …) goes through rustpy-xlsxwriter (rust_xlsxwriter, several times faster a cell); anything with its own
layout (styles per row or cell, merges, images, charts, dropdowns, print setup …) through XlsxWriter. The choice
is `fast_path_ok`; the two paths write the same cells, types, widths, formats and sheet settings.
"""

from __future__ import annotations

import io
import os
import unicodedata
import warnings
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path
from typing import TYPE_CHECKING

import rustpy_xlsxwriter

if TYPE_CHECKING:     # imported by the first workbook with a layout of its own: a run of plain tables never loads it
    import xlsxwriter

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                    "constant_memory": True}     # rows go to disk as they are written: a peak day's files fit in memory
A4 = 9
FAST_WRITER = True                               # False: every workbook through XlsxWriter (tests compare both)
HEADER_STYLE = {"bold": True, "bg_color": "#DDEBF7", "border": 1, "num_format": "@"}
EXACT_INT = 10**16   # ints below this in size: XlsxWriter writes every digit (%.16G), rustpy the same double


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


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def fast_path_ok(sheets: list[Sheet]) -> bool:
    """True when rustpy-xlsxwriter writes every sheet of the workbook exactly as `_write_sheet` would (same cells,
    types, widths, formats, freeze, hidden state); otherwise the whole workbook goes through XlsxWriter, because:

    - no sheets: XlsxWriter adds an empty Sheet1, rustpy writes no workbook.
    - a sheet name that is empty (XlsxWriter names it SheetN), longer than Excel's 31 UTF-16 units (rustpy counts
      characters and would accept it), named like another sheet ignoring case (rustpy fails with an OSError), or
      named "general" (rustpy's per-sheet options fall back to a sheet of that name). XlsxWriter then names the
      sheet or raises as it always did.
    - fewer than two rows: rustpy takes the header from the first record, so a header without data is not written.
    - a first row that is not distinct texts: it is rustpy's header, records are keyed by it (an int would become
      text, a repeated text would lose a column).
    - an empty text in a styled header: XlsxWriter writes a formatted "" as an empty text cell (COUNTA counts it),
      rustpy as a blank cell. Unformatted "" cells (every other cell of a table) are blank on both paths.
    - a row longer than the first: its extra cells have no key.
    - a cell that is not exactly str or int, Sheet's cell types: a float is written by its 16 significant digits
      (XlsxWriter) or its shortest exact repr (rustpy), dates differ too; bool, None and str subclasses are not
      worth a case of their own. Also an int of 10**16 or more in size (XlsxWriter writes 16 significant digits,
      rustpy the nearest double).
    - styled with more than one header row, or with emphasis rows, or any row_styles / cell_styles: rustpy styles one
      header row, and its row_formats style the whole row (to the sheet's last column) where we style the row's
      cells only.
    - merges: rustpy merges only above its header row.
    - row_heights: rustpy 0.8 rounds a height to whole pixels (20 -> 20.25) and writes a height on the last data row
      twice (two <row> elements).
    - printable: rustpy's page setup also writes horizontalDpi/verticalDpi="200" (Excel's print quality), which
      XlsxWriter leaves to the printer.
    - images, chart, validations, page_breaks: not mapped (no table output uses them).
    - a fixed width for a column right of the first row: rustpy's column widths and formats follow its header.
    - a hidden first sheet: the active sheet; XlsxWriter's handling of it is kept.
    Sheets whose `styles` are only named (no row or cell uses them) are fine: the styles then only scale widths, which
    `_column_widths` computes for both paths.
    """
    if not FAST_WRITER or not sheets or sheets[0].hidden:
        return False
    names = [s.name for s in sheets]
    if any(not n or _utf16_len(n) > 31 or n == "general" for n in names) or \
            len({n.lower() for n in names}) != len(names):
        return False
    for sheet in sheets:
        if len(sheet.rows) < 2 or (sheet.styled and (sheet.header_rows > 1 or sheet.emphasis)) or sheet.row_styles \
                or sheet.cell_styles or sheet.merges or sheet.row_heights or sheet.printable or sheet.images \
                or sheet.chart is not None or sheet.validations or sheet.page_breaks:
            return False
        header = sheet.rows[0]
        if any(type(h) is not str for h in header) or len(set(header)) != len(header) \
                or (sheet.styled and sheet.header_rows == 1 and "" in header) \
                or max(map(len, sheet.rows)) > len(header) or any(col >= len(header) for col in sheet.widths):
            return False
        kinds = set(map(type, chain.from_iterable(sheet.rows)))
        if not kinds <= {str, int}:
            return False
        if int in kinds and max(map(abs, filter(int.__instancecheck__, chain.from_iterable(sheet.rows)))) >= EXACT_INT:
            return False
    return True


def _records(sheet: Sheet):
    """The data rows as records keyed by the first row, short rows padded with blanks (rustpy's columns are the
    first record's keys)."""
    header, data = sheet.rows[0], sheet.rows[1:]
    n = len(header)
    if min(map(len, data), default=n) == n:
        return map(dict, map(zip, repeat(header), data))
    return (dict(zip(header, row if len(row) == n else [*row, *[""] * (n - len(row))])) for row in data)


def _write_rustpy(tmp: Path, sheets: list[Sheet]) -> None:
    """The workbook through rustpy-xlsxwriter (only for sheets `fast_path_ok` accepts): columns at chulgo's widths
    and text format "@", the styled header bold and shaded and frozen, hidden sheets hidden. Any warning (rustpy
    skipping part of what it was given) is raised as an error."""
    text = rustpy_xlsxwriter.Format().set_num_format("@")
    header = (rustpy_xlsxwriter.Format().set_bold().set_background_color(HEADER_STYLE["bg_color"])
              .set_border("thin").set_num_format("@"))
    widths, formats, header_formats, freeze, views = {}, {}, {}, {}, {}
    for sheet in sheets:
        widths[sheet.name] = _column_widths(sheet)
        formats[sheet.name] = [text] * len(widths[sheet.name])
        if sheet.styled and sheet.header_rows == 1:
            header_formats[sheet.name] = header
            freeze[sheet.name] = {"row": 1, "col": 0}
        if sheet.hidden:
            views[sheet.name] = {"hidden": True}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rustpy_xlsxwriter.write_worksheets([(s.name, _records(s)) for s in sheets], str(tmp), autofit=False,
                                           column_widths=widths, column_formats=formats, header_format=header_formats,
                                           freeze_panes=freeze, sheet_view=views)


def _write_xlsxwriter(tmp: Path, sheets: list[Sheet]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
    formats = {
        "text": book.add_format({"num_format": "@"}),
        "header": book.add_format(HEADER_STYLE),
        "emphasis": book.add_format({"bold": True, "bg_color": "#F2F2F2", "top": 1, "num_format": "@"}),
    }
    for sheet in sheets:
        _write_sheet(book, sheet, formats)
    book.close()


def write_workbook(path: Path, sheets: list[Sheet]) -> Path:
    """Write ``sheets`` to ``path`` atomically and return the path actually written. Plain tables go through
    rustpy-xlsxwriter (`fast_path_ok`); should it refuse the data (e.g. a text over Excel's 32,767 characters,
    which XlsxWriter cuts), the workbook is written with XlsxWriter instead."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
    try:
        if fast_path_ok(sheets):
            try:
                _write_rustpy(tmp, sheets)
            except (RuntimeError, ValueError, TypeError, OverflowError, Warning):
                tmp.unlink(missing_ok=True)
                _write_xlsxwriter(tmp, sheets)
        else:
            _write_xlsxwriter(tmp, sheets)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return replace_atomically(tmp, path)
