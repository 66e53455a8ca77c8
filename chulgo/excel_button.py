"""The optional Excel button (xlwings): a plain .xlsx control workbook — no macros, Office blocks those in
downloaded files — and a Python file of the same name whose `main()` xlwings' add-in button "Run main" calls.

The seller picks 오늘 일 하기 or 현황 보기 in the workbook and presses Run main; the result is written back into the
sheet. The product never needs Excel: this is a convenience for sellers who live in it (`uv sync --extra excel`,
then `uv run xlwings addin install` once).
"""

from __future__ import annotations

from pathlib import Path

from chulgo.sheets import Sheet, write_workbook

STEM = "출고"
ACTIONS = {"오늘 일 하기": "daily", "현황 보기": "status"}
ACTION_CELL = "B3"
RESULT_ROW = 6          # the report starts here (1-based)

MODULE = '''"""Called by the xlwings add-in's "Run main" button in {stem}.xlsx (same name, same folder)."""

import sys
from pathlib import Path

REPO = Path({repo!r})
sys.path.insert(0, str(REPO))

from chulgo.excel_button import run_action  # noqa: E402


def main():
    import xlwings as xw

    book = xw.Book.caller()
    sheet = book.sheets[0]
    action = sheet.range("{cell}").value or "오늘 일 하기"
    code, text = run_action(Path(book.fullname).parent, str(action))
    sheet.range("A{row}:A2000").clear_contents()
    sheet.range("A{row}").options(transpose=True).value = text.splitlines() or ["(출력 없음)"]
    sheet.range("B4").value = "끝남 (확인할 것 있음)" if code else "끝남"
'''


def write_control_workbook(workspace: Path, repo: Path) -> tuple[Path, Path]:
    """`출고.xlsx` and `출고.py` in the workspace; returns both paths."""
    rows: list[list[str | int]] = [
        ["chulgo(출고) 실행 버튼", ""],
        ["xlwings 탭의 'Run main'을 누르면 아래에서 고른 일을 합니다. 결과는 6행부터 나옵니다.", ""],
        ["할 일", "오늘 일 하기"],
        ["상태", ""],
        ["", ""],
    ]
    sheet = Sheet("실행", rows, header_rows=0, styles={"title": {"bold": True, "font_size": 14},
                                                      "pick": {"bg_color": "#FFF2CC", "bold": True}},
                  row_styles={0: "title"}, cell_styles={(2, 1): "pick"}, widths={0: 14, 1: 40},
                  validations={ACTION_CELL: list(ACTIONS)})
    book = write_workbook(workspace / f"{STEM}.xlsx", [sheet])
    module = workspace / f"{STEM}.py"
    module.write_text(MODULE.format(stem=STEM, repo=str(repo), cell=ACTION_CELL, row=RESULT_ROW), encoding="utf-8")
    return book, module


def run_action(workspace: Path, action: str) -> tuple[int, str]:
    """Run the picked command in ``workspace`` the way run.py would; returns (exit code, what it printed)."""
    import contextlib
    import io

    import run

    command = ACTIONS.get(action.strip(), "")
    if not command:
        return 2, f"'{action}'은(는) 고를 수 있는 일이 아닙니다: {', '.join(ACTIONS)}"
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = run.main(["--workspace", str(workspace), command])
    return code, out.getvalue()
