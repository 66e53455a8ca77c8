"""How fast could the outputs be written? XlsxWriter against faster writers, same cells, and chulgo's own
`sheets.write_workbook` both ways (rustpy-xlsxwriter for a plain table, XlsxWriter when FAST_WRITER is off).

pyexcelerate is not a dependency of the project: run it in a throwaway environment,

    uv run --no-project --with xlsxwriter --with rustpy-xlsxwriter --with pyexcelerate python benchmarks/writers.py

(or `uv run python benchmarks/writers.py` in the project, pyexcelerate then reported as not installed).
It writes a peak day's biggest output, a 100,000-row × 40-column text sheet (the 쿠팡 upload shape), every
cell a string, with each writer, and checks that a cell starting with '=' stayed text.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROWS, COLS = 100_000, 40
HEADER = [f"열{c}" for c in range(COLS)]
DATA = [[f"{r:08d}-{c}" if c else "=경비실" for c in range(COLS)] for r in range(ROWS)]


def xlsxwriter_write() -> bytes:
    import xlsxwriter
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})
    sheet = book.add_worksheet("Delivery")
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(DATA, start=1):
        sheet.write_row(r, 0, row)
    book.close()
    return buf.getvalue()


def xlsxwriter_constant_memory_write() -> bytes:
    """XlsxWriter streaming each row to a temp file as it is written (less memory; rows must come in order)."""
    import os
    import tempfile

    import xlsxwriter
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.xlsx")
        book = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False,
                                          "constant_memory": True, "tmpdir": tmp})
        sheet = book.add_worksheet("Delivery")
        sheet.write_row(0, 0, HEADER)
        for r, row in enumerate(DATA, start=1):
            sheet.write_row(r, 0, row)
        book.close()
        with open(path, "rb") as f:
            return f.read()


def rustpy_write() -> bytes:
    import rustpy_xlsxwriter
    buf = io.BytesIO()
    rustpy_xlsxwriter.write_worksheet([dict(zip(HEADER, row)) for row in DATA], buf, sheet_name="Delivery")
    return buf.getvalue()


def chulgo_write(fast: bool) -> bytes:
    """chulgo/sheets.py's write_workbook of the sheet as an upload (styled header, column widths, text columns,
    temp file then rename), through rustpy-xlsxwriter or, with FAST_WRITER off, XlsxWriter."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from chulgo import sheets
    sheets.FAST_WRITER = fast
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = sheets.write_workbook(Path(tmp) / "out.xlsx", [sheets.Sheet("Delivery", [HEADER] + DATA)])
            return path.read_bytes()
    finally:
        sheets.FAST_WRITER = True


def pyexcelerate_write() -> bytes:
    from pyexcelerate import Workbook
    book = Workbook()
    book.new_sheet("Delivery", data=[HEADER] + DATA)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def first_data_cell_is_text(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = next(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
        xml = z.read(sheet).decode()
    return "<f>" not in xml[:20000]


def main() -> None:
    print(f"{ROWS:,} rows × {COLS} text cells")
    base = None
    for name, write in (("xlsxwriter", xlsxwriter_write), ("xlsxwriter constant_memory", xlsxwriter_constant_memory_write),
                        ("rustpy-xlsxwriter", rustpy_write),
                        ("chulgo write_workbook, XlsxWriter", lambda: chulgo_write(False)),
                        ("chulgo write_workbook, rustpy", lambda: chulgo_write(True)),
                        ("pyexcelerate", pyexcelerate_write)):
        try:
            started = time.perf_counter()
            data = write()
            took = time.perf_counter() - started
        except ImportError as e:
            print(f"  {name:<34} not installed ({e})")
            continue
        base = base or took
        print(f"  {name:<34} {took:6.2f} s  {len(data) / 1e6:5.1f} MB  {base / took:4.1f}× xlsxwriter  "
              f"'=' stays text: {first_data_cell_is_text(data)}")


if __name__ == "__main__":
    main()
