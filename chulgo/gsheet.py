"""The mapping (상품, 매핑, 세트, 미매핑) and the dashboard in a shared Google Sheet, through gspread.

The same MappingBook as the xlsx workbook (chulgo.mapping.build_mapping reads either). A run reads the sheet once
(one metadata call, one batchGet), and writes in one RAW batchUpdate (a cell text starting with "=" is never a
formula). Only the tool's own rows are written: 미매핑 (re-read just before the write, so a SKU typed while the run
was busy is kept) and new rows appended under the last row of 매핑 — never a cell staff typed elsewhere. Calls are
retried by our own bounded rule (3 tries, Retry-After honoured up to a minute), never gspread's BackOffHTTPClient.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import gspread
import requests
from google.auth.exceptions import GoogleAuthError, RefreshError
from gspread.exceptions import APIError

from chulgo.api import retry_after
from chulgo.files import cell_text
from chulgo.mapping import (INSTRUCTION, SHEETS, UNMAPPED_COLUMNS, UNMAPPED_FIRST_ROW, MappingBook, as_mapping_row,
                            build_mapping, header_of, read_workbook, unmapped_unchanged, write_unmapped_file)
from chulgo.model import ChulgoError
from chulgo.sheets import Sheet

TRIES = 3
LONGEST_WAIT = 60.0
DASHBOARD = "현황"
WAITING = "현황-대기"
SHEET_ID = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
DISPLAY = Path("구글 시트 상품매핑")      # how problems name the sheet ("구글 시트 상품매핑 미매핑 5행")


class SheetError(ChulgoError):
    """A Google Sheets call that did not work (after its retries), in Korean with what to do."""


def spreadsheet_id(text: str) -> str:
    """The id from a sheet's URL, or the id itself."""
    found = SHEET_ID.search(text)
    return found.group(1) if found else text.strip()


def quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


class GoogleSheet:
    """One spreadsheet through gspread's HTTP client: every call bounded-retried, every failure a SheetError."""

    def __init__(self, key: str, connect: Callable[[], Any], sleep: Callable[[float], None] = time.sleep) -> None:
        self.key = spreadsheet_id(key)
        self._connect = connect          # -> gspread.Client (a service account, or a test session)
        self._http: Any = None
        self.sleep = sleep
        self.calls = {"read": 0, "write": 0}
        self.grid: dict[str, tuple[int, int]] = {}     # title -> (sheetId, rowCount), from the last metadata read

    @property
    def http(self) -> Any:
        if self._http is None:
            self._http = self._connect().http_client
            self._http.set_timeout((10, 60))      # gspread's default is none: a stalled call would hang the run
        return self._http

    def _call(self, kind: str, what: str, call: Callable[[], Any]) -> Any:
        for attempt in range(1, TRIES + 1):
            self.calls[kind] += 1
            try:
                return call()
            except APIError as e:
                status = e.response.status_code
                if status == 429 or status >= 500:
                    wait = retry_after(e.response)
                    if attempt < TRIES and (wait is None or wait <= LONGEST_WAIT):
                        self.sleep(2.0 ** attempt if wait is None else wait)
                        continue
                raise SheetError(_message(status, what, self.key, _reason(e))) from None
            except RefreshError:
                raise SheetError("구글 서비스 계정으로 로그인하지 못했습니다. 키 파일이 지워지거나 바뀌지 않았는지, 이 PC의 시계가 "
                                 f"맞는지 확인하세요 — {what}.") from None
            except (requests.RequestException, GoogleAuthError) as e:
                if attempt < TRIES:
                    self.sleep(2.0 ** attempt)
                    continue
                raise SheetError(f"구글 시트에 연결하지 못했습니다 ({type(e).__name__}) — {what}. 인터넷 연결을 확인하세요.") from None
        raise AssertionError("unreachable")

    def titles(self) -> dict[str, int]:
        """{sheet title: sheetId}."""
        meta = self._call("read", "시트 목록 읽기", lambda: self.http.fetch_sheet_metadata(self.key))
        self.grid = {s["properties"]["title"]: (s["properties"]["sheetId"],
                                                s["properties"].get("gridProperties", {}).get("rowCount", 1000))
                     for s in meta.get("sheets", [])}
        return {title: sid for title, (sid, _) in self.grid.items()}


    def read(self, names: list[str]) -> dict[str, list[list[str]]]:
        """The named sheets' values as text rows, in one batchGet."""
        if not names:
            return {}
        got = self._call("read", "값 읽기", lambda: self.http.values_batch_get(
            self.key, [quoted(n) for n in names],
            params={"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"}))
        ranges = got.get("valueRanges", [])
        return {name: [[cell_text(c) for c in row] for row in r.get("values", [])] for name, r in zip(names, ranges)}

    def write(self, blocks: dict[tuple[str, int], list[list[str]]]) -> None:
        """Rows into sheets from a 1-based row ((sheet, row) -> rows), as typed text (RAW), in one batchUpdate.
        A sheet too short for its rows is grown first (the API refuses a range past the grid)."""
        if any(title not in self.grid for title, _ in blocks):
            self.titles()
        last: dict[str, int] = {}
        for (title, first), rows in blocks.items():
            last[title] = max(last.get(title, 0), first + len(rows) - 1)
        grow = []
        for title, end in last.items():
            sid, have = self.grid.get(title, (None, 0))
            if sid is not None and end > have:
                grow.append({"appendDimension": {"sheetId": sid, "dimension": "ROWS", "length": end - have + 100}})
                self.grid[title] = (sid, end + 100)
        self.structure(grow)
        body = {"valueInputOption": "RAW", "data": [{"range": f"{quoted(title)}!A{first}", "majorDimension": "ROWS",
                                                      "values": rows} for (title, first), rows in blocks.items()]}
        self._call("write", "값 쓰기", lambda: self.http.values_batch_update(self.key, body))

    def structure(self, requests_: list[dict]) -> list[dict]:
        """Sheet-level changes (add sheets, freeze rows, dropdowns) in one batchUpdate; returns the replies."""
        if not requests_:
            return []
        got = self._call("write", "시트 만들기", lambda: self.http.batch_update(self.key, {"requests": requests_}))
        return got.get("replies", [])


