"""A simulated week of scheduled runs (the clock injected with CHULGO_NOW): orders keep arriving, `daily` runs at
each slot, and every order ships exactly once on the business day the rules give — the pause after payment
([collect] min_age_minutes), the cut-off ([shipping] cutoff) and Korean holidays (설날 2027) included."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from chulgo import samples
from chulgo.deadlines import is_business_day, next_business_day
from chulgo.settings import DEFAULT_SETTINGS
from tests.conftest import ledger_rows, make_workspace

SLOTS = ("09:00", "13:00", "16:00")
CUTOFF = "15:00"
MIN_AGE = 10
FIRST = date(2027, 2, 4)          # Thu: Fri 5 works, then 설날 Sat 6 – Tue 9 (substitute holiday), Wed 10 works


def _slots(days: int) -> list[datetime]:
    return [datetime.combine(FIRST + timedelta(days=d), datetime.strptime(s, "%H:%M").time())
            for d in range(days) for s in SLOTS]


def _expected_slot(paid: datetime, collected: datetime, slots: list[datetime]) -> datetime | None:
    """The rules, written out independently: the first slot on a business day, at least MIN_AGE minutes after
    payment, on or after the collecting day (the next business day when collected after the cut-off)."""
    cutoff = datetime.strptime(CUTOFF, "%H:%M").time()
    earliest = next_business_day(collected.date() + timedelta(days=collected.time() >= cutoff))
    for slot in slots:
        if slot >= collected and is_business_day(slot.date()) and slot - paid >= timedelta(minutes=MIN_AGE) \
                and slot.date() >= earliest:
            return slot
    return None


def test_a_week_of_slots_ships_every_order_once_on_the_right_day(cli, tmp_path, monkeypatch):
    base = samples.generate_day(seed=21, lines=60, unmapped_share=0, cancelled_share=0, day=FIRST)
    settings = DEFAULT_SETTINGS.replace('merge = "all"', f'merge = "off"\ncutoff = "{CUTOFF}"')
    ws = make_workspace(tmp_path / "ws", base, settings)
    for p in (ws / "inbox").iterdir():
        p.unlink()
    template = [r for r in base.smartstore if r.get("주문상태") != "취소"]
    rng = random.Random(7)
    slots = _slots(7)
    orders: dict[str, tuple[datetime, datetime]] = {}            # 상품주문번호 -> (paid, collected at)
    n = 0
    for slot in slots:
        rows = []
        for _ in range(rng.randint(2, 5)):
            n += 1
            paid = slot - timedelta(minutes=rng.choice([3, 7, 25, 90, 170]))
            row = dict(rng.choice(template))
            key = f"2027{n:012d}"
            row.update({"상품주문번호": key, "주문번호": f"9{n:07d}", "배송비 묶음번호": f"8{n:07d}",
                        "주문일시": paid.strftime("%Y-%m-%d %H:%M:%S"), "결제일": paid.strftime("%Y-%m-%d %H:%M:%S"),
                        "발송기한": ""})
            rows.append(row)
            orders[key] = (paid, slot)
        samples.write_smartstore_export(ws / "inbox" / f"스마트스토어_{slot:%m%d_%H%M}.xlsx", rows)
        monkeypatch.setenv("CHULGO_NOW", slot.isoformat())
        code, out = cli(ws, "daily")
        assert code == 0, out

    shipped = {key: (day, at) for key, day, at in ledger_rows(
        ws, "SELECT l.line_key, b.day, b.created_at FROM lines l JOIN shipments s ON s.shipment_id = l.shipment_id "
            "JOIN batches b ON b.batch_id = s.batch_id WHERE l.channel = 'smartstore' AND s.voided_at IS NULL")}
    twice = ledger_rows(ws, "SELECT line_key FROM shipment_lines GROUP BY channel, line_key HAVING COUNT(*) > 1")
    assert twice == []
    for key, (paid, collected) in orders.items():
        want = _expected_slot(paid, collected, slots)
        day, at = shipped.get(key, (None, None))
        assert (at[:16] if at else None) == (want.isoformat()[:16] if want else None), (key, paid, collected, at, want)
        assert day is None or day == at[:10], "the batch's day is the day of the run that printed it"
    days = {d for d, _ in shipped.values()}
    assert not {"2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09"} & days, "nothing ships over 설날"
    assert any(_expected_slot(p, c, slots) is None for p, c in orders.values()), "the week ends with orders waiting"
    assert sum(1 for p, c in orders.values() if _expected_slot(p, c, slots) not in (None, c)) > 5, \
        "the pause after payment and the cut-off both held orders for a later slot"


def test_a_lock_left_by_a_killed_run_is_taken_over(cli, ws):
    """Two scheduled runs never overlap, and a run killed while holding the lock does not block the next one."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import pytest
    if sys.platform == "win32":
        pytest.skip("SIGKILL")
    lock = ws / "data" / "run.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from filelock import FileLock; "
                               f"held = FileLock({str(lock)!r}); held.acquire(); print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    code, out = cli(ws, "status")
    assert code == 0 and "이미 다른 chulgo 작업이 실행 중" in out, "a second run while one works: skipped"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    time.sleep(0.1)
    assert lock.exists(), "the killed run's lock file is still there"
    code, out = cli(ws, "status")
    assert code == 0 and "실행 중" not in out, "and the next run takes it over"


def test_twelve_hour_times_are_read_right():
    from chulgo.ledger import order_time_key
    assert order_time_key("2026-11-23 오전 12:05") == "20261123000500"
    assert order_time_key("2026-11-23 오후 12:05") == "20261123120500"
    assert order_time_key("2026-11-23 PM 2:05") == "20261123140500"
    assert order_time_key("2026/11/23 오후 3:04") == "20261123150400"


def test_the_injected_clock_never_runs_backwards():
    from jobs.context import Context
    from pathlib import Path
    at = datetime(2027, 2, 4, 15, 0)
    for _ in range(200):
        assert Context(Path("."), at=at).now() >= at


def test_the_lines_per_state_status_shows_follow_every_move(cli, ws, monkeypatch):
    """status reads lines per state from counters the ledger keeps (not by counting a big ledger's every line): after
    collect, ship and a reprint (new → batched → new → batched) they equal a count of the lines themselves."""
    from chulgo.ledger import Ledger
    samples.write_day(samples.generate_day(seed=5, lines=60), ws / "inbox", ws / "mappings" / "상품매핑.xlsx")
    for step in ("collect", "ship"):
        assert cli(ws, step)[0] == 0
    assert cli(ws, "ship", "--reprint", "1")[0] == 0
    ledger = Ledger(ws / "data" / "chulgo.sqlite")
    counted = dict(ledger.db.execute("SELECT state, COUNT(*) FROM lines GROUP BY state"))
    assert ledger.count_by_state() == counted and counted.get("batched", 0) > 0
