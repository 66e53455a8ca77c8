"""A seller's day at scale: collect → ship → (courier result) → tracking → invoice, each as its own process.

    uv run python benchmarks/day.py [--lines 2000 10000] [--seed 7] [--keep DIR] [--profile]
    uv run python benchmarks/day.py --lines 100000 --days 10 --then 2000      # a big ledger over ten peak days

For each line count: wall time and peak RSS of every `run.py` step, the floor (calamine read + rustpy-xlsxwriter
write of the same cells; the XlsxWriter write is printed beside it) and the ratio ours/floor. See
benchmarks/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import os
import pstats
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from itertools import repeat
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import msoffcrypto  # noqa: E402
import python_calamine  # noqa: E402
import rustpy_xlsxwriter  # noqa: E402
import xlsxwriter  # noqa: E402

from chulgo import samples  # noqa: E402
from chulgo.settings import DEFAULT_SETTINGS  # noqa: E402

RUN = ROOT / "run.py"
STEPS = ("collect", "ship", "tracking", "invoice", "status")
PASSWORD = "1234"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHILD_ENV = dict(os.environ)   # main() gives the children a bytecode cache, as a seller's install has


@dataclass
class Timed:
    name: str
    wall: float       # seconds, process start included
    peak_mib: float   # the child's own VmHWM


@dataclass
class Day:
    lines: int
    steps: list[Timed]
    read: float
    write: float                 # rustpy-xlsxwriter: the floor
    write_xlsxwriter: float = 0.0    # plain XlsxWriter, the same cells (for comparison)
    ledger_mib: float = 0.0      # the ledger file after the day
    shipped: int = 0             # lines the day's ship step put on a waybill

    @property
    def total(self) -> float:
        return sum(s.wall for s in self.steps)

    @property
    def floor(self) -> float:
        return self.read + self.write


# Peak memory is read by the child itself from /proc/self/status VmHWM at exit: the rusage ru_maxrss that wait4
# reports for a child on Linux starts from the parent's RSS at fork (carried over exec), and this parent holds
# the whole generated day, so it would report the benchmark's own memory instead of the step's.
PEAK_WRAPPER = (
    "import atexit, os, runpy, sys\n"
    "def _peak():\n"
    "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
    "    open(os.environ['CHULGO_PEAK_FILE'], 'w').write(hwm[0].split()[1] if hwm else '0')\n"
    "atexit.register(_peak)\n"
    "sys.argv = sys.argv[1:]\n"
    "if sys.argv[0] == '-c':\n"
    "    sys.argv = sys.argv[1:]; exec(sys.argv[0])\n"
    "else:\n"
    "    runpy.run_path(sys.argv[0], run_name='__main__')\n"
)


def run_child(name: str, cmd: list[str], env: dict[str, str] | None = None) -> Timed:
    """Run one process; wall time around it and its own peak RSS (VmHWM). Exits loudly on failure."""
    if cmd[1:2] != ["-m"]:                                # cProfile runs are timed, not weighed
        cmd = [cmd[0], "-c", PEAK_WRAPPER, *cmd[1:]]
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile(suffix=".peak") as peak:
        started = time.perf_counter()
        proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                              env={**(env or CHILD_ENV), "CHULGO_PEAK_FILE": peak.name})
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            out.seek(0)
            print(out.read().decode("utf-8", "replace"), file=sys.stderr)
            sys.exit(f"step {name!r} failed with exit code {proc.returncode}: {' '.join(cmd)}")
        kib = Path(peak.name).read_text() or "0"
    return Timed(name, wall, int(kib) / 1024)


def step_cmd(ws: Path, step: str, profile_to: Path | None = None) -> list[str]:
    prof = ["-m", "cProfile", "-o", str(profile_to)] if profile_to else []
    return [sys.executable, *prof, str(RUN), "--workspace", str(ws), step]


def make_workspace(ws: Path, day: samples.SampleDay) -> list[Path]:
    """A fresh workspace with the day's exports in inbox/; returns the input files (exports + mapping book)."""
    if ws.exists():
        shutil.rmtree(ws)
    ws.mkdir(parents=True)
    (ws / "settings.toml").write_text(DEFAULT_SETTINGS, encoding="utf-8")
    mapping = ws / "mappings" / "상품매핑.xlsx"
    return [*samples.write_day(day, ws / "inbox", mapping, password=PASSWORD), mapping]


def outbox_files(ws: Path) -> set[Path]:
    return set((ws / "outbox").rglob("*.xlsx"))