def _reason(error: APIError) -> str:
    try:
        return str(error.response.json().get("error", {}).get("message", ""))
    except ValueError:
        return ""


def _message(status: int, what: str, key: str, reason: str = "") -> str:
    if status == 403:
        return (f"구글 시트({key})에 권한이 없습니다 — {what}. 시트의 '공유'에 서비스 계정 이메일(키 파일의 client_email)을 "
                "편집자로 추가하세요.")
    if status == 404:
        return f"구글 시트({key})를 찾을 수 없습니다 — {what}. settings.toml [sheets] spreadsheet 의 주소나 ID를 확인하세요."
    if status == 429:
        return f"구글 시트 사용 한도를 넘었습니다 (429) — {what}. 잠시 뒤 다시 실행하세요."
    if status >= 500:
        return f"구글 시트 서버 오류 ({status}) — {what}. 잠시 뒤 다시 실행하세요."
    return f"구글 시트가 요청을 거절했습니다 ({status}{': ' + reason if reason else ''}) — {what}."


def service_account(credentials: Path) -> Callable[[], Any]:
    """A connector for the service account whose key file is ``credentials`` (checked when first used)."""
    def connect() -> Any:
        if not credentials.exists():
            raise SheetError(f"서비스 계정 키 파일 {credentials} 이(가) 없습니다. README의 '구글 시트' 절차대로 키(JSON)를 "
                             "내려받아 그 경로를 settings.toml [sheets] credentials 에 적으세요.")
        try:
            return gspread.service_account(filename=str(credentials))
        except (ValueError, KeyError, json.JSONDecodeError) as e:
            raise SheetError(f"서비스 계정 키 파일 {credentials.name}을(를) 읽을 수 없습니다 ({type(e).__name__}). "
                             "구글 클라우드 콘솔에서 받은 JSON 키 그대로인지 확인하세요.") from None
    return connect


