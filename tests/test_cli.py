"""The command line as a seller meets it: Korean help, a hint for a typo, honest counts and hand-over sentences."""

from __future__ import annotations

import re

import pytest

import run
from chulgo import samples
from tests.conftest import outputs


def test_a_typo_gets_a_korean_hint_and_exit_2(capsys):
    with pytest.raises(SystemExit) as stop:
        run.main(["dialy"])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert "혹시 daily?" in err and "사용법" in err and "invalid choice" not in err and "usage:" not in err


def test_daily_help_explains_the_day_in_korean(capsys):
    with pytest.raises(SystemExit):
        run.main(["daily", "--help"])
    out = capsys.readouterr().out
    for step in ("collect", "ship", "tracking", "invoice", "status", "purge"):
        assert step in out
    assert "사용법:" in out and "옵션:" in out and "show this help" not in out and "options:" not in out


def test_merged_parcels_are_counted_per_order(cli, ws):
    cli(ws, "collect")
    code, out = cli(ws, "ship")
    m = re.search(r"주문 (\d+)건\((\d+)줄\) → 송장 (\d+)건(?: \(합포장으로 (\d+)건 줄임\))?", out)
    assert m, out
    orders, lines, parcels, merged = (int(g or 0) for g in m.groups())
    assert lines >= orders >= parcels and merged == orders - parcels


def test_unverified_upload_layouts_are_announced_as_such(cli, ws):
    cli(ws, "collect")
    cli(ws, "ship")
    samples.write_courier_result(outputs(ws, "CJ대한통운_송장요청")[0], ws / "inbox" / "cj.xlsx")
    cli(ws, "tracking")
    code, out = cli(ws, "invoice")
    cafe = next(l for l in out.splitlines() if l.startswith("✔ 카페24"))
    smart = next(l for l in out.splitlines() if l.startswith("✔ 스마트스토어"))
    assert "확인 필요" in cafe and "그대로 올리세요" not in cafe
    assert "그대로 올리세요" in smart


def test_started_outside_the_environment_it_says_to_use_uv_run():
    import subprocess
    import sys
    from pathlib import Path
    proc = subprocess.run([sys.executable, "-S", str(Path(run.__file__)), "daily"], capture_output=True, text=True,
                          env={"PYTHONIOENCODING": "utf-8", "PATH": ""}, timeout=60)
    assert proc.returncode == 1
    assert "uv run run.py daily" in proc.stderr and "ModuleNotFoundError" not in proc.stderr
