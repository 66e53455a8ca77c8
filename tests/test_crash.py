"""Crash test: `run.py daily` killed (SIGKILL) at random moments of collect / ship / tracking / invoice on a
several-thousand-line day, rerun with new orders arriving in between and on the next date. Whatever the kills hit:

- no line is on two live parcels, no upload row is in two upload files,
- no tracking number sits on a parcel of another recipient,
- no input is lost (every file dropped into inbox/ is still in inbox/ or in archive/, every exported line is in the
  ledger), and
- every file in outbox/ is one the ledger committed (no complete-looking orphan: each waybill row is a live or
  voided parcel of ours with the same recipient, each upload row a line the ledger invoiced with that number).

CHULGO_CRASH_KILLS scales the number of kills per phase (default 8; the closing note's figures used more).
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from chulgo import samples
from tests.conftest import as_dicts, ledger_rows, make_workspace, one_number_each, sheet_rows

ROOT = Path(__file__).resolve().parent.parent
KILLS = int(os.environ.get("CHULGO_CRASH_KILLS", "8"))
DAY1 = date(2026, 11, 24)
STARTUP = 0.35              # seconds before a run touches anything (interpreter and imports, on this machine)
STEPS = ("start or collect", "ship", "tracking", "invoice", "status or purge")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def _run(ws: Path, today: date, kill_after: float | None) -> tuple[bool, str]:
    """One `daily`; killed after ``kill_after`` seconds if still running. Returns (killed, output)."""
    env = dict(os.environ, CHULGO_TODAY=today.isoformat(), PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "--workspace", str(ws), "daily"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if kill_after is not None:
        try:
            out, _ = proc.communicate(timeout=kill_after)
            return False, out.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            return True, ""
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode in (0, 1), out.decode("utf-8", "replace")
    return False, out.decode("utf-8", "replace")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Day:
    """The inputs dropped so far, and the tally of what the kills hit."""

    def __init__(self, ws: Path, rng: random.Random) -> None:
        self.ws, self.rng = ws, rng
        self.inputs: dict[str, str] = {}           # sha256 -> name, of every file ever put into inbox/
        self.exported: set[tuple[str, str]] = set()
        self.results: dict[str, str] = {}          # our parcel id -> tracking number, from every courier file
        self.kills = self.survived = self.recovered = self.discarded = 0
        self.hit = dict.fromkeys(STEPS, 0)

    def drop_orders(self, day: samples.SampleDay, tag: str) -> None:
        paths = samples.write_day(day, self.ws / "inbox" / tag, None)
        for p in paths:
            target = self.ws / "inbox" / f"{tag}_{p.name}"
            p.rename(target)
            self.inputs[_digest(target)] = target.name
        (self.ws / "inbox" / tag).rmdir()
        self.exported |= {("smartstore", r["상품주문번호"]) for r in day.smartstore}
        self.exported |= {("coupang", f"{r['묶음배송번호']}-{r['옵션ID']}") for r in day.coupang}
        self.exported |= {("cafe24", r["품목별 주문번호"]) for r in day.cafe24}

    def drop_results(self) -> None:
        """The courier's result for every waybill file not answered yet (as the seller would after printing)."""
        for n, waybill in enumerate(sorted((self.ws / "outbox").rglob("CJ대한통운_송장요청_*.xlsx"))):
            key = f"{waybill.parent.name}_{waybill.name}"
            if key in getattr(self, "_answered", set()):
                continue
            target = self.ws / "inbox" / f"result_{key}"
            numbers = samples.write_courier_result(waybill, target, seed=len(self.results) + n + 1)
            self.results |= one_number_each(numbers)
            self.inputs[_digest(target)] = target.name
            self._answered = getattr(self, "_answered", set()) | {key}

    def kill_runs(self, today: date, new_orders: list[samples.SampleDay] = ()) -> None:
        """KILLS runs killed at random moments; new orders arrive between some of them; then one clean run."""
        pending = list(new_orders)
        for i in range(KILLS):
            before = self._runs()
            # Spread over what is left to do (re-measured each time: a killed run may have committed some steps),
            # after the interpreter's start.
            killed, out = _run(self.ws, today, self.rng.uniform(STARTUP, max(self._busy_time(today), STARTUP + 0.1)))
            if killed:       # the steps a daily run commits in order; the kill hit the one after the last committed
                self.hit[STEPS[min(self._runs() - before, len(STEPS) - 1)]] += 1
            self.kills += killed
            self.survived += not killed
            self._tally(out)
            if pending and self.rng.random() < 0.5:
                self.drop_orders(pending.pop(), f"new{today:%d}{i}")
        for day in pending:
            self.drop_orders(day, f"late{today:%d}")
        _, out = _run(self.ws, today, None)
        self._tally(out)
        self.check()

    def _runs(self) -> int:
        path = self.ws / "data" / "chulgo.sqlite"
        return ledger_rows(self.ws, "SELECT COUNT(*) FROM runs")[0][0] if path.exists() else 0

    def _busy_time(self, today: date) -> float:
        """How long an unkilled run takes on a copy of the workspace: kills are spread over that span."""
        probe = self.ws.parent / "probe"
        shutil.rmtree(probe, ignore_errors=True)
        shutil.copytree(self.ws, probe)
        start = time.monotonic()
        _run(probe, today, None)
        shutil.rmtree(probe, ignore_errors=True)
        return time.monotonic() - start

    def _tally(self, out: str) -> None:
        self.recovered += "마저 옮겼습니다" in out
        self.discarded += "그때 만들던 파일" in out

    # -- the invariants ------------------------------------------------------------------------------------

    def check(self) -> None:
        ws = self.ws
        twice = ledger_rows(ws, "SELECT sl.channel, sl.line_key FROM shipment_lines sl JOIN shipments s "
                                "ON s.shipment_id = sl.shipment_id WHERE s.voided_at IS NULL "
                                "GROUP BY sl.channel, sl.line_key HAVING COUNT(*) > 1")
        assert twice == [], "a line on two live parcels"

        recipient = dict(ledger_rows(ws, "SELECT s.shipment_id, r.name FROM shipments s "
                                         "LEFT JOIN recipients r ON r.recipient_id = s.recipient_id"))
        for sid, no in ledger_rows(ws, "SELECT shipment_id, tracking_no FROM tracking"):
            assert self.results.get(sid) == no, f"tracking {no} on {sid}, the courier gave it to another parcel"

        # Every waybill in outbox/ describes parcels the ledger committed, to the same recipients.
        batch_files = {f for (files,) in ledger_rows(ws, "SELECT files FROM batches") for f in eval(files)}
        for waybill in (ws / "outbox").rglob("CJ대한통운_송장요청_*.xlsx"):
            assert waybill.name in batch_files, f"orphan waybill {waybill}"
            for row in as_dicts(sheet_rows(waybill)):
                assert recipient.get(row["고객주문번호"]) == row["받는분성명"], f"{waybill.name}: {row['고객주문번호']}"
        for picking in (ws / "outbox").rglob("피킹리스트_*.xlsx"):
            assert picking.name in batch_files, f"orphan picking list {picking}"
        in_outbox = {p.name for p in (ws / "outbox").rglob("*.xlsx")}
        assert batch_files <= in_outbox, "a committed batch whose files never reached outbox/"

        # Every upload row is a line the ledger invoiced, in that file, with its parcel's tracking number.
        invoiced = {(ch, key): file for ch, key, file in ledger_rows(ws, "SELECT channel, line_key, file FROM invoices")}
        numbers = {}
        for ch, key, no in ledger_rows(ws, "SELECT l.channel, l.line_key, t.tracking_no FROM lines l "
                                           "JOIN tracking t ON t.shipment_id = l.shipment_id"):
            numbers.setdefault((ch, key), set()).add(no)
        seen: set[tuple[str, str]] = set()
        uploads = {"스마트스토어_발송처리": ("smartstore", "발송처리", lambda r: r["상품주문번호"], "송장번호"),
                   "카페24_송장등록": ("cafe24", None, lambda r: r["품목별 주문번호"], "송장번호"),
                   "쿠팡_송장업로드": ("coupang", None, lambda r: f"{r['묶음배송번호']}-{r['옵션ID']}", "운송장번호")}
        for prefix, (ch, sheet, key_of, number_col) in uploads.items():
            for path in (ws / "outbox").rglob(f"{prefix}_*.xlsx"):
                for row in as_dicts(sheet_rows(path, sheet)):
                    key = (ch, key_of(row))
                    assert key not in seen, f"{key} in two upload files"
                    seen.add(key)
                    assert path.name in invoiced.get(key, ""), f"{path.name}: {key} not invoiced in this file"
                    assert row[number_col] in numbers[key]
        assert not list((ws / "outbox").rglob(".*.tmp")), "a temp file left behind"
        assert {f for v in invoiced.values() for f in v.split(", ")} <= in_outbox, "an invoiced upload file is missing"

        # Nothing lost: every input is still here or archived, every exported line is in the ledger.
        kept = {_digest(p) for folder in ("inbox", "archive") for p in (ws / folder).rglob("*") if p.is_file()}
        assert set(self.inputs) <= kept, "an input file disappeared"
        known = set(ledger_rows(ws, "SELECT channel, line_key FROM lines"))
        assert self.exported <= known, "an exported line never reached the ledger"