def courier_result(ws: Path, before_ship: set[Path], seed: int = 1) -> Path:
    """Play the courier: a result file for the waybill request `ship` just wrote (not measured)."""
    new = sorted(p for p in outbox_files(ws) - before_ship if not p.name.startswith(("피킹리스트", "피킹합계", "포장목록")))
    if len(new) != 1:
        sys.exit(f"expected one waybill request file from ship, found {[p.name for p in new]}")
    result = ws / "inbox" / "result.xlsx"
    samples.write_courier_result(new[0], result, seed=seed)     # its own numbers each day
    return result


def mark_uploaded(ws: Path) -> None:
    """Play the seller who uploaded the day's files and said so (`uv run run.py uploaded 채널`; not measured): days on
    one ledger would otherwise pile up weeks of uploads nobody marked."""
    db = sqlite3.connect(ws / "data" / "chulgo.sqlite")
    try:
        db.execute("UPDATE invoices SET uploaded_at = written_at WHERE uploaded_at IS NULL")
        db.commit()
    finally:
        db.close()


def read_floor(paths: list[Path]) -> float:
    """Seconds to read every sheet of every file with calamine alone (decrypting in memory first)."""
    started = time.perf_counter()
    for path in paths:
        data = path.read_bytes()
        if data.startswith(OLE_MAGIC):
            office = msoffcrypto.OfficeFile(io.BytesIO(data))
            office.load_key(password=PASSWORD)
            plain = io.BytesIO()
            office.decrypt(plain)
            data = plain.getvalue()
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for index in range(len(book.sheet_names)):
            book.get_sheet_by_index(index).to_python(skip_empty_area=False)
    return time.perf_counter() - started


def _keys(first: list) -> list[str]:
    """rustpy-xlsxwriter's records are keyed by the first row: its texts, numbered where one repeats or is not a
    text (the same cells to write; a key must be a distinct string)."""
    keys = [str(c) for c in first]
    return keys if len(set(keys)) == len(keys) and all(isinstance(c, str) for c in first) \
        else [f"{c}#{i}" for i, c in enumerate(keys)]


def write_floor(outputs: list[Path], scratch: Path) -> tuple[float, float]:
    """Seconds to write the same cells as our output workbooks with rustpy-xlsxwriter (the fastest writer that keeps
    '=…' text), and with plain XlsxWriter (re-reading is not timed)."""
    books = []
    for path in outputs:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        books.append([(name, book.get_sheet_by_index(i).to_python(skip_empty_area=False))
                      for i, name in enumerate(book.sheet_names)])
    scratch.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for i, sheets in enumerate(books):
        rustpy_xlsxwriter.write_worksheets(
            [(name, map(dict, map(zip, repeat(_keys(rows[0])), rows[1:]))) for name, rows in sheets if rows],
            str(scratch / f"floor_rustpy_{i}.xlsx"))
    fast = time.perf_counter() - started
    started = time.perf_counter()
    for i, sheets in enumerate(books):
        wb = xlsxwriter.Workbook(str(scratch / f"floor_{i}.xlsx"), {"strings_to_formulas": False, "strings_to_urls": False})
        for name, rows in sheets:
            sheet = wb.add_worksheet(name)
            for r, row in enumerate(rows):
                sheet.write_row(r, 0, row)
        wb.close()
    return fast, time.perf_counter() - started


