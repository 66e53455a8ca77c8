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
    assert {"CJ대한통운", "롯데택배", "피킹리스트", "현황", "발주서"} <= names
    # One supplier's 발주서 went out and its answer's numbers came back; one G마켓 return was listed and received.
    supplier_lines = ledger_rows(target, "SELECT l.state FROM lines l JOIN shipments s ON s.shipment_id = l.shipment_id "
                                         "JOIN batches b ON b.batch_id = s.batch_id WHERE b.supplier != ''")
    assert supplier_lines and {state for (state,) in supplier_lines} == {"invoiced"}
    assert ledger_rows(target, "SELECT l.channel, r.outcome FROM return_receipts r JOIN lines l ON l.channel = r.channel "
                               "AND l.line_key = r.line_key") == [("esm", "good")]
    assert "반품 입고 — 재고에 더했습니다" in proc.stdout
    invoiced = {ch for (ch,) in ledger_rows(target, "SELECT DISTINCT channel FROM lines WHERE state = 'invoiced'")}
    assert invoiced == {"smartstore", "coupang", "cafe24", "11st", "esm", "toss", "ohouse", "lotteon", "kakao-gift"}
    assert ledger_rows(target, "SELECT COUNT(*) FROM lines WHERE state = 'returned'") == [(1,)]
    assert ledger_rows(target, "SELECT l.channel FROM lines l JOIN recipients r ON r.recipient_id = "
                              "l.recipient_id WHERE l.state = 'new' AND r.address = ''") == [("kakao-gift",)]
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


def test_demo_api_collects_and_pushes_through_the_three_fake_channel_apis(tmp_path):
    """`uv run run.py demo --api`: the fakes served on 127.0.0.1, orders in and tracking numbers out by API."""
    target = tmp_path / "demo-api"
    proc = subprocess.run([sys.executable, str(ROOT / "run.py"), "demo", "--api", "--dir", str(target)],
                          capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    for name in ("스마트스토어", "쿠팡", "카페24 harudemo"):
        assert f"✔ {name} API: " in proc.stdout and f"{name} API: 송장 " in proc.stdout
    pushed = dict(ledger_rows(target, "SELECT channel, COUNT(*) FROM api_pushes WHERE state = 'sent' GROUP BY channel"))
    assert set(pushed) == {"smartstore", "coupang", "cafe24"} and min(pushed.values()) > 0
    assert ledger_rows(target, "SELECT COUNT(*) FROM files WHERE kind = 'orders'") == [(0,)]   # no order file
    assert not list(target.rglob("*송장업로드*")) and not list(target.rglob("스마트스토어_발송처리*"))
    assert "demo-coupang-secret" not in (target / "settings.toml").read_text(encoding="utf-8")
