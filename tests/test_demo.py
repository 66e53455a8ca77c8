"""`run.py demo` as a new user runs it: a sample workspace, a whole day, outputs for every channel."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ledger_rows

ROOT = Path(__file__).resolve().parent.parent


def test_demo_runs_a_whole_day_over_nine_channels_and_two_couriers(tmp_path):
    target = tmp_path / "demo"
    proc = subprocess.run([sys.executable, str(ROOT / "run.py"), "demo", "--dir", str(target)], capture_output=True,
                          text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    out_dir = next((target / "outbox").iterdir())
    names = {p.stem.split("_")[0] for p in out_dir.glob("*.xlsx")}
    assert {"CJ대한통운", "롯데택배", "피킹리스트", "현황"} <= names
    invoiced = {ch for (ch,) in ledger_rows(target, "SELECT DISTINCT channel FROM lines WHERE state = 'invoiced'")}
    assert invoiced == {"smartstore", "coupang", "cafe24", "11st", "esm", "toss", "ohouse", "lotteon", "kakao-gift"}
    assert ledger_rows(target, "SELECT channel FROM lines WHERE state = 'new' AND address = ''") == [("kakao-gift",)]
    assert "배송지 대기(선물하기) 1줄" in proc.stdout
    assert not list((target / "inbox").iterdir()), "every input was read and archived"

    # Running it again replaces the earlier demo; a folder that is not a demo is refused.
    again = subprocess.run([sys.executable, str(ROOT / "run.py"), "demo", "--dir", str(target)], capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 0
    other = tmp_path / "mine"
    other.mkdir()
    (other / "important.xlsx").write_bytes(b"x")
    refused = subprocess.run([sys.executable, str(ROOT / "run.py"), "demo", "--dir", str(other)], capture_output=True,
                             text=True, timeout=300)
    assert refused.returncode == 1 and (other / "important.xlsx").exists()