def run_day(lines: int, seed: int, ws: Path, profile_dir: Path | None = None, quiet: bool = False,
            on: date | None = None, only: int | None = None) -> Day:
    """One day through run.py; with profile_dir each step runs under cProfile and nothing is measured for the floor.
    ``on``: the orders' day, run the next morning (CHULGO_NOW) in the same workspace when it exists — its ledger
    keeps every earlier day (--days)."""
    log = (lambda *a: None) if quiet else print
    started = time.perf_counter()
    # Days on one ledger: every listing mapped (a seller maps new listings as they come; an ever-growing unmapped
    # backlog would be work a seller never leaves lying, not the ledger's size).
    day = samples.generate_day(seed=seed, lines=lines, day=on or samples.DEFAULT_DAY,
                               unmapped_share=0.0 if on is not None else 0.05)
    if on is not None:
        day = new_orders(day, (on - samples.DEFAULT_DAY).days, only)
    if on is not None and ws.exists():        # the seller's mapping stays as it is
        inputs = samples.write_day(day, ws / "inbox", None, password=PASSWORD) + [ws / "mappings" / "상품매핑.xlsx"]
    else:
        inputs = make_workspace(ws, day)
    env = None
    if on is not None:
        env = {**CHILD_ENV, "CHULGO_NOW": datetime.combine(on + timedelta(days=1), dtime(9, 0)).isoformat()}
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in inputs)
    log(f"  generated {len(day.smartstore)}/{len(day.coupang)}/{len(day.cafe24)} lines "
        f"(smartstore/coupang/cafe24) in {time.perf_counter() - started:.1f}s (not measured): {sizes}")
    read = read_floor(inputs) if profile_dir is None else 0.0     # before collect moves them to archive/
    steps: list[Timed] = []
    before_ship: set[Path] = set()
    for step in STEPS:
        if step == "ship":
            before_ship = outbox_files(ws)
        if step == "tracking":
            started = time.perf_counter()
            result = courier_result(ws, before_ship, seed + (on - samples.DEFAULT_DAY).days if on else seed)
            log(f"  courier result written in {time.perf_counter() - started:.1f}s (not measured)")
            if profile_dir is None:
                read += read_floor([result])
        if step == "status" and on is not None:
            mark_uploaded(ws)
        prof = profile_dir / f"{step}.prof" if profile_dir else None
        steps.append(run_child(step, step_cmd(ws, step, prof), env))
    made = sorted(outbox_files(ws) - before_ship) if on is not None else sorted(outbox_files(ws))
    write, write_xlsxwriter = write_floor(made, ws.parent / f"{ws.name}-floor") if profile_dir is None else (0.0, 0.0)
    ledger = ws / "data" / "chulgo.sqlite"
    db = sqlite3.connect(ledger)
    try:    # what this day's run put on waybills (a day that ships less is not a faster day)
        shipped = db.execute("SELECT COUNT(*) FROM shipment_lines sl JOIN shipments s ON s.shipment_id = sl.shipment_id "
                             "WHERE s.batch_id IN (SELECT MAX(batch_id) FROM batches)").fetchone()[0]
    finally:
        db.close()
    return Day(lines, steps, read, write, write_xlsxwriter, ledger.stat().st_size / 2**20, shipped)


def print_table(d: Day) -> None:
    print(f"  {'step':<10}{'wall s':>9}{'peak MiB':>10}{'µs/line':>9}")
    for s in d.steps:
        print(f"  {s.name:<10}{s.wall:>9.2f}{s.peak_mib:>10.0f}{s.wall / d.lines * 1e6:>9.0f}")
    print(f"  {'total':<10}{d.total:>9.2f}{'':>10}{d.total / d.lines * 1e6:>9.0f}")
    print(f"  floor {d.floor:.2f}s (read {d.read:.2f} + write {d.write:.2f} with rustpy-xlsxwriter); "
          f"ratio ours/floor {d.total / d.floor:.1f}x; the same write with XlsxWriter {d.write_xlsxwriter:.2f}s")
    print(f"  ledger after the day: {d.ledger_mib * 2**20 / 1e6:.1f} MB ({d.ledger_mib:.1f} MiB)")


def summary(d: Day, start: float) -> str:
    steps = ", ".join(f"{s.name} {s.wall:.1f}s/{s.peak_mib:.0f}MiB" for s in d.steps)
    return (f"lines={d.lines}: {steps}; total {d.total:.1f}s; floor {d.floor:.1f}s "
            f"(read {d.read:.1f} + write {d.write:.1f}); ratio {d.total / d.floor:.1f}x; "
            f"XlsxWriter write {d.write_xlsxwriter:.1f}s; start {start:.2f}s; ledger {d.ledger_mib * 2**20 / 1e6:.1f} MB")


ORDER_IDS = {"smartstore": ("상품주문번호", "주문번호", "배송비 묶음번호"), "coupang": ("묶음배송번호", "주문번호"),
             "cafe24": ("주문번호", "품목별 주문번호")}


def new_orders(day: samples.SampleDay, n: int, only: int | None = None) -> samples.SampleDay:
    """The same shop (catalogue, mapping: the same seed) on its n-th day: every order id made its own, as a new day's
    orders are (the generator numbers each day's orders alike). ``only``: a quieter day, the first of those lines."""
    share = 1.0 if only is None else only / max(1, sum(len(getattr(day, ch)) for ch in ORDER_IDS))
    renumbered = {ch: [{k: (f"{n}{v}" if k in ids and v and n else v) for k, v in row.items()}
                       for row in getattr(day, ch)[:round(len(getattr(day, ch)) * share)]]
                  for ch, ids in ORDER_IDS.items()}
    # No 재고 counts: each day ships what it takes, as a seller restocking daily (counted stock running out would
    # make later days lighter, not faster).
    return dataclasses.replace(day, products=[{**p, "재고": ""} for p in day.products], **renumbered)