class SheetsMappingStore:
    name = "구글 시트"
    """The mapping in a Google Sheet. When the sheet cannot be read, the last good read (data/) stands in, or the
    xlsx workbook; 미매핑 then goes to outbox/ as a file, as when Excel holds the workbook."""

    def __init__(self, sheet: GoogleSheet, cache: Path, workbook: Path) -> None:
        self.sheet = sheet
        self.cache = cache
        self.workbook = workbook
        self.failure = ""                # why this run is not using the sheet ('' = it is)

    def load(self, channel_aliases: dict[str, str], create: bool = True) -> MappingBook:
        try:
            titles = self.sheet.titles()
            if "상품" not in titles or "매핑" not in titles:
                raise ChulgoError(f"구글 시트에 '상품'·'매핑' 시트가 없습니다. 먼저 'uv run run.py sheets init' 으로 도구의 "
                                  f"시트를 만드세요 (있는 시트: {', '.join(titles) or '없음'}).")
            tables = self.sheet.read([n for n in SHEETS if n in titles])
            self.failure = ""
        except SheetError as e:
            tables = self._last_good(str(e))
        else:
            if create:
                self.cache.parent.mkdir(parents=True, exist_ok=True)
                tmp = self.cache.with_name(self.cache.name + ".tmp")
                tmp.write_text(json.dumps({"read_at": datetime.now().isoformat(timespec="seconds"), "tables": tables},
                                          ensure_ascii=False), encoding="utf-8")
                os.replace(tmp, self.cache)
        return build_mapping(tables, DISPLAY, channel_aliases)

    def _last_good(self, why: str) -> dict[str, list[list[str]]]:
        try:
            saved = json.loads(self.cache.read_text(encoding="utf-8"))
            tables = {str(k): [[str(c) for c in row] for row in v] for k, v in saved["tables"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            saved = None                 # none yet, or damaged: the workbook is next
        if saved is not None:
            self.failure = f"{why} 마지막으로 읽은 매핑({saved.get('read_at', '')})으로 진행합니다."
            return tables
        if self.workbook.exists():
            self.failure = f"{why} {self.workbook.name}의 매핑으로 진행합니다."
            return read_workbook(self.workbook)
        raise SheetError(f"{why} 아직 한 번도 읽은 적이 없어 매핑 없이는 진행할 수 없습니다.")

    def save_unmapped(self, book: MappingBook, rows: list[tuple[str, ...]], fallback_dir: Path,
                      touch_workbook: bool = True) -> tuple[Path | None, str]:
        """Rewrite 미매핑 and move completed rows under 매핑, in one write; what staff typed meanwhile is kept."""
        if unmapped_unchanged(book, rows):
            return None, ""
        if not touch_workbook:
            return write_unmapped_file(rows, fallback_dir, "미리보기(--dry-run)라", "실제로 실행하면 구글 시트 '미매핑'에 적습니다.")
        if self.failure:
            return write_unmapped_file(rows, fallback_dir, "구글 시트를 읽지 못해",
                                       "시트가 다시 열리면 다음 실행이 '미매핑' 시트에 적습니다.")
        try:
            fresh = self.sheet.read(["매핑", "미매핑"])
            rows = _keep_typed(book, rows, fresh.get("미매핑", []))
            first, new = _mapping_rows(book, fresh.get("매핑", []))
            width = len(UNMAPPED_COLUMNS)
            body = [[INSTRUCTION] + [""] * (width - 1), list(UNMAPPED_COLUMNS)] + [list(r) for r in rows]
            body += [[""] * width] * max(0, len(fresh.get("미매핑", [])) - len(body))   # blank what was below
            self.sheet.write({("미매핑", 1): body} | ({("매핑", first): new} if new else {}))
        except SheetError as e:
            return write_unmapped_file(rows, fallback_dir, f"{e} 그래서",
                                       "시트가 다시 열리면 다음 실행이 '미매핑' 시트에 적습니다.")
        moved = len(book.completed_unmapped)
        moved_text = f" 입력하신 {moved}줄은 '매핑' 시트로 옮겼습니다." if moved else ""
        return book.path, f"미매핑 {len(rows)}건을 구글 시트 '미매핑'에 적었습니다.{moved_text}"

    def push_dashboard(self, sheets: list[Sheet]) -> None:
        """현황 ('오늘') and its waiting list into their own sheets: cleared and written whole."""
        wanted = {DASHBOARD: sheets[0], WAITING: next((s for s in sheets if s.name == "대기"), None)}
        titles = self.sheet.titles()
        self.sheet.structure([{"addSheet": {"properties": {"title": t}}} for t in wanted if t not in titles])
        current = self.sheet.read([t for t in wanted if t in titles])
        data = {}
        for title, sheet in wanted.items():
            rows = [[cell_text(c) for c in row] for row in (sheet.rows if sheet else [])]
            width = max((len(r) for r in rows + current.get(title, [])), default=1)
            rows = [r + [""] * (width - len(r)) for r in rows]
            rows += [[""] * width] * max(0, len(current.get(title, [])) - len(rows))
            data[(title, 1)] = rows or [[""]]
        self.sheet.write(data)


def _keep_typed(book: MappingBook, rows: list[tuple[str, ...]], fresh: list[list[str]]) -> list[tuple[str, ...]]:
    """미매핑 rows with what staff typed into the sheet after this run read it (a SKU, a 수량): never overwritten."""
    if not fresh:
        return rows
    at, header = header_of(fresh, "미매핑")
    completed = {r[:5] for r in book.completed_unmapped}
    as_read = set(book.unmapped_rows)            # what the run read: typing already there was handled by the run
    typed: dict[tuple, tuple[str, str]] = {}
    extra = []
    for raw in fresh[at + 1:]:
        d = {h: (raw[i] if i < len(raw) else "") for i, h in enumerate(header) if h}
        listing = tuple(d.get(c, "") for c in UNMAPPED_COLUMNS[:5])
        row = tuple(d.get(c, "") for c in UNMAPPED_COLUMNS)
        if d.get("SKU") and any(listing) and listing not in completed and row not in as_read:
            typed[listing] = (d["SKU"], d.get("수량", "") or "1")
            extra.append(row)
    out = []
    for r in rows:
        if r[:5] in typed:
            r = (*r[:5], *typed.pop(r[:5]), *r[7:])
        out.append(r)
    out += [r for r in extra if r[:5] in typed]      # typed rows whose orders left the list keep their typing
    return out


def _mapping_rows(book: MappingBook, fresh: list[list[str]]) -> tuple[int, list[list[str]]]:
    """(1-based row, rows): the completed 미매핑 rows to add under the last row of 매핑 as it is now (rows already
    there skipped: a rule twice would ship twice)."""
    at, header = header_of(fresh, "매핑")
    header = header or list(SHEETS["매핑"])
    have = {tuple(r[i] if i < len(r) else "" for i in range(len(header))) for r in fresh[at + 1:]}
    new = []
    for r in book.completed_unmapped:
        row = as_mapping_row(book, r, header)
        if tuple(row) not in have:
            new.append(row)
            have.add(tuple(row))
    return max(len(fresh), at + 1) + 1, new


def init_sheets(sheet: GoogleSheet, seed: dict[str, list[list[str]]] | None = None) -> list[str]:
    """The tool's sheets in a shared spreadsheet: 상품, 매핑, 세트, 미매핑 with their headers (frozen), a SKU dropdown
    from 상품 on 매핑 and 미매핑, and the dashboard sheets. A new 상품/매핑/세트 starts with ``seed``'s rows (the xlsx
    workbook being moved over) when given. Sheets already there keep their content. Returns the ones made."""
    titles = sheet.titles()
    wanted = [*SHEETS, DASHBOARD, WAITING]
    missing = [t for t in wanted if t not in titles]
    replies = sheet.structure([{"addSheet": {"properties": {"title": t}}} for t in missing])
    for reply in replies:
        props = reply.get("addSheet", {}).get("properties", {})
        if props.get("title"):
            titles[props["title"]] = props["sheetId"]
    header_row = {"미매핑": UNMAPPED_FIRST_ROW - 1}
    requests_: list[dict] = []
    for name in SHEETS:
        frozen = header_row.get(name, 1)
        requests_.append({"updateSheetProperties": {
            "properties": {"sheetId": titles[name], "gridProperties": {"frozenRowCount": frozen}},
            "fields": "gridProperties.frozenRowCount"}})
        requests_.append({"repeatCell": {
            "range": {"sheetId": titles[name], "startRowIndex": frozen - 1, "endRowIndex": frozen},
            "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}}, "fields": "userEnteredFormat.textFormat.bold"}})
    for name in ("매핑", "미매핑"):
        sku = SHEETS[name].index("SKU")
        requests_.append({"setDataValidation": {
            "range": {"sheetId": titles[name], "startRowIndex": header_row.get(name, 1),
                      "startColumnIndex": sku, "endColumnIndex": sku + 1},
            "rule": {"condition": {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": "='상품'!A2:A"}]},
                     "strict": False, "showCustomUi": True,
                     "inputMessage": "▼ 목록에서 상품 시트의 SKU를 고르세요."}}})
    sheet.structure(requests_)
    seed = seed or {}
    data = {(name, 1): [r for r in seed.get(name, []) if any(r)] or [list(SHEETS[name])]
            for name in SHEETS if name in missing and name != "미매핑"}
    if "미매핑" in missing:             # the workbook's 미매핑 comes along, SKUs staff typed there included
        old = seed.get("미매핑", [])
        at, header = header_of(old, "미매핑")
        kept = [[r[header.index(c)] if c in header and header.index(c) < len(r) else "" for c in UNMAPPED_COLUMNS]
                for r in old[at + 1:] if any(r)]
        data[("미매핑", 1)] = [[INSTRUCTION] + [""] * (len(UNMAPPED_COLUMNS) - 1), list(UNMAPPED_COLUMNS)] + kept
    if data:
        sheet.write(data)
    return missing