def test_killed_runs_never_ship_upload_or_track_twice(tmp_path):
    rng = random.Random(20261124)
    first = samples.generate_day(seed=5, lines=2500, day=DAY1 - timedelta(days=1))
    ws = make_workspace(tmp_path / "ws", first)
    for p in list((ws / "inbox").iterdir()):
        p.unlink()                             # Day.drop_orders puts the exports in, and remembers them
    day = Day(ws, rng)
    day.drop_orders(first, "d1")
    more = [samples.generate_day(seed=5, lines=300, day=DAY1 + timedelta(days=k)) for k in (1, 2)]

    day.kill_runs(DAY1, more[:1])              # collect + ship killed; new orders arrive between kills
    day.drop_results()
    day.kill_runs(DAY1)                        # tracking + invoice killed
    day.drop_orders(more[1], "d2")
    day.kill_runs(DAY1 + timedelta(days=1))    # the next date: collect + ship again
    day.drop_results()
    day.kill_runs(DAY1 + timedelta(days=1))    # and its tracking + invoice

    shipped = ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE shipment_id IS NOT NULL")[0][0]
    uploaded = ledger_rows(ws, "SELECT COUNT(*) FROM invoices")[0][0]
    print(f"\ncrash test: {day.kills} kills ({', '.join(f'{k} {v}' for k, v in day.hit.items())}), {day.survived} runs finished before their kill, "
          f"{day.recovered} restarts finished a killed run's committed files, {day.discarded} threw away a killed "
          f"run's uncommitted files; {len(day.exported)} lines exported, {shipped} shipped, {uploaded} uploaded; "
          "0 lines on two parcels, 0 upload rows twice, 0 numbers on a wrong recipient, 0 inputs lost, 0 orphan files")
    assert day.kills >= KILLS, "the kills must land while runs are busy"
    assert shipped > 1000 and uploaded > 1000