def run_days(lines: int, days: int, then: int | None, seed: int, base: Path) -> None:
    """``days`` days of ``lines`` lines on one ledger (each its own orders, run the next morning), then a ``then``-line
    day on that ledger and the same day on an empty one: does a big ledger slow an ordinary day down?"""
    ws = base / f"days-{lines}x{days}"
    if ws.exists():
        shutil.rmtree(ws)
    first = samples.DEFAULT_DAY
    results = []
    for i in range(days):
        print(f"\n=== day {i + 1}/{days}: {lines} lines on one ledger — {ws} ===")
        results.append(run_day(lines, seed, ws, on=first + timedelta(days=i)))
        print_table(results[-1])
        print(f"  ledger after the day: {results[-1].ledger_mib:.1f} MiB")
    print(f"\n{'day':<5}" + "".join(f"{s:>10}" for s in STEPS) + f"{'total':>10}{'shipped':>9}{'ledger MiB':>12}")
    for i, d in enumerate(results, start=1):
        print(f"{i:<5}" + "".join(f"{s.wall:>10.2f}" for s in d.steps) + f"{d.total:>10.2f}{d.shipped:>9}"
              f"{d.ledger_mib:>12.1f}")
    last, one = results[-1], results[0]
    print(f"day {days} / day 1: " + ", ".join(f"{a.name} {a.wall / b.wall:.2f}x" for a, b in zip(last.steps, one.steps))
          + f"; total {last.total / one.total:.2f}x")
    if then:
        on = first + timedelta(days=days)
        print(f"\n=== a {then}-line day after those {days} days, and the same day on an empty ledger ===")
        big = run_day(lines, seed, ws, on=on, quiet=True, only=then)
        shutil.rmtree(base / f"empty-{then}", ignore_errors=True)       # empty means empty, also with --keep
        empty = run_day(lines, seed, base / f"empty-{then}", on=on, quiet=True, only=then)
        print(f"  {'step':<10}{'big ledger':>12}{'empty':>10}{'ratio':>8}")
        for a, b in zip(big.steps, empty.steps):
            print(f"  {a.name:<10}{a.wall:>12.2f}{b.wall:>10.2f}{a.wall / b.wall:>7.2f}x")
        print(f"  {'total':<10}{big.total:>12.2f}{empty.total:>10.2f}{big.total / empty.total:>7.2f}x")


def print_profiles(profile_dir: Path, top: int = 15) -> None:
    for step in STEPS:
        print(f"\n--- cProfile: {step} (top {top} by cumulative time) ---")
        pstats.Stats(str(profile_dir / f"{step}.prof"), stream=sys.stdout).strip_dirs() \
            .sort_stats("cumulative").print_stats(top)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, nargs="+", default=[2000, 10000], help="order lines per day (default: 2000 10000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", type=Path, help="keep the workspaces under this folder instead of a temp dir")
    ap.add_argument("--profile", action="store_true", help="also run the largest day under cProfile")
    ap.add_argument("--days", type=int, default=0, help="run this many days of --lines (the first count) on one ledger")
    ap.add_argument("--then", type=int, help="with --days: then a day of this many lines on that ledger vs an empty one")
    args = ap.parse_args()

    base = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="chulgo-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        # This shell may set PYTHONDONTWRITEBYTECODE (then every process compiles openpyxl & co. from source).
        # A seller's install has .pyc files, so the children get a bytecode cache under the bench folder,
        # filled by an unmeasured 50-line warm-up day.
        CHILD_ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        CHILD_ENV["PYTHONPYCACHEPREFIX"] = str(base / "pycache")
        cold = run_child("start", [sys.executable, "-c", "import run"], env=dict(os.environ))
        run_day(50, args.seed, base / "warm-up", quiet=True)
        start = run_child("start", [sys.executable, "-c", "import run"])
        print(f"process start (python -c 'import run'): {start.wall:.2f}s, {start.peak_mib:.0f} MiB with .pyc cache; "
              f"{cold.wall:.2f}s without (PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r})")
        if args.days:
            run_days(args.lines[0], args.days, args.then, args.seed, base)
            return 0
        days = []
        for lines in args.lines:
            print(f"\n=== {lines} lines (seed {args.seed}) — workspace {base / f'lines-{lines}'} ===")
            days.append(run_day(lines, args.seed, base / f"lines-{lines}"))
            print_table(days[-1])
        if args.profile:
            largest = max(args.lines)
            print(f"\n=== cProfile run: {largest} lines (separate fresh workspace; timings include profiler overhead) ===")
            ws = base / f"lines-{largest}-profile"
            prof_dir = base / "profiles"
            prof_dir.mkdir(exist_ok=True)
            profiled = run_day(largest, args.seed, ws, prof_dir)
            print("  " + ", ".join(f"{s.name} {s.wall:.1f}s" for s in profiled.steps) + " (under cProfile)")
            print_profiles(prof_dir)
        print("\nsummary:")
        for d in days:
            print(summary(d, start.wall))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
