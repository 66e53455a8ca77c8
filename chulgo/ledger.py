"""The ledger: what was read, every line and its state, batches, parcels, tracking numbers, invoices.

Lines move through the state machine of chulgo/states.py, which the ledger stores and enforces (a CHECK on the
state, a trigger on every state change). Natural keys make re-reading a file, or an overlapping export, an update
instead of a duplicate. The schema carries a version (PRAGMA user_version) and MIGRATIONS bring an older ledger up
to date inside one transaction.

Jobs ask the ledger in the domain's words: named queries (``shipments_of_batch``, ``tracked_not_invoiced`` …) that
return the model's objects or the small frozen dataclasses below, never SQL or positional rows; the SQL stays here.
It is plain enough for PostgreSQL but for the SQLite-specific parts the README lists ('장부를 PostgreSQL로 옮긴다면').
"""

from __future__ import annotations

import json
import random
import re
import shutil
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from chulgo.claims import Claim
from chulgo.model import ChulgoError, InvoiceLine, Item, Layout, OrderLine, ParcelLine, Recipient, Shipment
from chulgo.suppliers import SupplierParcel
from chulgo.states import (BATCHED, CANCELLED, CLOSED, CONFIRMED, HELD, HOLD_VANISHED, INVOICED, NEW, RETURNED,
                           PRINTED_STATES, SHIPPED_STATES, STATE_NAMES, STATES, TRACKED, TRANSITIONS, Move,
                           first_state, on_export)

SCHEMA_VERSION = 6      # PRAGMA user_version; MIGRATIONS below bring an older ledger up to it

