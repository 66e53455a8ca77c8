"""The ledger: what was read, every line and its state, batches, parcels, tracking numbers, invoices.

A line moves forward only: new -> batched -> tracked -> invoiced -> confirmed, or new -> cancelled / closed.
A claim after printing (취소, 취소요청) does not move it back; it raises `claim_after_print` so the line is
kept out of invoice uploads and listed until the seller deals with it. Natural keys make re-reading a file,
or an overlapping export, an update instead of a duplicate.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from chulgo.model import ChulgoError, InvoiceLine, Item, Layout, OrderLine, ParcelLine, Recipient, Shipment

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, adapter TEXT NOT NULL,
    rows INTEGER NOT NULL, run_id INTEGER, read_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS layouts (
    layout_id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS lines (
    channel TEXT NOT NULL, line_key TEXT NOT NULL, order_no TEXT NOT NULL, bundle_key TEXT NOT NULL,
    product_code TEXT, option_code TEXT, product_name TEXT, option_text TEXT, quantity INTEGER NOT NULL,
    name TEXT, phone TEXT, phone2 TEXT, zip TEXT, address TEXT, message TEXT,
    status TEXT, status_class TEXT NOT NULL DEFAULT '', ordered_at TEXT,
    layout_id INTEGER REFERENCES layouts, raw TEXT, source TEXT, source_row INTEGER,
    state TEXT NOT NULL DEFAULT 'new', claim_after_print TEXT NOT NULL DEFAULT '',
    shipment_id TEXT, first_seen TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, line_key));
CREATE INDEX IF NOT EXISTS lines_state ON lines(state);
CREATE INDEX IF NOT EXISTS lines_shipment ON lines(shipment_id);
CREATE TABLE IF NOT EXISTS batches (
    batch_id INTEGER PRIMARY KEY, day TEXT NOT NULL, seq INTEGER NOT NULL, courier TEXT NOT NULL,
    created_at TEXT NOT NULL, reissue_of INTEGER, files TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS shipments (
    shipment_id TEXT PRIMARY KEY, batch_id INTEGER NOT NULL REFERENCES batches, courier TEXT NOT NULL,
    name TEXT, phone TEXT, phone2 TEXT, zip TEXT, address TEXT, message TEXT, items TEXT NOT NULL,
    voided_at TEXT);
CREATE TABLE IF NOT EXISTS shipment_lines (
    shipment_id TEXT NOT NULL REFERENCES shipments, channel TEXT NOT NULL, line_key TEXT NOT NULL,
    items TEXT NOT NULL, PRIMARY KEY (shipment_id, channel, line_key));
CREATE TABLE IF NOT EXISTS tracking (
    courier TEXT NOT NULL, tracking_no TEXT NOT NULL, shipment_id TEXT NOT NULL REFERENCES shipments,
    source TEXT, read_at TEXT NOT NULL, PRIMARY KEY (courier, tracking_no));
CREATE INDEX IF NOT EXISTS tracking_shipment ON tracking(shipment_id);
CREATE TABLE IF NOT EXISTS unmatched_tracking (
    courier TEXT NOT NULL, tracking_no TEXT NOT NULL, name TEXT, phone TEXT, address TEXT,
    source TEXT, source_row INTEGER, reason TEXT, read_at TEXT NOT NULL, PRIMARY KEY (courier, tracking_no));
CREATE TABLE IF NOT EXISTS invoices (
    channel TEXT NOT NULL, line_key TEXT NOT NULL, day TEXT NOT NULL, seq INTEGER NOT NULL, file TEXT NOT NULL,
    written_at TEXT NOT NULL, PRIMARY KEY (channel, line_key));
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY, job TEXT NOT NULL, started_at TEXT NOT NULL, summary TEXT);
"""

LINE_COLUMNS = ("channel", "line_key", "order_no", "bundle_key", "product_code", "option_code", "product_name",
                "option_text", "quantity", "name", "phone", "phone2", "zip", "address", "message", "status",
                "status_class", "ordered_at", "layout_id", "raw", "source", "source_row")
