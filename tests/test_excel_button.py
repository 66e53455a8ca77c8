"""The optional Excel button: what can run without Excel — the control workbook and its entry point."""

from __future__ import annotations

import importlib.util

import openpyxl

from chulgo.excel_button import ACTION_CELL, ACTIONS, run_action


def test_the_control_workbook_offers_the_two_actions_and_has_no_macros(cli, ws):
    code, out = cli(ws, "excel")
    assert code == 0 and "Run main" in out
    book = openpyxl.load_workbook(ws / "출고.xlsx")
    sheet = book["실행"]
    assert sheet[ACTION_CELL].value == "오늘 일 하기"
    rules = sheet.data_validations.dataValidation
    assert len(rules) == 1 and ACTION_CELL in str(rules[0].sqref)
    assert all(action in rules[0].formula1 for action in ACTIONS)
    assert not book.vba_archive, "a plain .xlsx: Office blocks macros in downloaded files"
    module = (ws / "출고.py").read_text(encoding="utf-8")
    spec = importlib.util.spec_from_file_location("chulgo_button", ws / "출고.py")
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)                      # imports without xlwings: it is only needed inside main()
    assert callable(loaded.main) and "xw.Book.caller()" in module


def test_the_entry_point_runs_the_picked_command(ws):
    code, text = run_action(ws, "오늘 일 하기")
    assert code in (0, 1) and "출고" in text and (ws / "data" / "chulgo.sqlite").exists()
    code, text = run_action(ws, "현황 보기")
    assert code in (0, 1) and "현황.xlsx" in text
    code, text = run_action(ws, "지우기")
    assert code == 2 and "고를 수 있는 일이 아닙니다" in text