_STATE_LIST = ", ".join(f"'{s}'" for s in STATES)
# The day's three moves of every line, made a statement at a time by add_shipments, attach_tracking and mark_invoiced,
# which count them (Ledger._recount); the trigger counts every other move a line at a time (on a peak day it cost
# each of those steps half a second).
BULK_MOVES = ((NEW, BATCHED), (BATCHED, TRACKED), (TRACKED, INVOICED))
_BULK_MOVES = " OR ".join(f"(OLD.state = '{a}' AND NEW.state = '{b}')" for a, b in BULK_MOVES)
_FIRST_STATES = ", ".join(f"'{s}'" for s in (NEW, HELD, CANCELLED, CLOSED))

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS line_states (state TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS state_transitions (
    from_state TEXT NOT NULL REFERENCES line_states, to_state TEXT NOT NULL REFERENCES line_states,
    PRIMARY KEY (from_state, to_state));
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, adapter TEXT NOT NULL,
    rows INTEGER NOT NULL, run_id INTEGER, read_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS layouts (
    layout_id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS texts (
    text_id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS uploads (
    upload_id INTEGER PRIMARY KEY, channel TEXT NOT NULL, day TEXT NOT NULL, seq INTEGER NOT NULL, file TEXT NOT NULL,
    written_at TEXT NOT NULL, uploaded_at TEXT, line_count INTEGER NOT NULL, confirmed INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS uploads_day ON uploads(day);
CREATE TABLE IF NOT EXISTS lines (
    channel TEXT NOT NULL, line_key TEXT NOT NULL, order_no TEXT NOT NULL, bundle_key TEXT NOT NULL,
    product_code TEXT, option_code TEXT, quantity INTEGER NOT NULL,
    status_class TEXT NOT NULL DEFAULT '', ordered_at TEXT,
    layout_id INTEGER REFERENCES layouts, source_row INTEGER,
    state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ({_STATE_LIST})),
    hold_reason TEXT NOT NULL DEFAULT '', claim TEXT NOT NULL DEFAULT '', ordered_key TEXT NOT NULL DEFAULT '',
    shipment_id TEXT, updated_at TEXT NOT NULL, purged_at TEXT,
    source_id INTEGER REFERENCES texts, last_file_id INTEGER REFERENCES texts, upload_id INTEGER REFERENCES uploads,
    product_name_id INTEGER REFERENCES texts, option_text_id INTEGER REFERENCES texts, status_id INTEGER REFERENCES texts,
    recipient_id INTEGER, first_seen_id INTEGER NOT NULL REFERENCES texts, state_from_id INTEGER REFERENCES texts,
    ship_by_id INTEGER REFERENCES texts,
    PRIMARY KEY (channel, line_key));
CREATE INDEX IF NOT EXISTS lines_state ON lines(state);
CREATE INDEX IF NOT EXISTS lines_bundle ON lines(channel, bundle_key);
CREATE INDEX IF NOT EXISTS lines_order ON lines(channel, order_no);
CREATE TABLE IF NOT EXISTS export_rows (
    channel TEXT NOT NULL, line_key TEXT NOT NULL, raw TEXT NOT NULL, PRIMARY KEY (channel, line_key),
    FOREIGN KEY (channel, line_key) REFERENCES lines) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS batches (
    batch_id INTEGER PRIMARY KEY, day TEXT NOT NULL, seq INTEGER NOT NULL, courier TEXT NOT NULL,
    created_at TEXT NOT NULL, reissue_of INTEGER, files TEXT NOT NULL DEFAULT '[]', supplier TEXT NOT NULL DEFAULT '',
    parcels INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS recipients (
    recipient_id INTEGER PRIMARY KEY, name TEXT, phone TEXT, phone2 TEXT, zip TEXT, address TEXT, message TEXT);
CREATE TABLE IF NOT EXISTS shipments (
    shipment_id TEXT PRIMARY KEY, batch_id INTEGER NOT NULL REFERENCES batches, courier TEXT NOT NULL,
    recipient_id INTEGER, voided_at TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS shipments_batch ON shipments(batch_id, voided_at);
CREATE TABLE IF NOT EXISTS item_sets (
    item_set INTEGER PRIMARY KEY, items TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS shipment_lines (
    shipment_id TEXT NOT NULL REFERENCES shipments, channel TEXT NOT NULL, line_key TEXT NOT NULL,
    item_set INTEGER NOT NULL REFERENCES item_sets, PRIMARY KEY (shipment_id, channel, line_key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tracking (
    courier TEXT NOT NULL, tracking_no TEXT NOT NULL, shipment_id TEXT NOT NULL REFERENCES shipments,
    source_id INTEGER REFERENCES texts, read_id INTEGER NOT NULL REFERENCES texts, PRIMARY KEY (courier, tracking_no))
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tracking_shipment ON tracking(shipment_id);
CREATE TABLE IF NOT EXISTS unmatched_tracking (
    courier TEXT NOT NULL, tracking_no TEXT NOT NULL, name TEXT, phone TEXT, address TEXT,
    source TEXT, source_row INTEGER, reason TEXT, read_at TEXT NOT NULL, PRIMARY KEY (courier, tracking_no));
CREATE VIEW IF NOT EXISTS invoices AS
    SELECT l.channel, l.line_key, u.day, u.seq, u.file, u.written_at, u.uploaded_at, u.upload_id
    FROM lines l JOIN uploads u ON u.upload_id = l.upload_id;
CREATE TABLE IF NOT EXISTS state_counts (state TEXT PRIMARY KEY, lines INTEGER NOT NULL DEFAULT 0);
CREATE TRIGGER IF NOT EXISTS state_counts_move AFTER UPDATE OF state ON lines WHEN NEW.state != OLD.state
    AND NOT ({_BULK_MOVES})
    BEGIN
        UPDATE state_counts SET lines = lines + (state = NEW.state) - (state = OLD.state)
            WHERE state IN (OLD.state, NEW.state);
    END;
CREATE TRIGGER IF NOT EXISTS state_counts_delete AFTER DELETE ON lines
    BEGIN UPDATE state_counts SET lines = lines - 1 WHERE state = OLD.state; END;
CREATE TABLE IF NOT EXISTS day_counts (
    day TEXT NOT NULL, channel TEXT NOT NULL, collected INTEGER NOT NULL DEFAULT 0,
    shipped INTEGER NOT NULL DEFAULT 0, uploaded INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (day, channel));
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY, job TEXT NOT NULL, started_at TEXT NOT NULL, summary TEXT);
CREATE TABLE IF NOT EXISTS pending_outputs (
    staged TEXT PRIMARY KEY, final TEXT NOT NULL, run_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS stock_moves (
    move_id INTEGER PRIMARY KEY, sku TEXT NOT NULL, qty INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('count', 'shipped', 'unshipped', 'returned')), ref TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS stock_moves_ref ON stock_moves(ref);
CREATE TABLE IF NOT EXISTS stock_balance (
    sku TEXT PRIMARY KEY, count_id INTEGER NOT NULL, counted INTEGER NOT NULL, mark TEXT NOT NULL DEFAULT '',
    counted_at TEXT NOT NULL, moved INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS return_receipts (
    channel TEXT NOT NULL, line_key TEXT NOT NULL, outcome TEXT NOT NULL CHECK (outcome IN ('good', 'defect')),
    at TEXT NOT NULL, PRIMARY KEY (channel, line_key));
CREATE TABLE IF NOT EXISTS claims (
    channel TEXT NOT NULL, line_key TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('return', 'exchange')),
    reason TEXT NOT NULL DEFAULT '', payer TEXT NOT NULL DEFAULT '' CHECK (payer IN ('buyer', 'seller', '')),
    fee INTEGER, pickup_courier TEXT NOT NULL DEFAULT '', pickup_no TEXT NOT NULL DEFAULT '',
    replacement TEXT, source TEXT NOT NULL DEFAULT '', source_row INTEGER, read_at TEXT NOT NULL,
    PRIMARY KEY (channel, line_key));
CREATE INDEX IF NOT EXISTS claims_replacement ON claims(channel, replacement);
CREATE TABLE IF NOT EXISTS api_sync (
    account TEXT PRIMARY KEY, synced_to TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_lines (
    channel TEXT NOT NULL, line_key TEXT NOT NULL, account TEXT NOT NULL, ref TEXT NOT NULL DEFAULT '{{}}',
    confirmed_at TEXT, PRIMARY KEY (channel, line_key));
CREATE TABLE IF NOT EXISTS api_pushes (
    channel TEXT NOT NULL, line_key TEXT NOT NULL, account TEXT NOT NULL, tracking_no TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'refused', 'failed')), message TEXT NOT NULL DEFAULT '',
    tries INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL, PRIMARY KEY (channel, line_key));
CREATE TRIGGER IF NOT EXISTS lines_state_move BEFORE UPDATE OF state ON lines
    WHEN NEW.state != OLD.state AND NOT EXISTS
        (SELECT 1 FROM state_transitions WHERE from_state = OLD.state AND to_state = NEW.state)
    BEGIN SELECT RAISE(ABORT, 'chulgo: line state move not allowed'); END;
CREATE TRIGGER IF NOT EXISTS stock_moves_balance AFTER INSERT ON stock_moves
    BEGIN
        INSERT INTO stock_balance (sku, count_id, counted, mark, counted_at) SELECT NEW.sku, NEW.move_id, NEW.qty,
            NEW.ref, NEW.at WHERE NEW.kind = 'count' ON CONFLICT(sku) DO UPDATE SET count_id = excluded.count_id,
            counted = excluded.counted, mark = excluded.mark, counted_at = excluded.counted_at, moved = 0;
        UPDATE stock_balance SET moved = moved + NEW.qty WHERE sku = NEW.sku AND NEW.kind != 'count';
    END;
CREATE TRIGGER IF NOT EXISTS return_receipts_clear AFTER UPDATE OF state ON lines
    WHEN OLD.state = 'returned' AND NEW.state != 'returned'
    BEGIN DELETE FROM return_receipts WHERE channel = OLD.channel AND line_key = OLD.line_key; END;
CREATE TRIGGER IF NOT EXISTS lines_state_first BEFORE INSERT ON lines
    WHEN NEW.state NOT IN ({_FIRST_STATES})
    BEGIN SELECT RAISE(ABORT, 'chulgo: a line must start open, cancelled or closed'); END;
CREATE TRIGGER IF NOT EXISTS uploads_confirmed AFTER UPDATE OF state ON lines
    WHEN OLD.state = '{INVOICED}' AND NEW.state != '{INVOICED}' AND NEW.upload_id IS NOT NULL
    BEGIN UPDATE uploads SET confirmed = confirmed + 1 WHERE upload_id = NEW.upload_id; END;
CREATE TRIGGER IF NOT EXISTS invoices_uploaded INSTEAD OF UPDATE OF uploaded_at ON invoices
    BEGIN UPDATE uploads SET uploaded_at = NEW.uploaded_at WHERE upload_id = OLD.upload_id; END;
"""

# The schema as v3 left it: the steps to v1, v2 and v3 were written against it (they create what they add from it),
# so an old ledger reaches exactly v3 before the step to v4 reshapes it.
_SCHEMA_V3 = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS line_states (state TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS state_transitions (
    from_state TEXT NOT NULL REFERENCES line_states, to_state TEXT NOT NULL REFERENCES line_states,
    PRIMARY KEY (from_state, to_state));
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
    state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ({_STATE_LIST})),
    hold_reason TEXT NOT NULL DEFAULT '', claim TEXT NOT NULL DEFAULT '', ordered_key TEXT NOT NULL DEFAULT '',
    last_file TEXT NOT NULL DEFAULT '', state_from TEXT NOT NULL DEFAULT '', ship_by TEXT NOT NULL DEFAULT '',
    shipment_id TEXT, first_seen TEXT NOT NULL, updated_at TEXT NOT NULL, purged_at TEXT,
    PRIMARY KEY (channel, line_key));
CREATE INDEX IF NOT EXISTS lines_state ON lines(state);
CREATE INDEX IF NOT EXISTS lines_shipment ON lines(shipment_id);
CREATE INDEX IF NOT EXISTS lines_bundle ON lines(channel, bundle_key);
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
    written_at TEXT NOT NULL, uploaded_at TEXT, PRIMARY KEY (channel, line_key));
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY, job TEXT NOT NULL, started_at TEXT NOT NULL, summary TEXT);
CREATE TABLE IF NOT EXISTS pending_outputs (
    staged TEXT PRIMARY KEY, final TEXT NOT NULL, run_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS stock_moves (
    move_id INTEGER PRIMARY KEY, sku TEXT NOT NULL, qty INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('count', 'shipped', 'unshipped', 'returned')), ref TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS stock_moves_sku ON stock_moves(sku, move_id);
CREATE INDEX IF NOT EXISTS stock_moves_ref ON stock_moves(ref);
CREATE INDEX IF NOT EXISTS stock_moves_kind ON stock_moves(kind, sku, move_id);
CREATE TABLE IF NOT EXISTS return_receipts (
    channel TEXT NOT NULL, line_key TEXT NOT NULL, outcome TEXT NOT NULL CHECK (outcome IN ('good', 'defect')),
    at TEXT NOT NULL, PRIMARY KEY (channel, line_key));
CREATE TABLE IF NOT EXISTS api_sync (
    account TEXT PRIMARY KEY, synced_to TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_lines (
    channel TEXT NOT NULL, line_key TEXT NOT NULL, account TEXT NOT NULL, ref TEXT NOT NULL DEFAULT '{{}}',
    confirmed_at TEXT, PRIMARY KEY (channel, line_key));
CREATE TABLE IF NOT EXISTS api_pushes (
    channel TEXT NOT NULL, line_key TEXT NOT NULL, account TEXT NOT NULL, tracking_no TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'refused', 'failed')), message TEXT NOT NULL DEFAULT '',
    tries INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL, PRIMARY KEY (channel, line_key));
"""
# What v4 (released 2026-11-23) added to v3, as it added it: the step to v4 makes exactly this, the step to v5 reshapes.
_SCHEMA_V4_ADDED = """
CREATE INDEX IF NOT EXISTS lines_order ON lines(channel, order_no);
CREATE INDEX IF NOT EXISTS shipments_batch ON shipments(batch_id, voided_at);
CREATE INDEX IF NOT EXISTS invoices_day ON invoices(day);
CREATE INDEX IF NOT EXISTS invoices_pending ON invoices(day) WHERE uploaded_at IS NULL;
CREATE TABLE IF NOT EXISTS day_counts (
    day TEXT NOT NULL, channel TEXT NOT NULL, collected INTEGER NOT NULL DEFAULT 0,
    shipped INTEGER NOT NULL DEFAULT 0, uploaded INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (day, channel));
CREATE TABLE IF NOT EXISTS stock_balance (
    sku TEXT PRIMARY KEY, count_id INTEGER NOT NULL, counted INTEGER NOT NULL, mark TEXT NOT NULL DEFAULT '',
    counted_at TEXT NOT NULL, moved INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS claims (
    channel TEXT NOT NULL, line_key TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('return', 'exchange')),
    reason TEXT NOT NULL DEFAULT '', payer TEXT NOT NULL DEFAULT '' CHECK (payer IN ('buyer', 'seller', '')),
    fee INTEGER, pickup_courier TEXT NOT NULL DEFAULT '', pickup_no TEXT NOT NULL DEFAULT '',
    replacement TEXT, source TEXT NOT NULL DEFAULT '', source_row INTEGER, read_at TEXT NOT NULL,
    PRIMARY KEY (channel, line_key));
CREATE INDEX IF NOT EXISTS claims_replacement ON claims(channel, replacement);
CREATE TRIGGER IF NOT EXISTS stock_moves_balance AFTER INSERT ON stock_moves
    BEGIN
        INSERT INTO stock_balance (sku, count_id, counted, mark, counted_at) SELECT NEW.sku, NEW.move_id, NEW.qty,
            NEW.ref, NEW.at WHERE NEW.kind = 'count' ON CONFLICT(sku) DO UPDATE SET count_id = excluded.count_id,
            counted = excluded.counted, mark = excluded.mark, counted_at = excluded.counted_at, moved = 0;
        UPDATE stock_balance SET moved = moved + NEW.qty WHERE sku = NEW.sku AND NEW.kind != 'count';
    END;
"""
_V3_LINE_COLUMNS = ("channel", "line_key", "order_no", "bundle_key", "product_code", "option_code", "product_name",
                    "option_text", "quantity", "name", "phone", "phone2", "zip", "address", "message", "status",
                    "status_class", "ordered_at", "layout_id", "raw", "source", "source_row")

LINE_COLUMNS = ("channel", "line_key", "order_no", "bundle_key", "product_code", "option_code", "product_name",
                "option_text", "quantity", "name", "phone", "phone2", "zip", "address", "message", "status",
                "status_class", "ordered_at", "layout_id", "source_id", "source_row")
COMPARED = LINE_COLUMNS[2:18]          # what a newer export may change, order_no … ordered_at
# Repeated texts of a line stored by number (texts): a shop's product names, option texts and statuses are few. So
# are the moments and keys a whole run or file shares (first_seen_id, state_from_id, ship_by_id, tracking's read_id).
TEXT_COLUMNS = {"product_name": "product_name_id", "option_text": "option_text_id", "status": "status_id"}


# A recipient is stored once, in recipients: the lines of a parcel and the parcel itself share its row, and lines and
# shipments keep its number (recipient_id; NULL once purged). A row is never changed: a new address is a new row.
RECIPIENT_COLUMNS = ("name", "phone", "phone2", "zip", "address", "message")
_RECIPIENT_AT = LINE_COLUMNS.index("name")
# The lines columns that hold LINE_COLUMNS (TEXT_COLUMNS by number, the recipient by its number), in their order.
DB_LINE_COLUMNS = tuple(TEXT_COLUMNS.get(c, c) for c in LINE_COLUMNS[:_RECIPIENT_AT]) + ("recipient_id",) + tuple(
    TEXT_COLUMNS.get(c, c) for c in LINE_COLUMNS[_RECIPIENT_AT + len(RECIPIENT_COLUMNS):])
_ORDERED_AT = DB_LINE_COLUMNS.index("ordered_at")
_RECIPIENT_IN_COMPARED = COMPARED.index("name")


def _stored(column: str, alias: str = "lines") -> str:
    """What a select of ``alias`` (a lines table joined by _with_recipient) reads for a LINE_COLUMNS value: a text's
    number for TEXT_COLUMNS, a recipient field from the joined recipients row, the order time as _stored_time left
    it."""
    if column in RECIPIENT_COLUMNS:
        return f"{alias}_r.{column}"
    if column == "ordered_at":
        return (f"CASE WHEN {alias}.ordered_at IS NOT NULL OR {alias}.ordered_key = '' THEN {alias}.ordered_at ELSE "
                + _plain_time(f"{alias}.ordered_key") + " END")
    return f"{alias}.{TEXT_COLUMNS.get(column, column)}"


def _plain_time(key: str) -> str:
    """SQL spelling an order time key (`YYYYMMDDHHMMSS`) as `YYYY-MM-DD HH:MM:SS`, most exports' spelling."""
    return (f"substr({key}, 1, 4) || '-' || substr({key}, 5, 2) || '-' || substr({key}, 7, 2) || ' ' || "
            f"substr({key}, 9, 2) || ':' || substr({key}, 11, 2) || ':' || substr({key}, 13, 2)")


def _stored_time(ordered_at: str | None) -> str | None:
    """A line's 주문일시 as lines keep it: NULL when it is the plain spelling of its ordered_key (most are: the key
    holds it already), else as the channel wrote it."""
    return None if ordered_at and len(ordered_at) == 19 and _PLAIN_TIME.fullmatch(ordered_at) else ordered_at


def _with_recipient(alias: str = "lines") -> str:
    """The join that lets a select of lines or shipments as ``alias`` read the recipient fields as ``alias``_r."""
    return f"LEFT JOIN recipients {alias}_r ON {alias}_r.recipient_id = {alias}.recipient_id"


_PARCEL_RECIPIENT = ", ".join(f"s_r.{c}" for c in RECIPIENT_COLUMNS)    # a parcel's (shipments s) recipient fields


PARCEL_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"   # no I, O, 0, 1: read aloud over the phone


def statements(script: str) -> list[str]:
    """A SQL script cut into statements (triggers keep their inner `;`), to run inside one transaction."""
    out, part = [], ""
    for piece in script.split(";"):
        part += piece + ";"
        if sqlite3.complete_statement(part):
            if part.strip(" \n;"):
                out.append(part.strip())
            part = ""
    return out


def _migrate_to_1(db: sqlite3.Connection) -> None:
    """v0 (no version) → v1: explicit states with a CHECK and a move trigger, hold reasons, claims for every
    shipped state, a sortable order time, a parcel code for this workspace, staged outputs."""
    invoice_columns = {row[1] for row in db.execute("PRAGMA table_info(invoices)")}
    if invoice_columns and "uploaded_at" not in invoice_columns:     # v0 did not record what the seller uploaded
        db.execute("ALTER TABLE invoices ADD COLUMN uploaded_at TEXT")
    db.execute("ALTER TABLE lines RENAME TO lines_v0")
    db.execute("DROP INDEX IF EXISTS lines_state")
    db.execute("DROP INDEX IF EXISTS lines_shipment")
    for statement in statements(_SCHEMA_V3):     # the new tables; triggers after the copy
        db.execute(statement)
    columns = ", ".join(_V3_LINE_COLUMNS)
    db.execute(
        f"INSERT INTO lines ({columns}, state, hold_reason, claim, ordered_key, shipment_id, first_seen, updated_at) "
        f"SELECT {columns}, "
        "CASE WHEN state = 'new' AND status_class = 'hold' THEN 'held' "
        "     WHEN state IN ('invoiced', 'confirmed') AND claim_after_print != '' THEN 'returned' ELSE state END, "
        "CASE WHEN state = 'new' AND status_class = 'hold' THEN 'channel' ELSE '' END, "
        "claim_after_print, order_time_key(ordered_at), shipment_id, first_seen, updated_at FROM lines_v0")
    # Which file last listed a line was not kept before v1: no line counts as dropped until it is seen again.
    db.execute("DROP TABLE lines_v0")


def _migrate_to_2(db: sqlite3.Connection) -> None:
    """v1 → v2: channel API accounts — where each sync reached, which account a line came from, and every
    tracking number pushed (recorded as 'sending' before the call, so a crash never pushes a line twice)."""
    for statement in statements(_SCHEMA_V3):
        if "api_" in statement.split("(")[0]:
            db.execute(statement)


def _migrate_to_3(db: sqlite3.Connection) -> None:
    """v2 → v3: stock movements per SKU (a count the seller typed, then shipped −, unshipped +, returned +). Parcels
    made before v3 moved no stock: the first count read after the upgrade is where stock starts."""
    for statement in statements(_SCHEMA_V3):
        head = statement.split("(")[0]
        if "stock_moves" in head or "return_receipts" in head:
            db.execute(statement)
    # Parcels already on the road get their shipped moves (before any count, so no stock changes): a later void
    # or settled cancellation then puts back exactly what they took.
    db.execute("INSERT INTO stock_moves (sku, qty, kind, ref, at) "
               "SELECT json_extract(j.value, '$[0]'), -json_extract(j.value, '$[1]'), 'shipped', "
               "sl.shipment_id || '|' || sl.channel || '|' || sl.line_key, b.created_at "
               "FROM shipment_lines sl JOIN shipments s ON s.shipment_id = sl.shipment_id "
               "JOIN batches b ON b.batch_id = s.batch_id, json_each(sl.items) j WHERE s.voided_at IS NULL")


V5_OBJECTS = ("texts", "uploads", "uploads_day", "item_sets", "export_rows", "state_counts")
_TRACKING_V5 = """CREATE TABLE tracking (
    courier TEXT NOT NULL, tracking_no TEXT NOT NULL, shipment_id TEXT NOT NULL REFERENCES shipments,
    source_id INTEGER REFERENCES texts, read_at TEXT NOT NULL, PRIMARY KEY (courier, tracking_no)) WITHOUT ROWID"""


def _created(statement: str) -> str:
    """The name of the table, index, view or trigger a `CREATE … IF NOT EXISTS name …` statement makes."""
    return statement.split("IF NOT EXISTS", 1)[1].split()[0]


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def _create(db: sqlite3.Connection, *names: str) -> None:
    """Create these objects as SCHEMA has them."""
    for statement in statements(SCHEMA):
        if _created(statement) in names:
            db.execute(statement)


def _migrate_to_4(db: sqlite3.Connection) -> None:
    """v3 → v4 (as released): batches sent to a supplier (위탁: a 발주서 instead of a waybill), the channels' claims
    (반품·교환 with reason, who pays the return shipping, the pick-up tracking number, an exchange's replacement line),
    and lines found by order number (쿠팡's claim list names the order and option); parcels by batch, uploads by day
    and the day counts the dashboard shows, so a big ledger does not slow an ordinary day."""
    if "supplier" not in _columns(db, "batches"):
        db.execute("ALTER TABLE batches ADD COLUMN supplier TEXT NOT NULL DEFAULT ''")
    for statement in statements(_SCHEMA_V4_ADDED):
        db.execute(statement)
    # Each counted SKU's balance: its last count and the sum of the moves after it (later kept up by a trigger).
    db.execute("INSERT INTO stock_balance (sku, count_id, counted, mark, counted_at, moved) "
               "SELECT c.sku, c.move_id, c.qty, c.ref, c.at, COALESCE((SELECT SUM(m.qty) FROM stock_moves m "
               "WHERE m.sku = c.sku AND m.move_id > c.move_id), 0) FROM stock_moves c JOIN (SELECT sku, MAX(move_id) AS id "
               "FROM stock_moves WHERE kind = 'count' GROUP BY sku) l ON l.id = c.move_id")
    # Stock is read from the balance now: the indexes that summed the moves go (a peak day's moves are many).
    db.execute("DROP INDEX IF EXISTS stock_moves_sku")
    db.execute("DROP INDEX IF EXISTS stock_moves_kind")
    # The day counts the dashboard shows, from what the ledger holds (later kept up by every write).
    db.execute("INSERT INTO day_counts (day, channel, collected) SELECT substr(first_seen, 1, 10), channel, COUNT(*) "
               "FROM lines GROUP BY 1, 2 ON CONFLICT(day, channel) DO UPDATE SET collected = excluded.collected")
    db.execute("INSERT INTO day_counts (day, channel, shipped) SELECT b.day, sl.channel, COUNT(*) FROM shipment_lines sl "
               "JOIN shipments s ON s.shipment_id = sl.shipment_id JOIN batches b ON b.batch_id = s.batch_id "
               "WHERE s.voided_at IS NULL GROUP BY 1, 2 "
               "ON CONFLICT(day, channel) DO UPDATE SET shipped = excluded.shipped")
    db.execute("INSERT INTO day_counts (day, channel, uploaded) SELECT day, channel, COUNT(*) FROM invoices GROUP BY 1, 2 "
               "ON CONFLICT(day, channel) DO UPDATE SET uploaded = excluded.uploaded")


def _migrate_to_5(db: sqlite3.Connection) -> None:
    """v4 → v5: a smaller ledger (a peak day's lines are many): file names and repeated texts once, the export rows
    an upload needs in their own table until the upload is written, one row per upload file instead of one per line,
    a line's parcel items as one shared set, no copy of a parcel's items, stock taken per batch."""
    _create(db, *V5_OBJECTS)
    # A parcel's lines are found through its shipment_lines.
    db.execute("DROP INDEX IF EXISTS lines_shipment")
    # A line names its source file and the file that last listed it by a number (the name once, in texts).
    if "source" in _columns(db, "lines"):
        db.execute("ALTER TABLE lines ADD COLUMN source_id INTEGER REFERENCES texts")
        db.execute("ALTER TABLE lines ADD COLUMN last_file_id INTEGER REFERENCES texts")
        db.execute("ALTER TABLE lines ADD COLUMN upload_id INTEGER REFERENCES uploads")
        db.execute("INSERT OR IGNORE INTO texts (text) SELECT source FROM lines WHERE source != '' "
                   "UNION SELECT last_file FROM lines WHERE last_file != ''")
        db.execute("UPDATE lines SET source_id = (SELECT text_id FROM texts WHERE text = lines.source), "
                   "last_file_id = (SELECT text_id FROM texts WHERE text = lines.last_file)")
        db.execute("ALTER TABLE lines DROP COLUMN source")
        db.execute("ALTER TABLE lines DROP COLUMN last_file")
        # The export rows kept for uploads, in their own table: they go when the upload is written, whole pages free.
        # Only lines still to be uploaded need theirs (an uploaded line's row is never read again).
        db.execute("INSERT INTO export_rows (channel, line_key, raw) SELECT channel, line_key, raw FROM lines "
                   f"WHERE raw IS NOT NULL AND raw != '' AND state NOT IN ('{INVOICED}', '{CONFIRMED}', '{RETURNED}', "
                   f"'{CLOSED}')")
        db.execute("ALTER TABLE lines DROP COLUMN raw")
    if "product_name" in _columns(db, "lines"):
        for column, stored in TEXT_COLUMNS.items():
            db.execute(f"ALTER TABLE lines ADD COLUMN {stored} INTEGER REFERENCES texts")
            db.execute(f"INSERT OR IGNORE INTO texts (text) SELECT DISTINCT {column} FROM lines WHERE {column} != ''")
            db.execute(f"UPDATE lines SET {stored} = (SELECT text_id FROM texts WHERE text = lines.{column})")
            db.execute(f"ALTER TABLE lines DROP COLUMN {column}")
    # One row per upload file (what the seller marks as uploaded); each line names its upload.
    if db.execute("SELECT type FROM sqlite_master WHERE name = 'invoices'").fetchone() == ("table",):
        db.execute("INSERT INTO uploads (channel, day, seq, file, written_at, uploaded_at, line_count, confirmed) "
                   "SELECT i.channel, i.day, i.seq, i.file, i.written_at, i.uploaded_at, COUNT(*), "
                   f"SUM(l.state IN ('{CONFIRMED}', '{RETURNED}')) FROM invoices i JOIN lines l ON l.channel = i.channel "
                   "AND l.line_key = i.line_key GROUP BY i.channel, i.day, i.seq, i.file, i.written_at, i.uploaded_at")
        db.execute("UPDATE lines SET upload_id = u.upload_id FROM invoices i JOIN uploads u ON u.channel = i.channel "
                   "AND u.day = i.day AND u.seq = i.seq AND u.file = i.file AND u.written_at = i.written_at "
                   "AND u.uploaded_at IS i.uploaded_at WHERE lines.channel = i.channel AND lines.line_key = i.line_key")
        db.execute("DROP TABLE invoices")
    # A parcel's items were its lines' items again: never read, gone. A line's items are one shared set.
    if "items" in _columns(db, "shipments"):
        db.execute("ALTER TABLE shipments DROP COLUMN items")
    if "items" in _columns(db, "shipment_lines"):
        db.execute("INSERT OR IGNORE INTO item_sets (items) SELECT DISTINCT items FROM shipment_lines")
        db.execute("ALTER TABLE shipment_lines RENAME TO shipment_lines_v3")
        _create(db, "shipment_lines")
        db.execute("INSERT INTO shipment_lines (shipment_id, channel, line_key, item_set) SELECT sl.shipment_id, "
                   "sl.channel, sl.line_key, i.item_set FROM shipment_lines_v3 sl JOIN item_sets i ON i.items = sl.items")
        db.execute("DROP TABLE shipment_lines_v3")
    if "source" in _columns(db, "tracking"):
        db.execute("INSERT OR IGNORE INTO texts (text) SELECT DISTINCT source FROM tracking WHERE source IS NOT NULL")
        db.execute("DROP INDEX IF EXISTS tracking_shipment")
        db.execute("ALTER TABLE tracking RENAME TO tracking_v3")
        db.execute(_TRACKING_V5)
        _create(db, "tracking_shipment")
        db.execute("INSERT INTO tracking (courier, tracking_no, shipment_id, source_id, read_at) SELECT courier, "
                   "tracking_no, shipment_id, (SELECT text_id FROM texts WHERE text = t.source), read_at FROM tracking_v3 t")
        db.execute("DROP TABLE tracking_v3")
    # Lines per state, kept by triggers from here on (status reads them instead of counting every line).
    db.execute("INSERT INTO state_counts (state, lines) SELECT state, COUNT(*) FROM lines GROUP BY state")


def _migrate_to_6(db: sqlite3.Connection) -> None:
    """v5 → v6: a recipient once (a parcel's lines and the parcel named it up to six times), parcels kept by their
    id alone (no second key), a line's keys shared by a collect or file by number (and a tracking number's moment),
    its order time not twice, each batch's count of live parcels."""
    _create(db, "recipients")
    recipient = ", ".join(RECIPIENT_COLUMNS)
    kept = " OR ".join(f"{c} IS NOT NULL" for c in RECIPIENT_COLUMNS)         # purged: every field NULL
    db.execute(f"INSERT INTO recipients ({recipient}) SELECT {recipient} FROM lines WHERE {kept} "
               f"UNION SELECT {recipient} FROM shipments WHERE {kept}")
    db.execute(f"CREATE INDEX recipients_v5 ON recipients ({recipient})")        # for the two look-ups below
    same = " AND ".join(f"r.{c} IS {{t}}.{c}" for c in RECIPIENT_COLUMNS)
    db.execute("ALTER TABLE lines ADD COLUMN recipient_id INTEGER")
    db.execute(f"UPDATE lines SET recipient_id = (SELECT r.recipient_id FROM recipients r WHERE {same.format(t='lines')}) "
               f"WHERE {kept}")
    for column in RECIPIENT_COLUMNS:
        db.execute(f"ALTER TABLE lines DROP COLUMN {column}")
    # Keys a whole collect or file shares (when it was first seen, the export's time that set the state, the
    # channel's 발송기한) by number, each text once in texts ('' → NULL).
    for column, kind in (("first_seen", "NOT NULL DEFAULT 0"), ("state_from", ""), ("ship_by", "")):
        db.execute(f"ALTER TABLE lines ADD COLUMN {column}_id INTEGER {kind} REFERENCES texts")
        db.execute(f"INSERT OR IGNORE INTO texts (text) SELECT DISTINCT {column} FROM lines WHERE {column} != ''")
        db.execute(f"UPDATE lines SET {column}_id = (SELECT text_id FROM texts WHERE text = lines.{column}) "
                   f"WHERE {column} != ''")
        db.execute(f"ALTER TABLE lines DROP COLUMN {column}")
    # When a tracking number was read: one moment per tracking run, by number.
    db.execute("ALTER TABLE tracking ADD COLUMN read_id INTEGER NOT NULL DEFAULT 0 REFERENCES texts")
    db.execute("INSERT OR IGNORE INTO texts (text) SELECT DISTINCT read_at FROM tracking")
    db.execute("UPDATE tracking SET read_id = (SELECT text_id FROM texts WHERE text = tracking.read_at)")
    db.execute("ALTER TABLE tracking DROP COLUMN read_at")
    # An order time spelled as its key spells it is the key's to give (_stored_time).
    db.execute(f"UPDATE lines SET ordered_at = NULL WHERE ordered_at = {_plain_time('ordered_key')}")
    # shipments without its rowid: rebuilt under a new name, then renamed (its children keep naming 'shipments').
    db.execute([st for st in statements(SCHEMA) if _created(st) == "shipments"][0]
               .replace("EXISTS shipments", "EXISTS shipments_v6"))
    db.execute("INSERT INTO shipments_v6 (shipment_id, batch_id, courier, recipient_id, voided_at) SELECT shipment_id, "
               f"batch_id, courier, (SELECT r.recipient_id FROM recipients r WHERE {same.format(t='s')}), voided_at "
               "FROM shipments s")
    db.execute("DROP TABLE shipments")
    db.execute("ALTER TABLE shipments_v6 RENAME TO shipments")
    db.execute("DROP INDEX recipients_v5")
    _create(db, "shipments_batch")
    # Lines added, and the day's bulk moves, are counted by the code that makes them (Ledger._recount).
    db.execute("DROP TRIGGER IF EXISTS state_counts_insert")
    db.execute("DROP TRIGGER IF EXISTS state_counts_move")
    db.execute("ALTER TABLE batches ADD COLUMN parcels INTEGER NOT NULL DEFAULT 0")
    db.execute("UPDATE batches SET parcels = (SELECT COUNT(*) FROM shipments s WHERE s.batch_id = batches.batch_id "
               "AND s.voided_at IS NULL)")


MIGRATIONS = {1: _migrate_to_1, 2: _migrate_to_2, 3: _migrate_to_3, 4: _migrate_to_4, 5: _migrate_to_5,
              6: _migrate_to_6}         # version reached -> step from the version before


def order_time_key(text: str | None) -> str:
    """A channel's 주문일시 in any of its spellings as `YYYYMMDDHHMMSS` (missing parts 0), '' if unreadable."""
    if not text:
        return ""
    if len(text) == 19 and _PLAIN_TIME.fullmatch(text):     # `2026-11-22 10:20:30`, most exports' spelling
        return text[:4] + text[5:7] + text[8:10] + text[11:13] + text[14:16] + text[17:19]
    m = _ORDER_TIME.search(text)
    if not m:
        return ""
    parts = [int(p or 0) for p in m.groups()]
    if parts[3] < 12 and _AFTERNOON.search(text):
        parts[3] += 12
    elif parts[3] == 12 and _MORNING.search(text):
        parts[3] = 0
    return "%04d%02d%02d%02d%02d%02d" % tuple(parts)


_ORDER_TIME = re.compile(r"(\d{4})\D?(\d\d|\d)\D?(\d\d|\d)(?:\D*(\d\d|\d)\D?(\d\d|\d)(?:\D?(\d\d|\d))?)?")
_PLAIN_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
_AFTERNOON = re.compile(r"오후|PM", re.IGNORECASE)
_MORNING = re.compile(r"오전|AM", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LineId:
    """A line's natural key: its channel and the channel's own line key."""

    channel: str
    line_key: str


@dataclass(frozen=True, slots=True)
class LineClaim:
    """A claim on one of our lines: the channel's status (취소요청, 보류 …) or its claim list's text (반품요청 …)."""

    channel: str
    line_key: str
    claim: str


@dataclass(frozen=True, slots=True)
class Exchange:
    """An exchange of a shipped line, and the replacement line made to ship the new goods (`<key>#교환`)."""

    channel: str
    line_key: str
    replacement: str


@dataclass
class CollectReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: list[LineId] = field(default_factory=list)              # before printing: stopped
    reopened: list[LineId] = field(default_factory=list)               # 취소철회 / hold released
    claim_after_print: list[LineClaim] = field(default_factory=list)   # the claim is the channel's status
    returns: list[LineClaim] = field(default_factory=list)             # claim after the upload: a return
    address_after_print: list[LineId] = field(default_factory=list)
    previous_files: set[str] = field(default_factory=set)   # the files that listed this file's known lines before


@dataclass(frozen=True)
class Batch:
    """One ship run for one courier. The seller knows it as `20261124_1차`, the name its files carry."""

    batch_id: int
    day: str
    seq: int
    courier: str
    files: tuple[str, ...] = ()
    reissue_of: int | None = None
    parcels: int = 0
    tracked: int = 0
    supplier: str = ""       # a 발주서 to this supplier (위탁), not a courier's waybill

    @property
    def label(self) -> str:
        return f"{self.day.replace('-', '')}_{self.seq}차"


@dataclass(frozen=True)
class Purged:
    lines: int = 0
    parcels: int = 0
    unmatched: int = 0

    @property
    def any(self) -> bool:
        return bool(self.lines or self.parcels or self.unmatched)

    def text(self) -> str:
        return f"주문 {self.lines}줄, 송장 {self.parcels}건, 미매칭 운송장 {self.unmatched}건의 받는분 정보를 지웠습니다"


@dataclass(frozen=True)
class UploadFile:
    """One invoice upload file the tool made: whether the seller said it went up, and what the channel confirmed."""

    file: str
    channel: str
    day: str
    lines: int
    uploaded_at: str | None
    confirmed: int           # lines the channel's own export now shows as shipped

    @property
    def done(self) -> bool:
        return self.uploaded_at is not None or self.confirmed == self.lines


@dataclass(frozen=True)
class OpenDeadline:
    channel: str
    line_key: str
    order_no: str
    ship_by: str             # order-time keys
    ordered: str


@dataclass
class ClaimReport:
    """What a claim list did to our lines."""

    returns: list[LineClaim] = field(default_factory=list)      # uploaded → 반품
    printed: list[LineClaim] = field(default_factory=list)      # on a waybill, not uploaded: 출력후취소
    held: list[LineClaim] = field(default_factory=list)         # not shipped yet: held
    exchanges: list[Exchange] = field(default_factory=list)
    withdrawn: list[LineId] = field(default_factory=list)
    withdrawn_received: list[LineId] = field(default_factory=list)   # withdrawn after we received the goods
    unknown: list[Claim] = field(default_factory=list)                   # no such line of ours


@dataclass(frozen=True)
class ClaimInfo:
    kind: str
    reason: str
    payer: str
    fee: int | None
    pickup_courier: str
    pickup_no: str
    replacement: str | None
    read_at: str


@dataclass(frozen=True, slots=True)
class OpenLine:
    """A line not yet on a waybill (or in whatever states were asked for), as the ledger holds it."""

    line: OrderLine
    hold_reason: str         # '' or a chulgo.states hold reason (the channel's 보류, dropped from its list)
    first_seen: str          # when it was first collected (ISO moment)


@dataclass(frozen=True, slots=True)
class ClaimedLine:
    """A shipped line the channel has a claim on: 출력후취소 before the upload, a return to receive after it."""

    line: OrderLine
    claim: str
    state: str
    shipment_id: str | None  # our parcel it is on


@dataclass(frozen=True, slots=True)
class ReceivedReturn:
    """A returned line whose goods came back, and the goods (back on the shelf when they were good)."""

    channel: str
    line_key: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class UnmatchedTracking:
    """A courier's tracking number no parcel of ours could be matched to."""

    courier: str
    tracking_no: str
    name: str | None         # the recipient the courier's file names (None once purged)
    source: str | None       # file and row it was read from
    source_row: int | None
    reason: str | None
    read_at: str


@dataclass(frozen=True, slots=True)
class AwaitedParcel:
    """A live parcel of ours printed and still waiting for its tracking number."""

    shipment_id: str
    day: str                 # its batch's day
    name: str | None         # the recipient (None once purged)


@dataclass(frozen=True, slots=True)
class DayCounts:
    """Lines collected, put on a live waybill and uploaded on one day (the dashboard's history)."""

    collected: int = 0
    shipped: int = 0
    uploaded: int = 0


@dataclass(frozen=True, slots=True)
class TrackedLine:
    """A line with its tracking number that is in no invoice upload yet."""

    channel: str
    line_key: str
    order_no: str
    tracked_at: str          # when it became tracked (ISO moment)


@dataclass(frozen=True, slots=True)
class Unlisted:
    """Lines a channel's API no longer knows: the open ones now held, and those already on a waybill."""

    held: tuple[str, ...]
    printed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ApiLine:
    """Which API account a line came through, the ids its API needs to act on it, and whether 발주확인 was sent."""

    account: str | None
    ref: dict
    confirmed: bool


@dataclass(frozen=True, slots=True)
class ApiOpenLine:
    """An API account's line not yet uploaded."""

    line_key: str
    order_no: str
    ref: dict
    ordered_key: str         # its order time key ('' when unreadable)


@dataclass(frozen=True, slots=True)
class LineToConfirm:
    """An API line to ship whose 발주확인 the channel has not had yet."""

    account: str
    line: OrderLine
    ref: dict


@dataclass(frozen=True, slots=True)
class PushState:
    """Where pushing a line's tracking number through its channel's API stands."""

    state: str               # 'sending' | 'sent' | 'refused' | 'failed'
    message: str
    tries: int


@dataclass(frozen=True)
class PendingOutput:
    staged: str          # paths relative to the workspace
    final: str


def _items_json(items: Iterable[Item]) -> str:
    """A parcel's or line's items as stored: compact JSON (a peak day stores hundreds of thousands)."""
    return json.dumps([[it.sku, it.quantity, it.name, it.location, it.barcode] for it in items], ensure_ascii=False,
                      separators=(",", ":"))


def _batch_ref(batch_id: int) -> str:
    """The shipped moves of a batch: its goods per SKU (v3 kept one move per line item, named by _move_ref)."""
    return f"batch:{batch_id}"


def _move_ref(shipment_id: str, channel: str, line_key: str) -> str:
    """A line's unshipped move names its parcel and line, so its goods go back on the shelf once."""
    return f"{shipment_id}|{channel}|{line_key}"


def _line_select(alias: str = "lines", raw: bool = True) -> str:
    """The _LINE_WIDTH columns Ledger._line reads, of lines as ``alias`` joined by _with_recipient: LINE_COLUMNS with
    the export row (or NULL) after layout_id, then the recipient's number."""
    columns = [_stored(c, alias) for c in LINE_COLUMNS]
    columns.insert(LINE_COLUMNS.index("layout_id") + 1, "NULL" if not raw else
                   f"(SELECT raw FROM export_rows r WHERE r.channel = {alias}.channel AND r.line_key = {alias}.line_key)")
    return ", ".join(columns + [f"{alias}.recipient_id"])


_LINE_WIDTH = len(LINE_COLUMNS) + 2


def _on_parcel(*states: str) -> str:
    """The lines now on a parcel in one of ``states`` (two parameters: the parcel id twice), found through the
    parcel's shipment_lines: lines keep no index by parcel (a peak day's lines are many). `+state` keeps SQLite from
    reading every line in that state instead."""
    return ("(channel, line_key) IN (SELECT channel, line_key FROM shipment_lines WHERE shipment_id = ?) "
            f"AND shipment_id = ? AND +state IN ({', '.join(repr(s) for s in states)})")


# The line's own fields a stored export row may point at instead of repeating them (in COMPARED order, line key first).
RAW_FIELDS = ("line_key",) + tuple(c for c in COMPARED if c not in ("status", "status_class"))


def _raw_fields(line_key: str, compared: Sequence) -> tuple[str, ...]:
    """The texts a stored row's cells may point at: the line key and its compared fields as stored (None → '')."""
    values = dict(zip(COMPARED, compared))
    return (line_key,) + tuple("" if values[c] is None else str(values[c]) for c in RAW_FIELDS[1:])


def _raw_text(cells: Sequence[str], fields: Sequence[str]) -> str | None:
    """An export row as stored: a JSON list where a string is a cell as downloaded, n ≥ 0 a cell equal to the line's
    field RAW_FIELDS[n] (stored once, on the line), and −n a run of n empty cells. A 쿠팡 row repeats the order
    number, product, recipient … the line already holds: about half of it. () → None (nothing kept)."""
    if not cells:
        return None
    at = {}
    for n, value in enumerate(fields):
        if value:
            at.setdefault(value, n)
    out: list[str | int] = []
    for cell in cells:
        if cell == "":
            if out and isinstance(out[-1], int) and out[-1] < 0:
                out[-1] -= 1
            else:
                out.append(-1)
        else:
            out.append(at.get(cell, cell))
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def _raw_cells(text: str | None, fields: Sequence[str]) -> tuple[str, ...]:
    """The export row back, cell for cell, from its stored text and the line's fields as they were when it was stored
    (a ledger before v4 stored every cell as a string: read as is)."""
    if not text:
        return ()
    out: list[str] = []
    for part in json.loads(text):
        if isinstance(part, str):
            out.append(part)
        elif part < 0:
            out.extend([""] * -part)
        else:
            out.append(fields[part])
    return tuple(out)


@dataclass(frozen=True)
class Stock:
    sku: str
    counted: int          # the seller's last 재고 count
    counted_at: str       # when the tool first read it
    on_hand: int          # the count plus every movement since (shipped −, unshipped and returned +)


class Ledger:
    """The SQLite state store. Use ``with ledger.transaction():`` around every run's writes."""

    def __init__(self, path: Path | str, *, parcel_code: str = "") -> None:
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(path, isolation_level=None, timeout=10)
            self.db.create_function("order_time_key", 1, order_time_key, deterministic=True)
            # Pages a run frees (export rows once uploaded) go back to the disk after it: see _release_free_pages.
            # Effective for a new file; an older ledger switches at its next compact() (the daily purge).
            self.db.execute("PRAGMA auto_vacuum=INCREMENTAL")
            if path != ":memory:":
                self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA busy_timeout=10000")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA secure_delete=ON")       # purged personal data is overwritten, not just unlinked
            self._open_schema(parcel_code)
        except sqlite3.DatabaseError as e:
            raise ChulgoError(f"장부 파일 {path}을(를) 열 수 없습니다 ({e}). 다른 프로그램이 쓰고 있지 않은지 확인하세요.") from None
        self._layouts: dict[Layout, int] = {}
        self._layout_cache: dict[int, Layout] = {}
        self._text_ids: dict[str, int] = {}
        self._texts: dict[int, str] = {}
        self._item_sets: dict[tuple[Item, ...], int] = {}
        self._item_set_items: dict[int, tuple[Item, ...]] = {}
        self._recipient_ids: dict[tuple, int] = {}      # this transaction's recipients by their fields
        self._new_recipients: list[tuple] = []          # made by _recipient_id, written by _store_recipients
        self._next_recipient: int | None = None
        self.clock: Callable[[], datetime] = datetime.now       # a run's clock (tests and backfills inject one)

    def now(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    @classmethod
    def snapshot(cls, path: Path) -> Ledger:
        """An in-memory copy of the ledger at ``path`` (a dry run changes nothing on disk, not even WAL files).
        No file there: an empty in-memory ledger."""
        ledger = cls(":memory:")
        if not path.exists():
            return ledger
        with tempfile.TemporaryDirectory(prefix="chulgo-dryrun-") as tmp:
            copy = Path(tmp) / path.name
            for suffix in ("", "-wal"):
                source = path.with_name(path.name + suffix)
                if source.exists():
                    shutil.copyfile(source, copy.with_name(copy.name + suffix))
            disk = sqlite3.connect(copy)
            try:
                disk.backup(ledger.db)
            finally:
                disk.close()
        ledger._open_schema("")
        return ledger

    def _open_schema(self, parcel_code: str) -> None:
        """Create a new ledger, or bring an older one up to SCHEMA_VERSION; refuse one from a newer chulgo."""
        db = self.db
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ChulgoError(f"이 장부는 더 새 버전의 chulgo(장부 형식 {version})가 만든 것입니다. 프로그램을 업데이트하세요 "
                              "(git pull 또는 새로 내려받기). 장부는 그대로 둡니다.")
        fresh = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'lines'").fetchone() is None
        if version == SCHEMA_VERSION:
            stored = set(db.execute("SELECT from_state, to_state FROM state_transitions"))
            if stored != set(TRANSITIONS):          # chulgo/states.py changed: the trigger follows it
                with self.transaction():
                    db.execute("DELETE FROM state_transitions")
                    db.executemany("INSERT INTO state_transitions VALUES (?, ?)", sorted(TRANSITIONS))
            return
        db.execute("PRAGMA foreign_keys=OFF")        # a step may rebuild a table others refer to (checked below)
        db.execute("BEGIN IMMEDIATE")
        try:
            if not fresh:
                broken = len(db.execute("PRAGMA foreign_key_check").fetchall())
                for target in range(version + 1, SCHEMA_VERSION + 1):
                    MIGRATIONS[target](db)
                if len(db.execute("PRAGMA foreign_key_check").fetchall()) > broken:
                    raise ChulgoError("장부 형식을 새 버전으로 바꾸다 참조가 맞지 않는 줄이 생겨 멈췄습니다. 장부는 그대로 둡니다. "
                                      "--debug 로 다시 실행해 알려 주세요.")
            self._seed(parcel_code)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.execute("PRAGMA foreign_keys=ON")

    def _seed(self, parcel_code: str) -> None:
        """The state table (and a count of lines for each state), the transitions the trigger allows, and this
        workspace's parcel code."""
        db = self.db
        for statement in statements(SCHEMA):
            db.execute(statement)
        db.execute("DELETE FROM state_transitions")
        db.executemany("INSERT INTO line_states VALUES (?, ?) ON CONFLICT(state) DO UPDATE SET name = excluded.name",
                       STATE_NAMES.items())
        db.executemany("INSERT INTO state_transitions VALUES (?, ?)", sorted(TRANSITIONS))
        db.execute("INSERT INTO state_counts (state) SELECT state FROM line_states WHERE true ON CONFLICT DO NOTHING")
        code = parcel_code or "".join(random.SystemRandom().choice(PARCEL_CODE_ALPHABET) for _ in range(3))
        db.execute("INSERT INTO meta VALUES ('parcel_code', ?) ON CONFLICT DO NOTHING", (code,))

    @property
    def parcel_code(self) -> str:
        """A short code of this workspace in every parcel id, so two shops on one courier account never collide."""
        return self.db.execute("SELECT value FROM meta WHERE key = 'parcel_code'").fetchone()[0]

    def set_parcel_code(self, code: str) -> None:
        self.db.execute("INSERT INTO meta VALUES ('parcel_code', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        (code,))

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
                self._forget()
                raise
            self.db.execute("RELEASE step")
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._forget_recipients()         # a purge in another run may have removed a row this one remembers
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            self._forget()
            raise
        self.db.execute("COMMIT" if commit else "ROLLBACK")
        if not commit:
            self._forget()
        else:
            self._release_free_pages()

    FREE_SHARE = 0.1      # free pages above this share of the file are given back after a run

    def _release_free_pages(self) -> None:
        """Give the file's free pages back when they are many (the invoice step deletes a peak day's export rows:
        some 10 MB). They are zeroed already (secure_delete); an old ledger without auto_vacuum keeps them."""
        try:
            pages, free = (self.db.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "freelist_count"))
            if free > pages * self.FREE_SHARE and self.db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2:
                self.db.executescript("PRAGMA incremental_vacuum;")     # a script: it runs to the end, not one page
        except sqlite3.Error:
            pass      # the run is committed; the pages stay free (reused) and the next run tries again

    def _forget(self) -> None:
        """After a rollback: the numbers of layouts, texts and item sets written inside it are gone with it."""
        self._layouts.clear()
        self._layout_cache.clear()
        self._text_ids.clear()
        self._texts.clear()
        self._item_sets.clear()
        self._item_set_items.clear()
        self._forget_recipients()

    def _forget_recipients(self) -> None:
        self._recipient_ids.clear()
        self._new_recipients.clear()
        self._next_recipient = None

    def start_run(self, job: str) -> int:
        return self.db.execute("INSERT INTO runs(job, started_at) VALUES (?, ?)", (job, self.now())).lastrowid

    def finish_run(self, run_id: int, summary: str) -> None:
        self.db.execute("UPDATE runs SET summary = ? WHERE run_id = ?", (summary, run_id))

    # -- staged outputs ----------------------------------------------------------------------------------

    def stage_outputs(self, run_id: int, outputs: list[PendingOutput]) -> None:
        """Files written under a temporary name that must appear under their final name once this commits."""
        self.db.executemany("INSERT OR REPLACE INTO pending_outputs VALUES (?, ?, ?)",
                            [(o.staged, o.final, run_id) for o in outputs])

    def pending_outputs(self) -> list[PendingOutput]:
        return [PendingOutput(s, f) for s, f in self.db.execute("SELECT staged, final FROM pending_outputs ORDER BY rowid")]

    def output_published(self, staged: str) -> None:
        self.db.execute("DELETE FROM pending_outputs WHERE staged = ?", (staged,))

    # -- personal data ------------------------------------------------------------------------------------

    def purge_personal_data(self, before_day: str) -> Purged:
        """Remove the recipient fields and raw export rows of lines finished before ``before_day`` (order keys,
        quantities, dates, states and tracking numbers stay), of parcels printed before it with no unfinished line,
        and of unmatched tracking rows read before it."""
        finished = ", ".join(f"'{s}'" for s in (INVOICED, CONFIRMED, RETURNED, CANCELLED, CLOSED))
        stamp = self.now()
        lines = self.db.execute(
            f"UPDATE lines SET recipient_id = NULL, purged_at = ? WHERE purged_at IS NULL AND state IN ({finished}) "
            "AND updated_at < ?", (stamp, before_day)).rowcount
        self.db.execute("DELETE FROM export_rows WHERE EXISTS (SELECT 1 FROM lines l WHERE l.purged_at IS NOT NULL "
                        "AND l.channel = export_rows.channel AND l.line_key = export_rows.line_key)")
        parcels = self.db.execute(
            "UPDATE shipments SET recipient_id = NULL "
            "WHERE recipient_id IS NOT NULL AND batch_id IN (SELECT batch_id FROM batches WHERE day < ?) AND shipment_id "
            f"NOT IN (SELECT shipment_id FROM lines WHERE state IN ('{BATCHED}', '{TRACKED}') AND shipment_id IS NOT NULL)",
            (before_day,)).rowcount
        # A recipient no line or parcel names any more is gone (secure_delete overwrites it).
        self.db.execute("DELETE FROM recipients WHERE recipient_id NOT IN (SELECT recipient_id FROM lines WHERE "
                        "recipient_id IS NOT NULL UNION SELECT recipient_id FROM shipments WHERE recipient_id IS NOT NULL)")
        self._forget_recipients()
        unmatched = self.db.execute(
            "UPDATE unmatched_tracking SET name = NULL, phone = NULL, address = NULL "
            "WHERE read_at < ? AND (name IS NOT NULL OR phone IS NOT NULL OR address IS NOT NULL)", (before_day,)).rowcount
        return Purged(lines, parcels, unmatched)

    def compact(self) -> None:
        """After a purge: empty the WAL and rewrite the file, so removed data is not left in free pages."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.execute("PRAGMA auto_vacuum=INCREMENTAL")      # an older ledger takes it with this rewrite
        self.db.execute("VACUUM")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- files -------------------------------------------------------------------------------------------

    def file_seen(self, sha: str) -> bool:
        return self.db.execute("SELECT 1 FROM files WHERE sha256 = ?", (sha,)).fetchone() is not None

    def record_file(self, sha: str, name: str, kind: str, adapter: str, rows: int, run_id: int) -> None:
        self.db.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        (sha, name, kind, adapter, rows, run_id, self.now()))

    # -- lines -------------------------------------------------------------------------------------------

    def _layout_id(self, layout: Layout | None) -> int | None:
        """The number of an export's layout (every line of a file has the same one: looked up once)."""
        if layout is None:
            return None
        if layout not in self._layouts:
            body = json.dumps([layout.sheet, layout.before, layout.header, layout.after], ensure_ascii=False)
            self.db.execute("INSERT INTO layouts(body) VALUES (?) ON CONFLICT DO NOTHING", (body,))
            self._layouts[layout] = self.db.execute("SELECT layout_id FROM layouts WHERE body = ?", (body,)).fetchone()[0]
        return self._layouts[layout]

    def _layout(self, layout_id: int | None) -> Layout | None:
        if layout_id is None:
            return None
        if layout_id not in self._layout_cache:
            body = self.db.execute("SELECT body FROM layouts WHERE layout_id = ?", (layout_id,)).fetchone()[0]
            sheet, before, header, after = json.loads(body)
            self._layout_cache[layout_id] = Layout(sheet, tuple(map(tuple, before)), tuple(header), tuple(map(tuple, after)))
        return self._layout_cache[layout_id]

    def _text_id(self, text: str | None) -> int | None:
        """The number a repeated text (a file name, a file id) is stored under; '' and None are None."""
        if not text:
            return None
        if text not in self._text_ids:
            self.db.execute("INSERT INTO texts (text) VALUES (?) ON CONFLICT DO NOTHING", (text,))
            self._text_ids[text] = self.db.execute("SELECT text_id FROM texts WHERE text = ?", (text,)).fetchone()[0]
        return self._text_ids[text]

    def _text(self, text_id: int | None) -> str:
        if text_id is None:
            return ""
        if text_id not in self._texts:
            row = self.db.execute("SELECT text FROM texts WHERE text_id = ?", (text_id,)).fetchone()
            self._texts[text_id] = row[0] if row else ""
        return self._texts[text_id]

    def _item_set(self, items: Iterable[Item]) -> int:
        """The number of a line's parcel items as stored (lines of one option and quantity share one set)."""
        items = tuple(items)
        if items not in self._item_sets:
            text = _items_json(items)
            self.db.execute("INSERT INTO item_sets (items) VALUES (?) ON CONFLICT DO NOTHING", (text,))
            self._item_sets[items] = self.db.execute("SELECT item_set FROM item_sets WHERE items = ?", (text,)).fetchone()[0]
        return self._item_sets[items]

    def _items(self, item_set: int) -> tuple[Item, ...]:
        if item_set not in self._item_set_items:
            text = self.db.execute("SELECT items FROM item_sets WHERE item_set = ?", (item_set,)).fetchone()[0]
            self._item_set_items[item_set] = tuple(Item(*it) for it in json.loads(text))
        return self._item_set_items[item_set]

    def _recipient_id(self, fields: Sequence[str | None]) -> int | None:
        """The number of the recipients row with these RECIPIENT_COLUMNS fields: one this transaction read or made,
        else a new one (written by _store_recipients). A purged recipient (every field None) has none."""
        key = tuple(fields)
        rid = self._recipient_ids.get(key)
        if rid is None:
            if all(v is None for v in key):
                return None
            if self._next_recipient is None:
                self._next_recipient = self.db.execute(
                    "SELECT COALESCE(MAX(recipient_id), 0) + 1 FROM recipients").fetchone()[0]
            rid = self._recipient_ids[key] = self._next_recipient
            self._next_recipient += 1
            self._new_recipients.append((rid,) + key)
        return rid

    def _store_recipients(self) -> None:
        """Write the recipients rows _recipient_id made (before anything that names them is read back)."""
        self.db.executemany(f"INSERT INTO recipients (recipient_id, {', '.join(RECIPIENT_COLUMNS)}) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)", self._new_recipients)
        self._new_recipients.clear()

    def _db_row(self, values: Sequence) -> tuple:
        """A line's LINE_COLUMNS values from _values as DB_LINE_COLUMNS store them (the recipient by number, the
        order time by _stored_time)."""
        end = _RECIPIENT_AT + len(RECIPIENT_COLUMNS)
        row = tuple(values[:_RECIPIENT_AT]) + (self._recipient_id(values[_RECIPIENT_AT:end]),) + tuple(values[end:])
        return row[:_ORDERED_AT] + (_stored_time(row[_ORDERED_AT]),) + row[_ORDERED_AT + 1:]

    def _recount(self, change: Counter) -> None:
        """Add {state: ±lines} to state_counts: lines just added, or moved by one of BULK_MOVES (every other move
        and a delete are counted by triggers; a trigger per added line cost a peak day's collect a second)."""
        self.db.executemany("UPDATE state_counts SET lines = lines + ? WHERE state = ?",
                            [(n, state) for state, n in change.items() if n])

    def _recount_move(self, move: tuple[str, str], lines: int) -> None:
        self._recount(Counter({move[0]: -lines, move[1]: lines}))

    def _values(self, line: OrderLine) -> tuple[tuple, str | None]:
        """The line's LINE_COLUMNS values as stored (texts by number; the recipient's fields as they are, see
        _db_row), and its export row as stored (None: none kept)."""
        r = line.recipient
        compared = (line.order_no, line.bundle_key, line.product_code, line.option_code, line.product_name,
                    line.option_text, line.quantity, r.name, r.phone, r.phone2, r.zip, r.address, r.message, line.status,
                    line.status_class, line.ordered_at)
        stored = tuple(self._text_id(v) if c in TEXT_COLUMNS else v for c, v in zip(COMPARED, compared))
        return ((line.channel, line.line_key) + stored +
                (self._layout_id(line.layout), self._text_id(line.source), line.source_row),
                _raw_text(line.raw, _raw_fields(line.line_key, compared)) if line.raw else None)

    def _compared(self, stored: Sequence) -> tuple:
        """COMPARED values as the line has them, from their stored form (texts by number)."""
        return tuple(self._text(v) if c in TEXT_COLUMNS else v for c, v in zip(COMPARED, stored))

    def upsert_lines(self, lines: Iterable[OrderLine], file_id: str = "", file_time: str = "") -> CollectReport:
        """Store lines from an export (``file_id``: its sha256, ``file_time``: its latest order time key): new ones
        are added, known ones move as chulgo.states.on_export says. An export older than the one that cancelled or
        held a line does not bring it back. Each line keeps which file last listed it by the first 16 hex digits of
        the sha256 (64 bits: enough to tell one shop's downloads apart, a quarter of the bytes on every line)."""
        file_id = file_id[:16]
        report = CollectReport()
        lines = list(lines)
        compared = ", ".join(_stored(c) for c in COMPARED)
        existing: dict[tuple[str, str], tuple[str, str, tuple]] = {}
        since: dict[tuple[str, str], tuple[str, bool]] = {}     # (order time of the export that set the state, purged)
        keys = {(line.channel, line.line_key) for line in lines}
        for ch in {line.channel for line in lines}:      # only this file's lines: a big ledger costs nothing here
            wanted = sorted(k for c, k in keys if c == ch)
            for row in self._lookup(f"SELECT line_key, state, claim, last_file_id, state_from_id, purged_at IS NOT NULL, "
                                    f"lines.recipient_id, {compared} FROM lines {_with_recipient()} "
                                    f"WHERE lines.channel = ? AND line_key IN ({{in}})", wanted, (ch,)):
                existing[(ch, row[0])] = (row[1], row[2], tuple(row[7:]))
                if row[6] is not None:          # a new line to the same recipient shares its row
                    self._recipient_ids.setdefault(tuple(row[7 + _RECIPIENT_IN_COMPARED:][:len(RECIPIENT_COLUMNS)]),
                                                   row[6])
                since[(ch, row[0])] = (self._text(row[4]), bool(row[5]))
                report.previous_files.add(self._text(row[3]))
        claimed = {(ch, k) for ch in {line.channel for line in lines}
                   for (k,) in self.db.execute("SELECT line_key FROM claims WHERE channel = ?", (ch,))}
        stamp = self.now()
        seen = self._text_id(stamp)     # first_seen: one moment for every line of this call, stored once
        file_no, file_from = self._text_id(file_id), self._text_id(file_time)
        inserts, updates = [], []
        stored_raw: dict[tuple[str, str], str | None] = {}      # export rows this call stores, to write after the lines

        def kept_raw(key: tuple[str, str], old_fields: tuple, new_fields: tuple) -> str | None:
            """The stored row of a known line, pointing at its new fields (it points at the line's own fields)."""
            if key in stored_raw:
                text = stored_raw[key]
            else:
                row = self.db.execute("SELECT raw FROM export_rows WHERE channel = ? AND line_key = ?", key).fetchone()
                text = row[0] if row else None
            return _raw_text(_raw_cells(text, _raw_fields(key[1], self._compared(old_fields))),
                             _raw_fields(key[1], self._compared(new_fields)))

        # An API read carries no export layout or raw row: the ones an export stored are kept for its upload.
        set_all = ", ".join(f"{c} = COALESCE(?, {c})" if c == "layout_id" else f"{c} = ?" for c in DB_LINE_COLUMNS[2:])
        for line in lines:
            key = (line.channel, line.line_key)
            values, raw = self._values(line)
            fields = values[2:2 + len(COMPARED)]
            old = existing.get(key)
            if old is None:
                move = first_state(line.status_class)
                inserts.append(self._db_row(values) + (move.state, move.hold_reason, order_time_key(line.ordered_at),
                                                       file_no, file_from, self._text_id(order_time_key(line.ship_by)),
                                                       seen, stamp))
                existing[key] = (move.state, "", fields)
                if raw is not None:
                    stored_raw[key] = raw
                report.new += 1
                continue
            state, old_claim, old_fields = old
            move = on_export(state, line.status_class, line.status)
            if state == HELD and move.state == NEW and key in claimed:
                move = Move(HELD, hold_reason="channel")   # the claim list holds it until its 철회
            if state == RETURNED and move.state != RETURNED and key in claimed:
                move = Move(RETURNED, old_claim)   # the claim list says the goods come back; its 철회 says otherwise
            state_from, purged = since[key]
            if state != move.state and state in (HELD, CANCELLED) and file_time and file_time < state_from:
                report.unchanged += 1          # an older download than the one that cancelled or held it
                continue
            if state in (NEW, HELD, CANCELLED):
                # Not on a waybill yet: the newer export is the truth, every field included.
                if move.state == CANCELLED and state != CANCELLED:
                    report.cancelled.append(LineId(*key))
                elif move.state == NEW and state in (HELD, CANCELLED):
                    report.reopened.append(LineId(*key))
                if fields != old_fields or move.state != state:
                    # The export is the truth again (a purged line read again is purged again later).
                    if raw is None and fields != old_fields:     # the export's row stays, as it was
                        raw = kept_raw(key, old_fields, fields)
                    if raw is not None:
                        stored_raw[key] = raw
                    updates.append((f"UPDATE lines SET {set_all}, state = ?, hold_reason = ?, ordered_key = ?, "
                                    "state_from_id = ?, ship_by_id = ?, purged_at = NULL, updated_at = ? "
                                    "WHERE channel = ? AND line_key = ?",
                                    self._db_row(values)[2:] + (move.state, move.hold_reason,
                                                                order_time_key(line.ordered_at),
                                                  file_from if move.state != state else self._text_id(state_from),
                                                  self._text_id(order_time_key(line.ship_by)), stamp) + key))
                    report.updated += 1
                else:
                    report.unchanged += 1
            elif state == CLOSED:
                report.unchanged += 1
                continue
            else:
                # On a waybill: only the status, the claim and (said once) a changed address are taken.
                recipient = tuple(values[LINE_COLUMNS.index(c)] for c in RECIPIENT_COLUMNS)
                old_recipient = tuple(old_fields[COMPARED.index(c)] for c in RECIPIENT_COLUMNS)
                # After a purge the stored recipient is gone on purpose: neither compared nor written back.
                moved = not purged and recipient != old_recipient and bool(line.recipient.address)
                if move.claim and move.claim != old_claim:
                    claims = report.returns if move.state == RETURNED else report.claim_after_print
                    claims.append(LineClaim(*key, move.claim))
                if moved:
                    report.address_after_print.append(LineId(*key))   # said once: the new address is stored below
                old_status, status = old_fields[COMPARED.index("status")], self._text_id(line.status)
                if move.claim != old_claim or move.state != state or old_status != status or moved:
                    now_recipient = recipient if moved else old_recipient
                    taken = dict(zip(RECIPIENT_COLUMNS, now_recipient), status=status, status_class=line.status_class)
                    fields = tuple(taken.get(c, old_fields[n]) for n, c in enumerate(COMPARED))
                    if moved:                       # its stored row stays as downloaded, whatever it points at
                        raw = kept_raw(key, old_fields, fields)
                        if raw is not None:
                            stored_raw[key] = raw
                    updates.append(("UPDATE lines SET status_id = ?, status_class = ?, claim = ?, state = ?, "
                                    "recipient_id = ?, updated_at = ? WHERE channel = ? AND line_key = ?",
                                    (status, line.status_class, move.claim, move.state,
                                     self._recipient_id(now_recipient), stamp) + key))
                    report.updated += 1
                else:
                    fields = old_fields
                    report.unchanged += 1
            existing[key] = (move.state, move.claim, fields)     # as stored now
        self._store_recipients()
        self.db.executemany(f"INSERT INTO lines ({', '.join(DB_LINE_COLUMNS)}, state, hold_reason, "
                            f"ordered_key, last_file_id, state_from_id, ship_by_id, first_seen_id, updated_at) "
                            f"VALUES ({', '.join('?' * (len(DB_LINE_COLUMNS) + 8))})", inserts)
        self._recount(Counter(row[len(DB_LINE_COLUMNS)] for row in inserts))
        self._count("collected", ((stamp[:10], ch, n) for ch, n in Counter(row[0] for row in inserts).items()))
        for sql, params in updates:
            self.db.execute(sql, params)
        self.db.executemany("INSERT INTO export_rows (channel, line_key, raw) VALUES (?, ?, ?) "
                            "ON CONFLICT(channel, line_key) DO UPDATE SET raw = excluded.raw",
                            [key + (raw,) for key, raw in stored_raw.items()])
        if file_no is not None and existing:
            self.db.executemany("UPDATE lines SET last_file_id = ? WHERE channel = ? AND line_key = ?",
                                [(file_no,) + key for key in existing])
        report.previous_files.discard("")
        return report

    def hold_vanished(self, channel: str, keys_in_file: set[str], first: str, last: str,
                      previous_files: set[str]) -> list[str]:
        """Open lines of ``channel`` ordered between ``first`` and ``last`` (order time keys) that an earlier export
        of the same list listed (one of ``previous_files``, which this export repeats) and this newer one no longer
        does: the channel dropped them (쿠팡 drops cancelled orders). Held, never shipped. Exports of another account
        of the channel, or another page of the same day, share no lines and hold nothing."""
        if not first or not last or not previous_files:
            return []
        rows = self._lookup("SELECT line_key FROM lines WHERE channel = ? AND state = ? AND ordered_key != '' "
                            "AND ordered_key BETWEEN ? AND ? AND last_file_id IN "
                            "(SELECT text_id FROM texts WHERE text IN ({in}))", sorted(previous_files),
                            (channel, NEW, first, last))
        gone = [key for (key,) in rows if key not in keys_in_file]
        self._hold_vanished(channel, gone, last)
        return gone

    def _hold_vanished(self, channel: str, keys: list[str], since: str) -> None:
        """Hold these open lines as dropped by the channel; an export older than ``since`` does not reopen them."""
        stamp = self.now()
        since_id = self._text_id(since)
        self.db.executemany("UPDATE lines SET state = ?, hold_reason = ?, state_from_id = ?, updated_at = ? "
                            "WHERE channel = ? AND line_key = ?",
                            [(HELD, HOLD_VANISHED, since_id, stamp, channel, key) for key in keys])

    def _line(self, row: sqlite3.Row | tuple) -> OrderLine:
        """A line from the first _LINE_WIDTH columns of a row selected by _line_select."""
        (channel, line_key, order_no, bundle_key, pcode, ocode, pname, otext, qty, name, phone, phone2, zip_,
         address, message, status, status_class, ordered_at, layout_id, raw, source_id, source_row,
         recipient_id) = row[:_LINE_WIDTH]
        text = self._text
        if recipient_id is not None:       # a parcel made of this line shares its recipient's row
            self._recipient_ids.setdefault(row[_RECIPIENT_AT:_RECIPIENT_AT + len(RECIPIENT_COLUMNS)], recipient_id)
        return OrderLine(channel, line_key, order_no, bundle_key, pcode or "", ocode or "", text(pname),
                         text(otext), qty,
                         Recipient(name or "", phone or "", phone2 or "", zip_ or "", address or "", message or ""),
                         text(status), status_class, ordered_at or "", self._layout(layout_id),
                         _raw_cells(raw, _raw_fields(line_key, self._compared(row[2:18]))) if raw else (),
                         text(source_id), source_row or 0)

    def open_lines(self, *states: str) -> list[OpenLine]:
        """Lines in ``states`` with their hold reason and when they were first collected, oldest order first (by the
        order time, whatever its channel's spelling), without their raw export row."""
        q = (f"SELECT {_line_select(raw=False)}, hold_reason, first_seen_id FROM lines {_with_recipient()} "
             f"WHERE state IN ({', '.join('?' * len(states))}) ORDER BY ordered_key, channel, line_key")
        line, text, n = self._line, self._text, _LINE_WIDTH
        return [OpenLine(line(r), r[n], text(r[n + 1])) for r in self.db.execute(q, states)]

    def count_by_state(self) -> dict[str, int]:
        """Lines per state, kept as lines are added (_count_added) and move (triggers): a ledger of a million lines
        is not counted on every status."""
        return dict(self.db.execute("SELECT state, lines FROM state_counts WHERE lines > 0"))

    def claims_after_print(self) -> list[ClaimedLine]:
        """Every printed, not yet uploaded line the channel has since cancelled or put on hold (출력후취소)."""
        return self._claims(PRINTED_STATES)

    def returns(self) -> list[ClaimedLine]:
        """Uploaded lines the channel now lists as cancelled or claimed, whose goods have not come back yet: returns
        to receive."""
        received = set(self.db.execute("SELECT channel, line_key FROM return_receipts"))
        return [r for r in self._claims((RETURNED,)) if (r.line.channel, r.line.line_key) not in received]

    def receive_returns(self, keys: list[str], outcome: str) -> list[ReceivedReturn]:
        """Returned goods came back (``outcome`` 'good': back on the shelf, stock +; 'defect': not). ``keys``: line
        keys, order numbers or our parcel ids. Each line is received once. Returns the lines received."""
        marks = ", ".join("?" * len(keys))
        rows = self.db.execute(
            f"SELECT l.channel, l.line_key, sl.item_set FROM lines l JOIN shipment_lines sl ON sl.channel = l.channel "
            f"AND sl.line_key = l.line_key AND sl.shipment_id = l.shipment_id WHERE l.state = '{RETURNED}' "
            f"AND (l.line_key IN ({marks}) OR l.order_no IN ({marks}) OR l.shipment_id IN ({marks})) "
            "AND NOT EXISTS (SELECT 1 FROM return_receipts r WHERE r.channel = l.channel AND r.line_key = l.line_key)",
            keys * 3).fetchall()
        stamp = self.now()
        out = []
        for channel, key, item_set in rows:
            items = self._items(item_set)
            self.db.execute("INSERT INTO return_receipts VALUES (?, ?, ?, ?)", (channel, key, outcome, stamp))
            if outcome == "good":
                self.db.executemany("INSERT INTO stock_moves (sku, qty, kind, ref, at) VALUES (?, ?, 'returned', ?, ?)",
                                    [(it.sku, int(it.quantity), f"{channel}:{key}", stamp) for it in items])
            out.append(ReceivedReturn(channel, key, items))
        return out

    def record_claims(self, claims: list[Claim]) -> ClaimReport:
        """A channel's 반품·교환 list: each claim is kept (reason, payer, fee, 회수 송장) and moves its line — an uploaded
        line becomes a return to receive (not 출력후취소), a printed one is flagged, an unshipped one held. An exchange
        of a shipped line gets one replacement line (`<key>#교환`) that ships as a new parcel, once however often the
        list is read. A withdrawn claim (철회·거부) puts the line back and stops a replacement not yet shipped."""
        out = ClaimReport()
        stamp = self.now()
        for c in self._claim_lines(claims, out):
            row = self.db.execute("SELECT state, claim, hold_reason FROM lines WHERE channel = ? AND line_key = ?",
                                  (c.channel, c.line_key)).fetchone()
            if row is None:
                out.unknown.append(c)
                continue
            state, old_claim, hold = row
            known = self.db.execute("SELECT replacement FROM claims WHERE channel = ? AND line_key = ?",
                                    (c.channel, c.line_key)).fetchone()
            if c.withdrawn:
                received = self.db.execute("SELECT 1 FROM return_receipts WHERE channel = ? AND line_key = ?",
                                           (c.channel, c.line_key)).fetchone()
                if received is not None and known is not None:
                    out.withdrawn_received.append(LineId(c.channel, c.line_key))   # the goods are here: the seller decides
                elif known is not None:
                    if self._withdraw_claim(c.channel, c.line_key, state, hold, known[0], stamp):
                        out.printed.append(LineClaim(c.channel, known[0], "교환철회"))    # its replacement is to be pulled
                    out.withdrawn.append(LineId(c.channel, c.line_key))
                continue
            if state in (CANCELLED, CLOSED):
                continue
            self.db.execute(
                "INSERT INTO claims (channel, line_key, kind, reason, payer, fee, pickup_courier, pickup_no, source, "
                "source_row, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(channel, line_key) DO UPDATE "
                "SET kind = excluded.kind, reason = excluded.reason, payer = excluded.payer, "
                "fee = COALESCE(excluded.fee, claims.fee), "
                "pickup_courier = COALESCE(NULLIF(excluded.pickup_courier, ''), claims.pickup_courier), "
                "pickup_no = COALESCE(NULLIF(excluded.pickup_no, ''), claims.pickup_no), source = excluded.source, "
                "source_row = excluded.source_row",
                (c.channel, c.line_key, c.kind, c.reason, c.payer, c.fee, c.pickup_courier, c.pickup_no, c.source,
                 c.source_row, stamp))
            entry = LineClaim(c.channel, c.line_key, c.text)
            if state in (NEW, HELD):
                if state == NEW or old_claim != c.text:
                    self._set_claim(c, HELD, stamp, hold_reason="channel")
                    out.held.append(entry)
            elif state in PRINTED_STATES:
                if old_claim != c.text:
                    self._set_claim(c, state, stamp)
                    out.printed.append(entry)
            else:                                    # uploaded: the goods come back
                if state != RETURNED or old_claim != c.text:
                    self._set_claim(c, RETURNED, stamp)
                    if state != RETURNED:
                        out.returns.append(entry)
                if c.kind == "exchange" and (known is None or known[0] is None):
                    new_key = f"{c.line_key}#교환"
                    before = self.db.total_changes
                    added = self.db.execute(
                        f"INSERT INTO lines ({', '.join(DB_LINE_COLUMNS)}, state, hold_reason, ordered_key, "
                        "last_file_id, state_from_id, ship_by_id, first_seen_id, updated_at) SELECT channel, ?, order_no, "
                        "bundle_key || '#교환', product_code, option_code, product_name_id, option_text_id, quantity, "
                        "recipient_id, ?, '', ordered_at, NULL, ?, ?, "
                        f"'{NEW}', '', ordered_key, NULL, NULL, NULL, ?, ? FROM lines WHERE channel = ? AND line_key = ? "
                        "ON CONFLICT DO NOTHING",
                        (new_key, self._text_id("교환 재발송"), self._text_id(c.source), c.source_row,
                         self._text_id(stamp), stamp, c.channel, c.line_key)).rowcount
                    self._recount(Counter({NEW: added}))
                    # Asked again after a withdrawal: the replacement cancelled then goes out after all (once).
                    self.db.execute(f"UPDATE lines SET state = '{NEW}', claim = '', updated_at = ? WHERE channel = ? "
                                    f"AND line_key = ? AND state = '{CANCELLED}'", (stamp, c.channel, new_key))
                    made = self.db.total_changes - before
                    self.db.execute("UPDATE claims SET replacement = ? WHERE channel = ? AND line_key = ?",
                                    (new_key, c.channel, c.line_key))
                    if made:                     # a replacement made or brought back (not one already shipped)
                        out.exchanges.append(Exchange(c.channel, c.line_key, new_key))
        return out

    def _claim_lines(self, claims: list[Claim], out: ClaimReport) -> Iterator[Claim]:
        """Each claim on its line: by line key, or (a list naming order and option) on every line of that order
        and option — a box split in two is claimed whole."""
        for c in claims:
            if c.line_key:
                yield c
                continue
            keys = [k for (k,) in self.db.execute("SELECT line_key FROM lines WHERE channel = ? AND order_no = ? AND "
                                                  "option_code = ? AND line_key NOT LIKE '%#교환'",
                                                  (c.channel, c.order_no, c.option_code))]
            if not keys:
                out.unknown.append(c)
            for key in keys:
                yield replace(c, line_key=key)

    def _set_claim(self, c: Claim, state: str, stamp: str, hold_reason: str | None = None) -> None:
        self.db.execute("UPDATE lines SET state = ?, claim = ?, hold_reason = COALESCE(?, hold_reason), updated_at = ? "
                        "WHERE channel = ? AND line_key = ?", (state, c.text, hold_reason, stamp, c.channel, c.line_key))

    def _withdraw_claim(self, channel: str, key: str, state: str, hold: str, replacement: str | None,
                        stamp: str) -> bool:
        """The line as before the claim; a replacement not yet shipped is cancelled, a printed one flagged (True)."""
        self.db.execute("DELETE FROM claims WHERE channel = ? AND line_key = ?", (channel, key))
        back = {RETURNED: CONFIRMED, HELD: NEW if hold == "channel" else HELD}.get(state, state)
        self.db.execute("UPDATE lines SET state = ?, claim = '', hold_reason = CASE WHEN ? = 'new' THEN '' ELSE "
                        "hold_reason END, updated_at = ? WHERE channel = ? AND line_key = ?",
                        (back, back, stamp, channel, key))
        if replacement:
            self.db.execute(f"UPDATE lines SET state = '{CANCELLED}', updated_at = ? WHERE channel = ? AND line_key = ? "
                            f"AND state IN ('{NEW}', '{HELD}')", (stamp, channel, replacement))
            flagged = self.db.execute(f"UPDATE lines SET claim = '교환철회', updated_at = ? WHERE channel = ? AND "
                                      f"line_key = ? AND state IN ('{BATCHED}', '{TRACKED}')", (stamp, channel, replacement))
            return flagged.rowcount > 0
        return False

    def claim_details(self) -> dict[tuple[str, str], ClaimInfo]:
        """{(channel, line key): what its channel's claim list said} for every claim on record."""
        return {(ch, key): ClaimInfo(*rest) for ch, key, *rest in self.db.execute(
            "SELECT channel, line_key, kind, reason, payer, fee, pickup_courier, pickup_no, replacement, read_at "
            "FROM claims")}

    def _claims(self, states: tuple[str, ...]) -> list[ClaimedLine]:
        q = (f"SELECT {_line_select()}, claim, state, shipment_id FROM lines {_with_recipient()} "
             f"WHERE claim != '' AND state IN ({', '.join('?' * len(states))}) ORDER BY channel, line_key")
        n = _LINE_WIDTH
        return [ClaimedLine(self._line(r), *r[n:n + 3]) for r in self.db.execute(q, states)]

    # -- batches and parcels -----------------------------------------------------------------------------

    def new_batch(self, day: str, courier: str, reissue_of: int | None = None, supplier: str = "") -> Batch:
        """Open a batch (for a courier, or a supplier's 발주서 with courier ''); its number within the day is what the
        seller sees in its files' names."""
        seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM batches WHERE day = ?", (day,)).fetchone()[0] + 1
        batch_id = self.db.execute("INSERT INTO batches(day, seq, courier, created_at, reissue_of, supplier) "
                                   "VALUES (?, ?, ?, ?, ?, ?)", (day, seq, courier, self.now(), reissue_of, supplier)).lastrowid
        return Batch(batch_id, day, seq, courier, (), reissue_of, supplier=supplier)

    def set_batch_files(self, batch_id: int, files: list[str]) -> None:
        self.db.execute("UPDATE batches SET files = ? WHERE batch_id = ?", (json.dumps(files, ensure_ascii=False), batch_id))

    # Tracked = live parcels less those still waiting (lines 'batched': found through the state index, so old
    # batches cost a count, not a look at every parcel's tracking).
    # A batch's live parcels are counted as they are made and voided (a peak batch has tens of thousands).
    _BATCH_SELECT = ("SELECT b.batch_id, b.day, b.seq, b.courier, b.files, b.reissue_of, b.supplier, b.parcels, "
                     "b.parcels - "
                     f"(SELECT COUNT(DISTINCT l.shipment_id) FROM lines l JOIN shipments s ON s.shipment_id = l.shipment_id "
                     f" WHERE l.state = '{BATCHED}' AND s.batch_id = b.batch_id AND s.voided_at IS NULL) FROM batches b ")

    def _batch(self, row: tuple | None) -> Batch | None:
        if row is None:
            return None
        return Batch(row[0], row[1], row[2], row[3], tuple(json.loads(row[4])), row[5], row[7], row[8], row[6])

    def batch(self, batch_id: int) -> Batch | None:
        return self._batch(self.db.execute(self._BATCH_SELECT + "WHERE b.batch_id = ?", (batch_id,)).fetchone())

    def batch_of_day(self, day: str, seq: int) -> Batch | None:
        """The batch the seller names `YYYYMMDD_N차`."""
        return self._batch(self.db.execute(self._BATCH_SELECT + "WHERE b.day = ? AND b.seq = ?", (day, seq)).fetchone())

    def recent_batches(self, limit: int = 30) -> list[Batch]:
        rows = self.db.execute(self._BATCH_SELECT + "ORDER BY b.batch_id DESC LIMIT ?", (limit,)).fetchall()
        return [b for b in map(self._batch, rows) if b is not None]

    def add_shipments(self, shipments: list[Shipment], moves_stock: bool = True) -> None:
        """Record parcels and move their lines to 'batched' (a line is put on a waybill once). The goods leave the
        shelf as one move per SKU and batch (a line's share is its items, read back when it is pulled or voided); a
        supplier's parcels (``moves_stock`` False) take nothing from our shelf."""
        rows, links, moves = [], [], []
        taken: Counter = Counter()
        stamp = self.now()
        for s in shipments:
            r = s.recipient
            rows.append((s.shipment_id, s.batch_id, s.courier,
                         self._recipient_id((r.name, r.phone, r.phone2, r.zip, r.address, r.message))))
            for line in s.lines:
                links.append((s.shipment_id, line.channel, line.line_key, self._item_set(line.items)))
                moves.append((s.shipment_id, stamp, line.channel, line.line_key))
                for it in line.items if moves_stock else ():
                    taken[(_batch_ref(s.batch_id), it.sku)] += it.quantity
        self._store_recipients()
        self.db.executemany("INSERT INTO shipments(shipment_id, batch_id, courier, recipient_id) VALUES (?, ?, ?, ?)",
                            rows)
        self.db.executemany("UPDATE batches SET parcels = parcels + ? WHERE batch_id = ?",
                            [(n, b) for b, n in Counter(s.batch_id for s in shipments).items()])
        self.db.executemany("INSERT INTO shipment_lines (shipment_id, channel, line_key, item_set) VALUES (?, ?, ?, ?)",
                            links)
        self.db.executemany("INSERT INTO stock_moves (sku, qty, kind, ref, at) VALUES (?, ?, 'shipped', ?, ?)",
                            [(sku, -n, ref, stamp) for (ref, sku), n in taken.items()])
        self._count("shipped", self._per_batch_day([(s.batch_id, line.channel) for s in shipments for line in s.lines]))
        cur = self.db.executemany(f"UPDATE lines SET state = '{BATCHED}', shipment_id = ?, updated_at = ? "
                                  f"WHERE channel = ? AND line_key = ? AND state = '{NEW}'", moves)
        self._recount_move((NEW, BATCHED), cur.rowcount)
        if cur.rowcount != len(moves):
            raise ChulgoError("이미 송장에 오른 줄을 다시 올리려 했습니다. 아무것도 저장하지 않았습니다. --debug 로 다시 실행해 알려 주세요.")

    def shipments_of_batch(self, batch_id: int) -> list[Shipment]:
        """The live (not void) parcels of a batch, with their lines."""
        return self._shipments("s.batch_id = ? AND s.voided_at IS NULL", (batch_id,))

    def courier_shipments_of_day(self, day: str) -> list[Shipment]:
        """The live parcels of every courier batch of ``day`` (a supplier's 발주서 is not ours to pick)."""
        return self._shipments("s.voided_at IS NULL AND s.batch_id IN (SELECT batch_id FROM batches WHERE day = ? "
                               "AND supplier = '')", (day,))

    def _shipments(self, where: str, params: tuple) -> list[Shipment]:
        """Parcels with their lines, filtered by a SQL condition on the shipments table (alias s)."""
        ships = self.db.execute(
            f"SELECT s.shipment_id, s.batch_id, s.courier, {_PARCEL_RECIPIENT} FROM shipments s {_with_recipient('s')} "
            f"WHERE {where} ORDER BY s.shipment_id", params).fetchall()
        if not ships:
            return []
        ids = [s[0] for s in ships]
        lines: dict[str, list[ParcelLine]] = {i: [] for i in ids}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            for sid, ch, key, item_set, order_no, pname, otext, qty in self.db.execute(
                    "SELECT sl.shipment_id, sl.channel, sl.line_key, sl.item_set, l.order_no, l.product_name_id, "
                    "l.option_text_id, l.quantity FROM shipment_lines sl JOIN lines l "
                    "ON l.channel = sl.channel AND l.line_key = sl.line_key "
                    f"WHERE sl.shipment_id IN ({', '.join('?' * len(part))})", part):
                lines[sid].append(ParcelLine(ch, key, order_no, self._text(pname), self._text(otext), qty,
                                             self._items(item_set)))
        return [Shipment(s[0], s[1], s[2], Recipient(*s[3:9]), tuple(lines[s[0]])) for s in ships]

    def shipments_by_id(self, shipment_ids: list[str]) -> list[Shipment]:
        """These parcels with their lines, in id order (looked up in chunks SQLite accepts)."""
        ids = sorted(set(shipment_ids))
        out: list[Shipment] = []
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            out += self._shipments(f"s.shipment_id IN ({', '.join('?' * len(part))})", tuple(part))
        return out

    def _per_batch_day(self, lines: list[tuple[int, str]], sign: int = 1) -> list[tuple[str, str, int]]:
        """(batch id, channel) of lines put on (or taken off) waybills as (batch day, channel, ±count)."""
        days = dict(self._lookup("SELECT batch_id, day FROM batches WHERE batch_id IN ({in})",
                                 sorted({b for b, _ in lines})))
        return [(days[b], ch, sign * n) for (b, ch), n in Counter(lines).items()]

    def _unship_counts(self, shipment_ids: list[str]) -> None:
        """Void parcels no longer count as shipped on their batch's day."""
        rows = self._lookup("SELECT s.batch_id, sl.channel FROM shipment_lines sl JOIN shipments s ON "
                            "s.shipment_id = sl.shipment_id WHERE sl.shipment_id IN ({in})", sorted(set(shipment_ids)))
        self._count("shipped", self._per_batch_day([(b, ch) for b, ch in rows], -1))

    def void_shipments(self, shipment_ids: list[str]) -> None:
        """Re-issue: the old parcels are void and their lines are free to go on a new waybill (or stop, when the
        channel cancelled or held them meanwhile)."""
        self._unship_counts(shipment_ids)
        stamp = self.now()
        live = Counter(b for (b,) in self._lookup("SELECT batch_id FROM shipments WHERE voided_at IS NULL AND "
                                                  "shipment_id IN ({in})", sorted(set(shipment_ids))))
        self.db.executemany("UPDATE batches SET parcels = parcels - ? WHERE batch_id = ?", [(n, b) for b, n in live.items()])
        self.db.executemany("UPDATE shipments SET voided_at = ? WHERE shipment_id = ?", [(stamp, i) for i in shipment_ids])
        self._unship(shipment_ids)
        self.db.executemany(
            f"UPDATE lines SET state = CASE status_class WHEN 'cancelled' THEN '{CANCELLED}' WHEN 'hold' THEN '{HELD}' "
            f"WHEN 'closed' THEN '{CLOSED}' ELSE '{NEW}' END, hold_reason = CASE status_class WHEN 'hold' THEN 'channel' ELSE '' END, "
            f"claim = '', shipment_id = NULL, updated_at = ? WHERE {_on_parcel(BATCHED)}",
            [(stamp, i, i) for i in shipment_ids])

    # -- tracking ----------------------------------------------------------------------------------------

    def _lookup(self, sql: str, keys: list[str], fixed: tuple = ()) -> list[tuple]:
        """Run ``sql`` (with an IN (...) placeholder `{in}`) over ``keys`` in chunks SQLite accepts."""
        rows: list[tuple] = []
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            rows += self.db.execute(sql.format(**{"in": ", ".join("?" * len(part))}), fixed + tuple(part)).fetchall()
        return rows

    def _count(self, column: str, counts: Iterable[tuple[str, str, int]]) -> None:
        """Add (day, channel, n) to the dashboard's day counts (collected | shipped | uploaded)."""
        self.db.executemany(f"INSERT INTO day_counts (day, channel, {column}) VALUES (?, ?, ?) ON CONFLICT(day, channel) "
                            f"DO UPDATE SET {column} = {column} + excluded.{column}", list(counts))

    def shipment_states(self, shipment_ids: list[str]) -> dict[str, str | None]:
        """{parcel id: voided_at} for those of ``shipment_ids`` that are ours."""
        return dict(self._lookup("SELECT shipment_id, voided_at FROM shipments WHERE shipment_id IN ({in})",
                                 sorted(set(shipment_ids))))

    def parcel_recipients(self, shipment_ids: list[str]) -> dict[str, Recipient]:
        """{parcel id: recipient as printed on its waybill} for those of ``shipment_ids`` that are ours."""
        return {sid: Recipient(*(v or "" for v in rest)) for sid, *rest in self._lookup(
            f"SELECT s.shipment_id, {_PARCEL_RECIPIENT} FROM shipments s {_with_recipient('s')} "
            "WHERE s.shipment_id IN ({in})", sorted(set(shipment_ids)))}

    def tracking_owners(self, courier: str, tracking_nos: list[str]) -> dict[str, str]:
        """{tracking number: parcel id} for the numbers already attached."""
        return dict(self._lookup("SELECT tracking_no, shipment_id FROM tracking WHERE courier = ? AND tracking_no IN ({in})",
                                 sorted(set(tracking_nos)), (courier,)))

    def attach_tracking(self, attachments: list[tuple[str, str, str, str]]) -> None:
        """Attach (courier, tracking no, parcel id, source file) rows; their lines become 'tracked'."""
        stamp = self.now()
        read = self._text_id(stamp)
        self.db.executemany("INSERT INTO tracking (courier, tracking_no, shipment_id, source_id, read_id) "
                            "VALUES (?, ?, ?, ?, ?)", [(c, no, sid, self._text_id(src), read)
                                                       for c, no, sid, src in attachments])
        # One statement for the whole file: the lines waiting for a number (the state index) on these parcels.
        parcels = json.dumps(list(dict.fromkeys(a[2] for a in attachments)), ensure_ascii=False)
        moved = self.db.execute(f"UPDATE lines SET state = '{TRACKED}', updated_at = ? WHERE state = '{BATCHED}' "
                                "AND shipment_id IN (SELECT value FROM json_each(?))", (stamp, parcels)).rowcount
        self._recount_move((BATCHED, TRACKED), moved)
        if self.db.execute("SELECT 1 FROM unmatched_tracking LIMIT 1").fetchone():
            self.db.executemany("DELETE FROM unmatched_tracking WHERE courier = ? AND tracking_no = ?",
                                [(a[0], a[1]) for a in attachments])

    def record_unmatched(self, courier: str, tracking_no: str, name: str, phone: str, address: str, source: str,
                         row: int, reason: str) -> None:
        self.db.execute("INSERT INTO unmatched_tracking VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT(courier, tracking_no) DO UPDATE SET name = excluded.name, phone = excluded.phone, "
                        "address = excluded.address, source = excluded.source, source_row = excluded.source_row, "
                        "reason = excluded.reason, read_at = excluded.read_at",
                        (courier, tracking_no, name, phone, address, source, row, reason, self.now()))

    def unmatched_tracking(self) -> list[UnmatchedTracking]:
        """Tracking numbers no parcel of ours was found for, oldest first (attaching one later clears it)."""
        return [UnmatchedTracking(*r) for r in self.db.execute(
            "SELECT courier, tracking_no, name, source, source_row, reason, read_at FROM unmatched_tracking "
            "ORDER BY read_at")]

    def untracked_shipments(self, courier: str, since_day: str) -> list[Shipment]:
        """Live parcels of a courier printed since ``since_day`` still waiting for a tracking number (their lines are
        'batched': found through the state index, so a big ledger of tracked parcels is never read)."""
        return self._shipments(f"s.shipment_id IN (SELECT shipment_id FROM lines WHERE state = '{BATCHED}') AND "
                               "s.courier = ? AND s.voided_at IS NULL AND s.batch_id IN "
                               "(SELECT batch_id FROM batches WHERE day >= ?)", (courier, since_day))

    def supplier_parcels(self, since_day: str) -> list[SupplierParcel]:
        """Every live parcel sent to a supplier since ``since_day``: its deadline's inputs and when it was answered."""
        rows = self.db.execute(
            "SELECT b.supplier, s.shipment_id, b.day, "
            "(SELECT MIN(t.text) FROM shipment_lines sl JOIN lines l ON l.channel = sl.channel AND "
            " l.line_key = sl.line_key JOIN texts t ON t.text_id = l.ship_by_id WHERE sl.shipment_id = s.shipment_id), "
            "(SELECT MIN(l.ordered_key) FROM shipment_lines sl JOIN lines l ON l.channel = sl.channel AND "
            " l.line_key = sl.line_key WHERE sl.shipment_id = s.shipment_id), "
            "(SELECT MIN(m.text) FROM tracking t JOIN texts m ON m.text_id = t.read_id "
            " WHERE t.shipment_id = s.shipment_id), s_r.name "
            f"FROM shipments s JOIN batches b ON b.batch_id = s.batch_id {_with_recipient('s')} WHERE s.batch_id IN "
            "(SELECT batch_id FROM batches WHERE supplier != '' AND day >= ?) AND s.voided_at IS NULL "
            "ORDER BY b.day, s.shipment_id", (since_day,))
        return [SupplierParcel(sup, sid, day, ship_by or "", ordered or "", tracked or "", name or "")
                for sup, sid, day, ship_by, ordered, tracked, name in rows]

    def untracked_shipments_in_batch(self, batch_id: int) -> list[Shipment]:
        return self._shipments("s.batch_id = ? AND s.voided_at IS NULL AND NOT EXISTS "
                               "(SELECT 1 FROM tracking t WHERE t.shipment_id = s.shipment_id)", (batch_id,))

    def waiting_for_tracking(self) -> list[AwaitedParcel]:
        """Our live parcels printed but not yet tracked (a supplier's wait is ``supplier_parcels``)."""
        return [AwaitedParcel(*r) for r in self.db.execute(
            f"SELECT s.shipment_id, b.day, s_r.name FROM shipments s JOIN batches b ON b.batch_id = s.batch_id "
            f"{_with_recipient('s')} "
            f"WHERE s.shipment_id IN (SELECT shipment_id FROM lines WHERE state = '{BATCHED}') AND s.voided_at IS NULL "
            "AND b.supplier = '' ORDER BY s.shipment_id")]

    # -- invoices ----------------------------------------------------------------------------------------

    def lines_to_invoice(self) -> list[InvoiceLine]:
        """Tracked lines not yet in an invoice upload, with every tracking number of their parcel. A line is `split`
        when its channel bundle went out in more than one box (several numbers, or its bundle in several parcels)."""
        q = ("SELECT l.channel, l.line_key, l.order_no, CASE s.courier WHEN '' THEN (SELECT t.courier FROM tracking t "
             " JOIN texts m ON m.text_id = t.read_id WHERE t.shipment_id = l.shipment_id ORDER BY m.text LIMIT 1) "
             "ELSE s.courier END, l.layout_id, r.raw, "
             "(SELECT group_concat(tracking_no, ' ') FROM (SELECT t.tracking_no FROM tracking t "
             " JOIN texts m ON m.text_id = t.read_id WHERE t.shipment_id = l.shipment_id ORDER BY m.text, t.tracking_no)), "
             "(SELECT COUNT(DISTINCT o.shipment_id) FROM lines o WHERE o.channel = l.channel "
             " AND o.bundle_key = l.bundle_key AND o.shipment_id IS NOT NULL), "
             "CASE WHEN l.line_key LIKE '%#교환' THEN substr(l.line_key, 1, length(l.line_key) - 3) END, "
             f"{', '.join(_stored(c, 'l') for c in COMPARED)} "
             f"FROM lines l JOIN shipments s ON s.shipment_id = l.shipment_id {_with_recipient('l')} "
             "LEFT JOIN export_rows r ON r.channel = l.channel AND r.line_key = l.line_key "
             f"WHERE l.state = '{TRACKED}' AND l.claim = '' ORDER BY l.channel, l.order_no, l.line_key")
        return [InvoiceLine(ch, key, order_no, courier, tuple(nos.split()), self._layout(layout_id),
                            _raw_cells(raw, _raw_fields(key, self._compared(compared))) if raw else (),
                            split=parcels > 1 or len(nos.split()) > 1, exchange_of=exchange_of or "")
                for ch, key, order_no, courier, layout_id, raw, nos, parcels, exchange_of, *compared in self.db.execute(q)]

    def invoice_seq(self, day: str) -> int:
        return self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM uploads WHERE day = ?", (day,)).fetchone()[0] + 1

    def mark_invoiced(self, lines: list[InvoiceLine], day: str, seq: int, file: str, uploaded: bool = False) -> None:
        """These lines went into the upload ``file`` (one row per channel in it): they are invoiced, and their export
        row, which only that upload needed, is not kept (쿠팡's row holds the buyer, 개인통관번호 …). ``uploaded``: the
        channel already has them (its API took the numbers)."""
        stamp = self.now()
        self._count("uploaded", ((day, ch, n) for ch, n in Counter(line.channel for line in lines).items()))
        by_channel: dict[str, list[InvoiceLine]] = {}
        for line in lines:
            by_channel.setdefault(line.channel, []).append(line)
        for channel, group in by_channel.items():
            upload_id = self.db.execute(
                "INSERT INTO uploads (channel, day, seq, file, written_at, uploaded_at, line_count) "
                "VALUES (?, ?, ?, ?, ?, ?, 0)", (channel, day, seq, file, stamp, stamp if uploaded else None)).lastrowid
            done = self.db.executemany("UPDATE lines SET state = 'invoiced', upload_id = ?, updated_at = ? "
                                       "WHERE channel = ? AND line_key = ? AND state = 'tracked'",
                                       [(upload_id, stamp, line.channel, line.line_key) for line in group]).rowcount
            self._recount_move((TRACKED, INVOICED), done)
            self.db.execute("UPDATE uploads SET line_count = ? WHERE upload_id = ?", (done, upload_id))
            self.db.executemany("DELETE FROM export_rows WHERE channel = ? AND line_key = ?",
                                [(line.channel, line.line_key) for line in group if line.raw])     # kept ones only

    def settle_cancellations(self, keys: list[str]) -> list[LineId]:
        """The seller settled these lines (a line key, order number or our parcel id): a printed line the channel
        cancelled was pulled from packing or called back, or a line the channel's list dropped is indeed cancelled.
        They become cancelled; a parcel left with no line to ship is void (a late tracking number is not attached)."""
        marks = ", ".join("?" * len(keys))
        rows = self.db.execute(
            "SELECT channel, line_key, shipment_id FROM lines WHERE "
            f"((state IN ('{BATCHED}', '{TRACKED}') AND claim != '') OR (state = '{HELD}' AND hold_reason = '{HOLD_VANISHED}')) "
            f"AND (line_key IN ({marks}) OR order_no IN ({marks}) OR shipment_id IN ({marks}))", keys * 3).fetchall()
        stamp = self.now()
        self.db.executemany(f"UPDATE lines SET state = '{CANCELLED}', hold_reason = '', updated_at = ? "
                            "WHERE channel = ? AND line_key = ?", [(stamp, ch, key) for ch, key, _ in rows])
        for ch, key, sid in rows:
            if sid:                          # pulled from packing or called back: its goods are on the shelf again
                self._unship([sid], [(ch, key)])
        for sid in {sid for _, _, sid in rows if sid}:
            live = self.db.execute(f"SELECT 1 FROM lines WHERE {_on_parcel(*SHIPPED_STATES)}", (sid, sid)).fetchone()
            if live is None:
                voided = self.db.execute("UPDATE shipments SET voided_at = ? WHERE shipment_id = ? AND voided_at IS NULL",
                                         (stamp, sid))
                if voided.rowcount:
                    self._unship_counts([sid])
                self._unship([sid])
        return [LineId(ch, key) for ch, key, _ in rows]

    def pending_uploads(self, since_day: str) -> list[UploadFile]:
        """Upload files made since ``since_day`` that the seller has not said went up and the channel has not
        confirmed whole, newest first (one row per file and channel; a line leaving 'invoiced' counts as confirmed)."""
        rows = self.db.execute(
            "SELECT file, channel, day, SUM(line_count), MAX(uploaded_at), SUM(confirmed) FROM uploads "
            "WHERE day >= ? AND uploaded_at IS NULL GROUP BY file, channel, day ORDER BY day DESC, file", (since_day,))
        return [u for u in (UploadFile(*r) for r in rows) if not u.done]

    def mark_uploaded(self, file_or_channel: str) -> list[str]:
        """The seller says these uploads went up: a file name (or part of it), or a channel id. Returns the files."""
        files = [f for (f,) in self.db.execute(
            "SELECT DISTINCT file FROM uploads WHERE uploaded_at IS NULL AND (file = ? OR channel = ? OR "
            "instr(file, ?) > 0)", (file_or_channel, file_or_channel, file_or_channel))]
        self.db.executemany("UPDATE uploads SET uploaded_at = ? WHERE file = ? AND uploaded_at IS NULL",
                            [(self.now(), f) for f in files])
        return files

    def open_deadlines(self) -> list[OpenDeadline]:
        """Order keys and deadlines of every line not yet on a waybill."""
        rows = self.db.execute(f"SELECT channel, line_key, order_no, ship_by_id, ordered_key FROM lines "
                               f"WHERE state IN ('{NEW}', '{HELD}')")
        return [OpenDeadline(ch, key, order_no, self._text(ship_by), ordered) for ch, key, order_no, ship_by, ordered
                in rows]

    def daily_counts(self, since_day: str) -> dict[str, DayCounts]:
        """{day: lines collected, put on a live waybill and uploaded that day} since ``since_day``."""
        return {day: DayCounts(c, sh, up) for day, c, sh, up in self.db.execute(
            "SELECT day, SUM(collected), SUM(shipped), SUM(uploaded) FROM day_counts WHERE day >= ? GROUP BY day",
            (since_day,))}

    def counts_by_channel(self) -> dict[str, dict[str, int]]:
        """{channel: {state: lines}} of the lines still moving (through the state index), and 'uploaded': every
        line ever put in an upload (from the day counts — a big ledger is not read line by line)."""
        out: dict[str, dict[str, int]] = {}
        moving = (NEW, HELD, BATCHED, TRACKED)
        for channel, state, n in self.db.execute(
                f"SELECT channel, state, COUNT(*) FROM lines WHERE state IN ({', '.join('?' * len(moving))}) "
                "GROUP BY channel, state", moving):
            out.setdefault(channel, {})[state] = n
        for channel, n in self.db.execute("SELECT channel, SUM(uploaded) FROM day_counts GROUP BY channel"):
            out.setdefault(channel, {})["uploaded"] = n
        return out

    def line_keys_in_state(self, channel: str, state: str, limit: int = 100) -> list[str]:
        """The keys of ``channel``'s lines in ``state``, in key order, at most ``limit``."""
        return [key for (key,) in self.db.execute(
            "SELECT line_key FROM lines WHERE channel = ? AND state = ? ORDER BY line_key LIMIT ?", (channel, state, limit))]

    def tracked_not_invoiced(self) -> list[TrackedLine]:
        """Lines with their tracking number in no invoice upload yet, longest waiting first."""
        return [TrackedLine(*r) for r in self.db.execute(
            f"SELECT channel, line_key, order_no, updated_at FROM lines WHERE state = '{TRACKED}' ORDER BY updated_at")]

    # -- channel APIs ---------------------------------------------------------------------------------------

    def api_synced_to(self, account: str) -> str:
        """Where the last sync of ``account`` reached (an ISO moment), '' before the first."""
        row = self.db.execute("SELECT synced_to FROM api_sync WHERE account = ?", (account,)).fetchone()
        return row[0] if row else ""

    def set_api_synced(self, account: str, until: str) -> None:
        self.db.execute("INSERT INTO api_sync VALUES (?, ?, ?) ON CONFLICT(account) DO UPDATE SET "
                        "synced_to = excluded.synced_to, updated_at = excluded.updated_at", (account, until, self.now()))

    def record_api_lines(self, account: str, refs: list[tuple[str, str, dict]]) -> None:
        """Which account each (channel, line key) came through, and the ids its API needs to act on it."""
        self.db.executemany("INSERT INTO api_lines (channel, line_key, account, ref) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT(channel, line_key) DO UPDATE SET account = excluded.account, ref = excluded.ref",
                            [(ch, key, account, json.dumps(ref, ensure_ascii=False)) for ch, key, ref in refs])

    def api_refs(self, channel: str, keys: list[str]) -> dict[str, ApiLine]:
        """{line key: its account, ref and 발주확인} of the lines an API account knows."""
        rows = self._lookup("SELECT line_key, account, ref, confirmed_at IS NOT NULL FROM api_lines "
                            "WHERE channel = ? AND line_key IN ({in})", keys, (channel,))
        return {key: ApiLine(account, json.loads(ref), bool(done)) for key, account, ref, done in rows}

    def api_open_lines(self, account: str) -> list[ApiOpenLine]:
        """The account's lines not yet uploaded, oldest first."""
        return [ApiOpenLine(key, order_no, json.loads(ref), ordered) for key, order_no, ref, ordered in self.db.execute(
            "SELECT l.line_key, l.order_no, a.ref, l.ordered_key FROM api_lines a JOIN lines l "
            "ON l.channel = a.channel AND l.line_key = a.line_key WHERE a.account = ? "
            f"AND l.state IN ('{NEW}', '{HELD}', '{BATCHED}', '{TRACKED}') ORDER BY l.ordered_key", (account,))]

    def hold_unlisted(self, channel: str, keys: list[str], until_key: str) -> Unlisted:
        """Lines the channel's API no longer knows (not listed, not found one by one). Open ones are held (an older
        export read later does not reopen them); those already on a waybill are named for the seller to check."""
        rows = self._lookup("SELECT line_key, state FROM lines WHERE channel = ? AND line_key IN ({in})", keys, (channel,))
        held = [key for key, state in rows if state == NEW]
        printed = [key for key, state in rows if state in PRINTED_STATES]
        self._hold_vanished(channel, held, until_key)
        return Unlisted(tuple(held), tuple(printed))

    def lines_to_confirm(self) -> list[LineToConfirm]:
        """API lines that are to ship and not yet confirmed (발주확인) at the channel."""
        rows = self.db.execute(
            f"SELECT {_line_select('l', raw=False)}, a.account, a.ref FROM api_lines a JOIN lines l "
            f"ON l.channel = a.channel AND l.line_key = a.line_key {_with_recipient('l')} WHERE a.confirmed_at IS NULL "
            f"AND l.state IN ('{NEW}', '{BATCHED}', '{TRACKED}') ORDER BY a.account, l.ordered_key, l.line_key")
        n = _LINE_WIDTH
        return [LineToConfirm(r[n], self._line(r), json.loads(r[n + 1])) for r in rows]

    def mark_confirmed(self, channel: str, keys: list[str]) -> None:
        stamp = self.now()
        self.db.executemany("UPDATE api_lines SET confirmed_at = ? WHERE channel = ? AND line_key = ?",
                            [(stamp, channel, key) for key in keys])

    def push_states(self, channel: str, keys: list[str]) -> dict[str, PushState]:
        """{line key: its push} of lines whose tracking number was pushed or is being pushed."""
        rows = self._lookup("SELECT line_key, state, message, tries FROM api_pushes WHERE channel = ? "
                            "AND line_key IN ({in})", keys, (channel,))
        return {key: PushState(state, message, tries) for key, state, message, tries in rows}

    def record_pushes(self, rows: list[tuple[str, str, str, str, str, str]]) -> None:
        """(channel, line key, account, tracking number, state, message): 'sending' before the call (a try is
        counted), then 'sent', 'refused' (the channel said no: the Excel upload takes it) or 'failed' (no answer:
        the next run tries again)."""
        stamp = self.now()
        self.db.executemany(
            "INSERT INTO api_pushes (channel, line_key, account, tracking_no, state, message, tries, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, CASE WHEN ? = 'sending' THEN 1 ELSE 0 END, ?) "
            "ON CONFLICT(channel, line_key) DO UPDATE SET account = excluded.account, tracking_no = excluded.tracking_no, "
            "state = excluded.state, message = excluded.message, updated_at = excluded.updated_at, "
            "tries = api_pushes.tries + CASE WHEN excluded.state = 'sending' THEN 1 ELSE 0 END",
            [(ch, key, account, no, state, message, state, stamp) for ch, key, account, no, state, message in rows])

    def mark_pushed(self, lines: list[InvoiceLine], day: str, what: str) -> None:
        """Lines whose tracking number the channel took through its API: invoiced and uploaded at once."""
        self.mark_invoiced(lines, day, 0, what, uploaded=True)

    # -- stock ----------------------------------------------------------------------------------------------

    def _unship(self, shipment_ids: list[str], lines: list[tuple[str, str]] | None = None) -> None:
        """A void parcel's goods (or, with ``lines``, those of the lines pulled from it) are back on the shelf: each
        line's items, if its batch took them from the shelf, once."""
        stamp = self.now()
        wanted = None if lines is None else set(lines)
        took: dict[int, bool] = {}
        for sid in shipment_ids:
            for ch, key, items, batch_id in self.db.execute(
                    "SELECT sl.channel, sl.line_key, i.items, s.batch_id FROM shipment_lines sl JOIN shipments s ON "
                    "s.shipment_id = sl.shipment_id JOIN item_sets i ON i.item_set = sl.item_set WHERE sl.shipment_id = ?",
                    (sid,)).fetchall():
                if wanted is not None and (ch, key) not in wanted:
                    continue
                ref = _move_ref(sid, ch, key)
                if batch_id not in took:
                    took[batch_id] = self._moved(_batch_ref(batch_id), "shipped")
                if not (took[batch_id] or self._moved(ref, "shipped")) or self._moved(ref, "unshipped"):
                    continue
                self.db.executemany("INSERT INTO stock_moves (sku, qty, kind, ref, at) VALUES (?, ?, 'unshipped', ?, ?)",
                                    [(it[0], int(it[1]), ref, stamp) for it in json.loads(items)])

    def _moved(self, ref: str, kind: str) -> bool:
        return self.db.execute("SELECT 1 FROM stock_moves WHERE ref = ? AND kind = ?", (ref, kind)).fetchone() is not None

    def record_counts(self, counts: dict[str, tuple[int, str]]) -> list[str]:
        """The seller's 재고 per SKU as read now, with its optional 센 날: a number or a date that differs from the
        last count recorded is a new count, taken as of now (movements before it are in it). Returns the SKUs
        counted anew."""
        last = {sku: (n, mark) for sku, n, mark in self.db.execute("SELECT sku, counted, mark FROM stock_balance")}
        new = [(sku, n, mark) for sku, (n, mark) in counts.items() if last.get(sku) != (n, mark)]
        stamp = self.now()
        self.db.executemany("INSERT INTO stock_moves (sku, qty, kind, ref, at) VALUES (?, ?, 'count', ?, ?)",
                            [(sku, n, mark, stamp) for sku, n, mark in new])
        return [sku for sku, _, _ in new]

    def stock(self) -> dict[str, Stock]:
        """On hand per counted SKU: the last count plus every movement after it (kept per SKU by the stock_moves
        trigger, so a long history is never summed again)."""
        return {sku: Stock(sku, count, at, count + moved) for sku, count, at, moved in self.db.execute(
            "SELECT sku, counted, counted_at, moved FROM stock_balance")}