COMPARED = LINE_COLUMNS[2:18]          # what a newer export may change, order_no … ordered_at
RECIPIENT_COLUMNS = ("name", "phone", "phone2", "zip", "address", "message")
SHIPPED_STATES = ("batched", "tracked", "invoiced", "confirmed")


def now() -> str:
    return datetime.now().isoformat(timespec="seconds")


@dataclass
class CollectReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: list[tuple[str, str]] = field(default_factory=list)            # before printing: stopped
    claim_after_print: list[tuple[str, str, str]] = field(default_factory=list)  # (channel, line_key, status)
    address_after_print: list[tuple[str, str]] = field(default_factory=list)


class Ledger:
    """The SQLite state store. Use ``with ledger.transaction():`` around every run's writes."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(path, isolation_level=None, timeout=10)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA busy_timeout=10000")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as e:
            raise ChulgoError(f"장부 파일 {path}을(를) 열 수 없습니다 ({e}). 다른 프로그램이 쓰고 있지 않은지 확인하세요.") from None
        self._layouts: dict[str, int] = {}
        self._layout_cache: dict[int, Layout] = {}

    @contextmanager
    def transaction(self, commit: bool = True) -> Iterator[None]:
        """One run step = one transaction; nested inside another it is a savepoint of the outer one.

        ``commit=False`` rolls everything back at the end (a dry run wraps all its steps in one of these).
        """
        if self.db.in_transaction:
            self.db.execute("SAVEPOINT step")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK TO step")
                self.db.execute("RELEASE step")
                raise
            self.db.execute("RELEASE step")
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT" if commit else "ROLLBACK")

    def start_run(self, job: str) -> int:
        return self.db.execute("INSERT INTO runs(job, started_at) VALUES (?, ?)", (job, now())).lastrowid

    def finish_run(self, run_id: int, summary: str) -> None:
        self.db.execute("UPDATE runs SET summary = ? WHERE run_id = ?", (summary, run_id))

    # -- files -------------------------------------------------------------------------------------------

    def file_seen(self, sha: str) -> bool:
        return self.db.execute("SELECT 1 FROM files WHERE sha256 = ?", (sha,)).fetchone() is not None

    def record_file(self, sha: str, name: str, kind: str, adapter: str, rows: int, run_id: int) -> None:
        self.db.execute("INSERT OR IGNORE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (sha, name, kind, adapter, rows, run_id, now()))

    # -- lines -------------------------------------------------------------------------------------------

    def _layout_id(self, layout: Layout | None) -> int | None:
        if layout is None:
            return None
        body = json.dumps([layout.sheet, layout.before, layout.header, layout.after], ensure_ascii=False)
        if body not in self._layouts:
            self.db.execute("INSERT OR IGNORE INTO layouts(body) VALUES (?)", (body,))
            self._layouts[body] = self.db.execute("SELECT layout_id FROM layouts WHERE body = ?", (body,)).fetchone()[0]
        return self._layouts[body]

    def _layout(self, layout_id: int | None) -> Layout | None:
        if layout_id is None:
            return None
        if layout_id not in self._layout_cache:
            body = self.db.execute("SELECT body FROM layouts WHERE layout_id = ?", (layout_id,)).fetchone()[0]
            sheet, before, header, after = json.loads(body)
            self._layout_cache[layout_id] = Layout(sheet, tuple(map(tuple, before)), tuple(header), tuple(map(tuple, after)))
        return self._layout_cache[layout_id]

    def _values(self, line: OrderLine) -> tuple:
        r = line.recipient
        return (line.channel, line.line_key, line.order_no, line.bundle_key, line.product_code, line.option_code,
                line.product_name, line.option_text, line.quantity, r.name, r.phone, r.phone2, r.zip, r.address,
                r.message, line.status, line.status_class, line.ordered_at, self._layout_id(line.layout),
                json.dumps(line.raw, ensure_ascii=False), line.source, line.source_row)

    def upsert_lines(self, lines: Iterable[OrderLine]) -> CollectReport:
        """Store lines from an export: new ones are added, known ones updated as their state allows."""
        report = CollectReport()
        lines = list(lines)
        compared = ", ".join(COMPARED)
        existing: dict[tuple[str, str], tuple[str, str, tuple]] = {}
        for ch in {line.channel for line in lines}:
            for row in self.db.execute(f"SELECT line_key, state, claim_after_print, {compared} FROM lines "
                                       "WHERE channel = ?", (ch,)):
                existing[(ch, row[0])] = (row[1], row[2], tuple(row[3:]))
        stamp = now()
        inserts, updates = [], []
        set_all = ", ".join(f"{c} = ?" for c in LINE_COLUMNS[2:])
        set_recipient = ", ".join(f"{c} = ?" for c in RECIPIENT_COLUMNS)
        for line in lines:
            key = (line.channel, line.line_key)
            values = self._values(line)
            fields = values[2:2 + len(COMPARED)]
            old = existing.get(key)
            if old is None:
                state = {"cancelled": "cancelled", "closed": "closed"}.get(line.status_class, "new")
                inserts.append(values + (state, stamp, stamp))
                existing[key] = (state, "", fields)
                report.new += 1
                continue
            state, old_claim, old_fields = old
            if state == "new":
                new_state = {"cancelled": "cancelled", "closed": "closed"}.get(line.status_class, "new")
                if new_state == "cancelled":
                    report.cancelled.append(key)
                if fields != old_fields:
                    updates.append((f"UPDATE lines SET {set_all}, state = ?, updated_at = ? "
                                    "WHERE channel = ? AND line_key = ?", values[2:] + (new_state, stamp) + key))
                    report.updated += 1
                else:
                    report.unchanged += 1
                existing[key] = (new_state, "", fields)
            elif state in SHIPPED_STATES:
                claim = line.status if line.status_class in ("cancelled", "hold") else ""
                new_state = "confirmed" if state == "invoiced" and line.status_class == "closed" else state
                recipient = tuple(values[LINE_COLUMNS.index(c)] for c in RECIPIENT_COLUMNS)
                old_recipient = tuple(old_fields[COMPARED.index(c)] for c in RECIPIENT_COLUMNS)
                moved = recipient != old_recipient and bool(line.recipient.address)
                if claim and claim != old_claim:
                    report.claim_after_print.append(key + (claim,))
                if moved:
                    report.address_after_print.append(key)   # said once: the new address is stored below
                old_status = old_fields[COMPARED.index("status")]
                if claim != old_claim or new_state != state or old_status != line.status or moved:
                    now_recipient = recipient if moved else old_recipient
                    updates.append((f"UPDATE lines SET status = ?, status_class = ?, claim_after_print = ?, state = ?, "
                                    f"{set_recipient}, updated_at = ? WHERE channel = ? AND line_key = ?",
                                    (line.status, line.status_class, claim, new_state) + now_recipient + (stamp,) + key))
                    report.updated += 1
                else:
                    report.unchanged += 1
                existing[key] = (new_state, claim, fields)
            else:
                report.unchanged += 1     # cancelled / closed lines stay as they are
        self.db.executemany(f"INSERT INTO lines ({', '.join(LINE_COLUMNS)}, state, first_seen, updated_at) "
                            f"VALUES ({', '.join('?' * (len(LINE_COLUMNS) + 3))})", inserts)
        for sql, params in updates:
            self.db.execute(sql, params)
        return report

    def _line(self, row: sqlite3.Row | tuple) -> OrderLine:
        (channel, line_key, order_no, bundle_key, pcode, ocode, pname, otext, qty, name, phone, phone2, zip_,
         address, message, status, status_class, ordered_at, layout_id, raw, source, source_row) = row[:22]
        return OrderLine(channel, line_key, order_no, bundle_key, pcode or "", ocode or "", pname or "", otext or "",
                         qty, Recipient(name or "", phone or "", phone2 or "", zip_ or "", address or "", message or ""),
                         status or "", status_class, ordered_at or "", self._layout(layout_id),
                         tuple(json.loads(raw)) if raw else (), source or "", source_row or 0)

    def lines_in_state(self, *states: str) -> list[OrderLine]:
        """Lines in the given states, oldest first, without their raw export row (not needed before invoicing)."""
        columns = ", ".join("NULL" if c == "raw" else c for c in LINE_COLUMNS)
        q = f"SELECT {columns} FROM lines WHERE state IN ({', '.join('?' * len(states))}) " \
            "ORDER BY ordered_at, channel, line_key"
        return [self._line(r) for r in self.db.execute(q, states)]

    def count_by_state(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT state, COUNT(*) FROM lines GROUP BY state"))

    def claims_after_print(self) -> list[tuple[OrderLine, str, str, str | None]]:
        """(line, claim, state, shipment id) of every printed line the channel has since cancelled or put on hold."""
        q = (f"SELECT {', '.join(LINE_COLUMNS)}, claim_after_print, state, shipment_id FROM lines "
             "WHERE claim_after_print != '' ORDER BY channel, line_key")
        return [(self._line(r), r[22], r[23], r[24]) for r in self.db.execute(q)]

    # -- batches and parcels -----------------------------------------------------------------------------

    def new_batch(self, day: str, courier: str, reissue_of: int | None = None) -> tuple[int, int]:
        """Open a batch; returns (batch id, its number within the day)."""
        seq = self.db.execute("SELECT COUNT(*) FROM batches WHERE day = ?", (day,)).fetchone()[0] + 1
        batch_id = self.db.execute("INSERT INTO batches(day, seq, courier, created_at, reissue_of) VALUES (?, ?, ?, ?, ?)",
                                   (day, seq, courier, now(), reissue_of)).lastrowid
        return batch_id, seq

    def set_batch_files(self, batch_id: int, files: list[str]) -> None:
        self.db.execute("UPDATE batches SET files = ? WHERE batch_id = ?", (json.dumps(files, ensure_ascii=False), batch_id))

    def batch(self, batch_id: int) -> tuple | None:
        return self.db.execute("SELECT batch_id, day, seq, courier, files FROM batches WHERE batch_id = ?",
                               (batch_id,)).fetchone()

    def add_shipments(self, shipments: list[Shipment]) -> None:
        """Record parcels and move their lines to 'batched' (a line is put on a waybill once)."""
        rows, links, moves = [], [], []
        for s in shipments:
            r = s.recipient
            rows.append((s.shipment_id, s.batch_id, s.courier, r.name, r.phone, r.phone2, r.zip, r.address, r.message,
                         json.dumps([[it.sku, it.quantity, it.name, it.location, it.barcode] for it in s.items],
                                    ensure_ascii=False)))
            for line in s.lines:
                links.append((s.shipment_id, line.channel, line.line_key,
                              json.dumps([[it.sku, it.quantity, it.name, it.location, it.barcode] for it in line.items],
                                         ensure_ascii=False)))
                moves.append((s.shipment_id, now(), line.channel, line.line_key))
        self.db.executemany("INSERT INTO shipments(shipment_id, batch_id, courier, name, phone, phone2, zip, address, "
                            "message, items) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self.db.executemany("INSERT INTO shipment_lines VALUES (?, ?, ?, ?)", links)
        cur = self.db.executemany("UPDATE lines SET state = 'batched', shipment_id = ?, updated_at = ? "
                                  "WHERE channel = ? AND line_key = ? AND state = 'new'", moves)
        if cur.rowcount != len(moves):
            raise ChulgoError("이미 송장에 오른 줄을 다시 올리려 했습니다. 아무것도 저장하지 않았습니다. --debug 로 다시 실행해 알려 주세요.")

    def shipments(self, where: str = "1=1", params: tuple = ()) -> list[Shipment]:
        """Parcels with their lines, filtered by a SQL condition on the shipments table (alias s)."""
        ships = self.db.execute(
            "SELECT s.shipment_id, s.batch_id, s.courier, s.name, s.phone, s.phone2, s.zip, s.address, s.message "
            f"FROM shipments s WHERE {where} ORDER BY s.shipment_id", params).fetchall()
        if not ships:
            return []
        ids = [s[0] for s in ships]
        lines: dict[str, list[ParcelLine]] = {i: [] for i in ids}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            for sid, ch, key, items, order_no, pname, otext, qty in self.db.execute(
                    "SELECT sl.shipment_id, sl.channel, sl.line_key, sl.items, l.order_no, l.product_name, "
                    "l.option_text, l.quantity FROM shipment_lines sl JOIN lines l "
                    "ON l.channel = sl.channel AND l.line_key = sl.line_key "
                    f"WHERE sl.shipment_id IN ({', '.join('?' * len(part))})", part):
                lines[sid].append(ParcelLine(ch, key, order_no, pname, otext, qty,
                                             tuple(Item(*it) for it in json.loads(items))))
        return [Shipment(s[0], s[1], s[2], Recipient(*s[3:9]), tuple(lines[s[0]])) for s in ships]

    def void_shipments(self, shipment_ids: list[str]) -> None:
        """Re-issue: the old parcels are void and their lines are free to go on a new waybill."""
        stamp = now()
        self.db.executemany("UPDATE shipments SET voided_at = ? WHERE shipment_id = ?", [(stamp, i) for i in shipment_ids])
        self.db.executemany(
            "UPDATE lines SET state = CASE WHEN status_class = 'cancelled' THEN 'cancelled' ELSE 'new' END, "
            "claim_after_print = '', shipment_id = NULL, updated_at = ? WHERE shipment_id = ? AND state = 'batched'",
            [(stamp, i) for i in shipment_ids])

    # -- tracking ----------------------------------------------------------------------------------------

    def _lookup(self, sql: str, keys: list[str], fixed: tuple = ()) -> list[tuple]:
        """Run ``sql`` (with an IN (...) placeholder `{in}`) over ``keys`` in chunks SQLite accepts."""
        rows: list[tuple] = []
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            rows += self.db.execute(sql.format(**{"in": ", ".join("?" * len(part))}), fixed + tuple(part)).fetchall()
        return rows

    def shipment_states(self, shipment_ids: list[str]) -> dict[str, str | None]:
        """{parcel id: voided_at} for those of ``shipment_ids`` that are ours."""
        return dict(self._lookup("SELECT shipment_id, voided_at FROM shipments WHERE shipment_id IN ({in})",
                                 sorted(set(shipment_ids))))

    def tracking_owners(self, courier: str, tracking_nos: list[str]) -> dict[str, str]:
        """{tracking number: parcel id} for the numbers already attached."""
        return dict(self._lookup("SELECT tracking_no, shipment_id FROM tracking WHERE courier = ? AND tracking_no IN ({in})",
                                 sorted(set(tracking_nos)), (courier,)))

    def attach_tracking(self, attachments: list[tuple[str, str, str, str]]) -> None:
        """Attach (courier, tracking no, parcel id, source file) rows; their lines become 'tracked'."""
        stamp = now()
        self.db.executemany("INSERT INTO tracking VALUES (?, ?, ?, ?, ?)", [a + (stamp,) for a in attachments])
        self.db.executemany("UPDATE lines SET state = 'tracked', updated_at = ? WHERE shipment_id = ? AND state = 'batched'",
                            [(stamp, sid) for sid in dict.fromkeys(a[2] for a in attachments)])
        if self.db.execute("SELECT 1 FROM unmatched_tracking LIMIT 1").fetchone():
            self.db.executemany("DELETE FROM unmatched_tracking WHERE courier = ? AND tracking_no = ?",
                                [(a[0], a[1]) for a in attachments])

    def record_unmatched(self, courier: str, tracking_no: str, name: str, phone: str, address: str, source: str,
                         row: int, reason: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO unmatched_tracking VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (courier, tracking_no, name, phone, address, source, row, reason, now()))

    def unmatched_tracking(self) -> list[tuple]:
        return self.db.execute("SELECT courier, tracking_no, name, source, source_row, reason, read_at "
                               "FROM unmatched_tracking ORDER BY read_at").fetchall()

    def recent_shipments(self, courier: str, since_day: str) -> tuple[list[Shipment], set[str]]:
        """Live parcels of a courier printed since ``since_day``, and the ids of those already tracked."""
        ships = self.shipments("s.courier = ? AND s.voided_at IS NULL AND s.batch_id IN "
                               "(SELECT batch_id FROM batches WHERE day >= ?)", (courier, since_day))
        tracked = {sid for (sid,) in self._lookup("SELECT DISTINCT shipment_id FROM tracking WHERE shipment_id IN ({in})",
                                                   [s.shipment_id for s in ships])}
        return ships, tracked

    def untracked_shipments_in_batch(self, batch_id: int) -> list[Shipment]:
        return self.shipments("s.batch_id = ? AND s.voided_at IS NULL AND NOT EXISTS "
                              "(SELECT 1 FROM tracking t WHERE t.shipment_id = s.shipment_id)", (batch_id,))

    def waiting_for_tracking(self) -> list[tuple]:
        """(shipment id, batch day, recipient) of live parcels printed but not yet tracked."""
        return self.db.execute(
            "SELECT s.shipment_id, b.day, s.name FROM shipments s JOIN batches b ON b.batch_id = s.batch_id "
            "WHERE s.voided_at IS NULL AND NOT EXISTS (SELECT 1 FROM tracking t WHERE t.shipment_id = s.shipment_id) "
            "ORDER BY s.shipment_id").fetchall()

    # -- invoices ----------------------------------------------------------------------------------------

    def lines_to_invoice(self) -> list[InvoiceLine]:
        """Tracked lines not yet in an invoice upload, with every tracking number of their parcel."""
        q = ("SELECT l.channel, l.line_key, l.order_no, s.courier, l.layout_id, l.raw, "
             "(SELECT group_concat(tracking_no, ' ') FROM (SELECT tracking_no FROM tracking t "
             " WHERE t.shipment_id = l.shipment_id ORDER BY read_at, tracking_no)) "
             "FROM lines l JOIN shipments s ON s.shipment_id = l.shipment_id "
             "WHERE l.state = 'tracked' AND l.claim_after_print = '' ORDER BY l.channel, l.order_no, l.line_key")
        return [InvoiceLine(ch, key, order_no, courier, tuple(nos.split()), self._layout(layout_id),
                            tuple(json.loads(raw)) if raw else ())
                for ch, key, order_no, courier, layout_id, raw, nos in self.db.execute(q)]

    def invoice_seq(self, day: str) -> int:
        return self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM invoices WHERE day = ?", (day,)).fetchone()[0] + 1

    def mark_invoiced(self, lines: list[InvoiceLine], day: str, seq: int, file: str) -> None:
        stamp = now()
        self.db.executemany("INSERT INTO invoices VALUES (?, ?, ?, ?, ?, ?)",
                            [(line.channel, line.line_key, day, seq, file, stamp) for line in lines])
        self.db.executemany("UPDATE lines SET state = 'invoiced', updated_at = ? WHERE channel = ? AND line_key = ? "
                            "AND state = 'tracked'", [(stamp, line.channel, line.line_key) for line in lines])

    def tracked_not_invoiced(self) -> list[tuple]:
        return self.db.execute("SELECT channel, line_key, order_no, updated_at FROM lines WHERE state = 'tracked' "
                               "ORDER BY updated_at").fetchall()
