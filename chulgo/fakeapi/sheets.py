"""An in-process fake of the Google Sheets API v4, enough for gspread 6 to talk to offline.

    fake = FakeSheets()
    fake.add_spreadsheet("sid", sheets={"상품": [["코드", "이름"], ["A1", "사과"]]})
    client = gspread.Client(auth=None, session=fake.session())

Cells keep what was written. valueInputOption=RAW stores strings exactly ("=1+1" and "0101" stay text);
USER_ENTERED turns "=..." into a ``Formula``, digit strings into numbers, TRUE/FALSE into booleans and drops a
leading apostrophe (dates are not parsed). JSON numbers and booleans keep their type under either option, as in
the real API. Reads render FORMATTED_VALUE as strings; formulas are never evaluated: they read back as
``Formula.shown`` when a test set one, else as the formula text itself (valueRenderOption=FORMULA always gives
the text). Grid limits: a range whose explicit bounds leave the grid is refused ("exceeds grid limits"), while
values running past an open-ended range grow the grid; values:append grows it too (INSERT_ROWS inserts rows).
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

HOST = "https://sheets.googleapis.com/"
STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                408: "DEADLINE_EXCEEDED", 409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL",
                503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}
RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
INPUT_OPTIONS = ("RAW", "USER_ENTERED")
MAJORS = ("ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED")
# updateSheetProperties: fields masked but absent are reset, except these (which a sheet can't be without).
KEEP_WHEN_MASKED = ("title", "index", "sheetId", "gridProperties.rowCount", "gridProperties.columnCount")
# Requests accepted and only recorded (in Sheet.formats): they change how the sheet looks, not what it holds.
FORMAT_REQUESTS = ("repeatCell", "updateDimensionProperties")


@dataclass(frozen=True)
class Formula:
    """A cell entered as a formula (USER_ENTERED "=..."). ``shown`` is what a read renders, if a test sets one."""

    text: str
    shown: str | None = None


@dataclass
class Sheet:
    properties: dict                                         # sheetId, title, index, sheetType, gridProperties
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)   # (row, col) 0-based -> non-empty value
    validations: list[dict] = field(default_factory=list)   # {"range": GridRange, "rule": rule} as set
    merges: list[dict] = field(default_factory=list)        # GridRanges from mergeCells
    formats: list[dict] = field(default_factory=list)       # repeatCell / updateDimensionProperties requests

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def grid(self) -> dict:
        return self.properties["gridProperties"]


@dataclass
class Book:
    spreadsheet_id: str
    title: str
    sheets: list[Sheet]                                      # kept in index order

    def find(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def by_id(self, sheet_id: Any) -> Sheet:
        found = next((s for s in self.sheets if s.properties["sheetId"] == sheet_id), None)
        if found is None:
            raise ApiError(400, f"No grid with id: {sheet_id}")
        return found


class SheetsRequest(NamedTuple):
    method: str
    path: str                          # percent-decoded: /v4/spreadsheets/sid/values/'상품'!A1:append
    query: dict[str, list[str]]
    body: Any                          # parsed JSON body, or None


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


@dataclass
class _Range:
    sheet: Sheet
    r0: int
    c0: int
    r1: int | None                     # end row, exclusive; None = to the grid's edge
    c1: int | None
    single: bool = False               # written as one cell ("A3"): a write may run on from it

    def ends(self) -> tuple[int, int]:
        return (self.grid_rows if self.r1 is None else self.r1), (self.grid_cols if self.c1 is None else self.c1)

    @property
    def grid_rows(self) -> int:
        return self.sheet.grid["rowCount"]

    @property
    def grid_cols(self) -> int:
        return self.sheet.grid["columnCount"]


# -- A1 notation ------------------------------------------------------------------------------------------------

_CELL = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)$")
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def col_letters(col: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def quote_sheet(title: str) -> str:
    """How the API names a sheet in a range: plain ASCII names bare, everything else in single quotes."""
    if _PLAIN_NAME.match(title) and not re.match(r"^[A-Za-z]{1,3}\d+$", title):
        return title
    return "'" + title.replace("'", "''") + "'"


def a1(title: str, r0: int, c0: int, r1: int, c1: int) -> str:
    start = f"{col_letters(c0)}{r0 + 1}"
    end = f"{col_letters(c1 - 1)}{r1}"
    return f"{quote_sheet(title)}!{start}" + ("" if (r1 - r0, c1 - c0) == (1, 1) else f":{end}")


def _split_sheet(text: str) -> tuple[str | None, str | None]:
    """"'상품'!A1:B2" -> ("상품", "A1:B2"); "'미매핑'" -> ("미매핑", None); "A1:B2" -> (None, "A1:B2")."""
    if text.startswith("'"):
        name, i = [], 1
        while i < len(text):
            if text[i] == "'":
                if text[i + 1:i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                rest = text[i + 1:]
                if rest == "":
                    return "".join(name), None
                if rest.startswith("!") and len(rest) > 1:
                    return "".join(name), rest[1:]
                raise ValueError(text)
            name.append(text[i])
            i += 1
        raise ValueError(text)
    if "!" in text:
        name, _, cells = text.rpartition("!")
        if not name or not cells:
            raise ValueError(text)
        return name, cells
    return None, text


def _cells(spec: str) -> tuple[int, int, int | None, int | None, bool]:
    first, colon, second = spec.partition(":")
    m1 = _CELL.match(first)
    if not m1 or not (m1[1] or m1[2]) or (m1[2] and int(m1[2]) == 0):
        raise ValueError(spec)
    if not colon:
        if not (m1[1] and m1[2]):
            raise ValueError(spec)
        r, c = int(m1[2]) - 1, _col_index(m1[1])
        return r, c, r + 1, c + 1, True
    m2 = _CELL.match(second)
    if not m2 or not (m2[1] or m2[2]) or (m2[2] and int(m2[2]) == 0):
        raise ValueError(spec)
    r0, c0 = (int(m1[2]) - 1 if m1[2] else 0), (_col_index(m1[1]) if m1[1] else 0)
    r1, c1 = (int(m2[2]) if m2[2] else None), (_col_index(m2[1]) + 1 if m2[1] else None)
    if r1 is not None and r1 <= r0:              # "B5:A1" means the same box as "A1:B5"
        r0, r1 = r1 - 1, r0 + 1
    if c1 is not None and c1 <= c0:
        c0, c1 = c1 - 1, c0 + 1
    return r0, c0, r1, c1, False


def parse_range(book: Book, text: str) -> _Range:
    """A1 range -> _Range in ``book``; 400 "Unable to parse range" for bad syntax or a sheet that isn't there."""
    try:
        name, cells = _split_sheet(text.strip())
        if name is None:                         # a bare sheet title, else cells on the first sheet
            sheet = book.find(cells or "")
            sheet, cells = (sheet, None) if sheet else (book.sheets[0], cells)
        else:
            sheet = book.find(name)
            if sheet is None:
                raise ValueError(text)
        if cells is None:
            return _Range(sheet, 0, 0, None, None)
        return _Range(sheet, *_cells(cells))
    except (ValueError, IndexError):
        raise ApiError(400, f"Unable to parse range: {text}") from None


def _check_grid(rng: _Range, text: str) -> None:
    """Explicit bounds must lie inside the grid."""
    rows, cols = rng.grid_rows, rng.grid_cols
    if (rng.r0 >= rows or rng.c0 >= cols or (rng.r1 or 0) > rows or (rng.c1 or 0) > cols):
        raise ApiError(400, f"Range ({text}) exceeds grid limits. Max rows: {rows}, max columns: {cols}")


# -- cell values ------------------------------------------------------------------------------------------------

_INT = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)$")


def _entered(value: Any) -> Any:
    """What the Sheets UI would make of ``value`` typed in (USER_ENTERED)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if value.startswith("="):
        return Formula(value)
    if value.startswith("'"):
        return value[1:]
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE"
    if _INT.match(text):
        return int(text.replace(",", ""))
    if _FLOAT.match(text):
        return float(text)
    return value


def _render(value: Any, option: str) -> Any:
    if isinstance(value, Formula):
        return value.text if option == "FORMULA" or value.shown is None else value.shown
    if option != "FORMATTED_VALUE":
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _nonzero(d: dict) -> dict:
    """The API leaves zero counts out of its JSON (proto3)."""
    return {k: v for k, v in d.items() if v != 0}


# -- the fake ---------------------------------------------------------------------------------------------------

@dataclass
class _Failure:
    status: int
    times: int
    retry_after: int | None
    path_contains: str


class _Adapter(BaseAdapter):
    def __init__(self, fake: FakeSheets) -> None:
        super().__init__()
        self.fake = fake

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        if not (request.url or "").startswith(HOST):
            raise requests.ConnectionError(f"FakeSheets is offline; refusing {request.url}")
        return self.fake._respond(request)

    def close(self) -> None:
        pass


class FakeSheets:
    """Spreadsheets in memory behind a requests adapter. See the module docstring for the value rules."""

    def __init__(self) -> None:
        self.books: dict[str, Book] = {}
        self.requests: list[SheetsRequest] = []
        self.reads = 0                    # GET requests
        self.writes = 0                   # every other method
        self.deny = False                 # True: every request 403, like a sheet not shared with the account
        self._failures: list[_Failure] = []
        self._edit: Callable[[], None] | None = None
        self._ids = itertools.count(1_000_001)
        self._lock = threading.RLock()

    # -- setting up and looking in (for tests) ----------------------------------------------------------------

    def add_spreadsheet(self, spreadsheet_id: str, title: str = "상품매핑",
                        sheets: dict[str, list[list[str]]] | None = None) -> None:
        """``sheets``: title -> rows of cell values (stored as given, like RAW). Default: one empty "Sheet1"."""
        sheets = sheets if sheets is not None else {"Sheet1": []}
        book = Book(spreadsheet_id, title, [])
        for index, (name, rows) in enumerate(sheets.items()):
            width = max((len(r) for r in rows), default=0)
            sheet = self._new_sheet(0 if index == 0 else next(self._ids), name, index,
                                    max(1000, len(rows)), max(26, width))
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value not in ("", None):
                        sheet.cells[r, c] = value
            book.sheets.append(sheet)
        self.books[spreadsheet_id] = book

    def session(self) -> requests.Session:
        """A Session answered by this fake; any other host raises ConnectionError instead of going online."""
        s = requests.Session()
        adapter = _Adapter(self)
        for prefix in ("http://", "https://", HOST):
            s.mount(prefix, adapter)
        return s

    def fail_next(self, status: int, *, times: int = 1, retry_after: int | None = None,
                  path_contains: str = "") -> None:
        """The next ``times`` requests whose decoded path contains ``path_contains`` answer ``status`` with the
        API's error body (and Retry-After when given). Status 0 raises requests.ConnectionError instead."""
        self._failures.append(_Failure(status, times, retry_after, path_contains))

    def edit_during(self, callback: Callable[[], None]) -> None:
        """Run ``callback()`` once, just before the next values:batchUpdate is applied (a person editing)."""
        self._edit = callback

    def sheet(self, spreadsheet_id: str, title: str) -> Sheet:
        """The live Sheet (properties, cells, validations, merges, formats). A :batchUpdate swaps in new Sheet
        objects (it works on a copy), so look it up again afterwards rather than keeping one."""
        found = self.books[spreadsheet_id].find(title)
        if found is None:
            raise KeyError(title)
        return found

    def set_cell(self, spreadsheet_id: str, sheet: str, row: int, col: int, value: Any) -> None:
        """Set one cell, 1-based like A1 (row=1, col=1 is A1), stored exactly; "" or None clears it."""
        with self._lock:
            target = self.sheet(spreadsheet_id, sheet)
            target.grid["rowCount"] = max(target.grid["rowCount"], row)
            target.grid["columnCount"] = max(target.grid["columnCount"], col)
            self._put(target, row - 1, col - 1, value)

    def cell(self, spreadsheet_id: str, sheet: str, row: int, col: int) -> Any:
        """The stored value (str, int, float, bool, Formula) or None, 1-based."""
        return self.sheet(spreadsheet_id, sheet).cells.get((row - 1, col - 1))

    def rows(self, spreadsheet_id: str, sheet: str) -> list[list[str]]:
        """The whole sheet as a FORMATTED_VALUE read returns it (trailing empty cells and rows trimmed)."""
        with self._lock:
            target = self.sheet(spreadsheet_id, sheet)
            return self._read(_Range(target, 0, 0, None, None), "FORMATTED_VALUE", "ROWS")

    def formula_cells(self, spreadsheet_id: str) -> list[tuple[str, str, str]]:
        """Every formula cell as (sheet title, "B3", formula text), sheet by sheet, row by row."""
        return [(s.title, f"{col_letters(c)}{r + 1}", v.text)
                for s in self.books[spreadsheet_id].sheets
                for (r, c), v in sorted(s.cells.items()) if isinstance(v, Formula)]

    # -- HTTP -------------------------------------------------------------------------------------------------

    _ROUTES = (
        ("GET", r"/v4/spreadsheets/([^/:]+)", "_get_spreadsheet"),
        ("POST", r"/v4/spreadsheets/([^/:]+):batchUpdate", "_batch_update"),
        ("GET", r"/v4/spreadsheets/([^/:]+)/values:batchGet", "_values_batch_get"),
        ("POST", r"/v4/spreadsheets/([^/:]+)/values:batchUpdate", "_values_batch_update"),
        ("POST", r"/v4/spreadsheets/([^/:]+)/values:batchClear", "_values_batch_clear"),
        ("POST", r"/v4/spreadsheets/([^/:]+)/values/([^/:]+):append", "_values_append"),
        ("POST", r"/v4/spreadsheets/([^/:]+)/values/([^/:]+):clear", "_values_clear"),
        ("GET", r"/v4/spreadsheets/([^/:]+)/values/([^/:]+)", "_values_get"),
        ("PUT", r"/v4/spreadsheets/([^/:]+)/values/([^/:]+)", "_values_update"),
    )

    def _respond(self, request: requests.PreparedRequest) -> requests.Response:
        url = urlsplit(request.url or "")
        method = (request.method or "GET").upper()
        query = parse_qs(url.query, keep_blank_values=True)
        raw = request.body
        body = json.loads(raw) if raw else None
        path = unquote(url.path)
        with self._lock:
            self.requests.append(SheetsRequest(method, path, query, body))
            if method == "GET":
                self.reads += 1
            else:
                self.writes += 1
            try:
                status, payload = 200, self._dispatch(method, url.path, path, query, body)
                headers: dict[str, str] = {}
            except ApiError as e:
                status, headers = e.status, e.headers
                payload = {"error": {"code": e.status, "message": e.message,
                                     "status": STATUS_NAMES.get(e.status, "UNKNOWN")}}
        response = requests.Response()
        response.status_code = status
        response.reason = _phrase(status)
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json; charset=UTF-8", **headers})
        response._content = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        return response

    def _dispatch(self, method: str, raw_path: str, path: str, query: dict, body: Any) -> Any:
        if self.deny:
            raise ApiError(403, "The caller does not have permission")
        for failure in self._failures:
            if failure.path_contains in path:
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                if failure.status == 0:
                    raise requests.ConnectionError("FakeSheets: connection dropped (fail_next(0))")
                headers = {} if failure.retry_after is None else {"Retry-After": str(failure.retry_after)}
                raise ApiError(failure.status, self._failure_message(failure.status, method), headers)
        for route_method, pattern, handler in self._ROUTES:
            m = re.fullmatch(pattern, raw_path)
            if m and route_method == method:
                spreadsheet_id, *rest = (unquote(g) for g in m.groups())
                book = self.books.get(spreadsheet_id)
                if book is None:
                    raise ApiError(404, "Requested entity was not found.")
                return getattr(self, handler)(book, query, body or {}, *rest)
        raise ApiError(404, f"Method not found: {method} {path}")

    @staticmethod
    def _failure_message(status: int, method: str) -> str:
        if status == 429:
            kind = "Read" if method == "GET" else "Write"
            return (f"Quota exceeded for quota metric '{kind} requests' and limit '{kind} requests per minute per "
                    f"user' of service 'sheets.googleapis.com' for consumer 'project_number:0'.")
        return {403: "The caller does not have permission", 503: "The service is currently unavailable.",
                500: "Internal error encountered.", 404: "Requested entity was not found."
                }.get(status, _phrase(status))

    # -- spreadsheets.get / batchUpdate -----------------------------------------------------------------------

    def _get_spreadsheet(self, book: Book, query: dict, body: Any) -> dict:
        sheets = []
        for s in book.sheets:
            entry: dict[str, Any] = {"properties": copy.deepcopy(s.properties)}
            if s.merges:
                entry["merges"] = copy.deepcopy(s.merges)
            sheets.append(entry)
        return {"spreadsheetId": book.spreadsheet_id,
                "properties": {"title": book.title, "locale": "ko_KR", "autoRecalc": "ON_CHANGE",
                               "timeZone": "Asia/Seoul",
                               "defaultFormat": {"verticalAlignment": "BOTTOM", "wrapStrategy": "OVERFLOW_CELL"}},
                "sheets": sheets,
                "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit"}

    def _batch_update(self, book: Book, query: dict, body: dict) -> dict:
        """All or nothing: the requests run on a copy that replaces the book only when every one succeeded."""
        work = copy.deepcopy(book)
        replies = []
        for i, request in enumerate(body.get("requests") or []):
            kind = next(iter(request), "") if isinstance(request, dict) and len(request) == 1 else ""
            handler = getattr(self, f"_req_{kind}", None) if kind else None
            if handler is None and kind not in FORMAT_REQUESTS:
                names = list(request) if isinstance(request, dict) else request
                raise ApiError(400, f"Invalid requests[{i}]: unknown or unsupported request {names}")
            try:
                if handler is None:
                    sheet_id = (request[kind].get("range") or {}).get("sheetId", 0)
                    work.by_id(sheet_id).formats.append(copy.deepcopy(request))
                    replies.append({})
                else:
                    replies.append(handler(work, request[kind]))
            except ApiError as e:
                raise ApiError(e.status, f"Invalid requests[{i}].{kind}: {e.message}") from None
        self.books[book.spreadsheet_id] = work
        return {"spreadsheetId": book.spreadsheet_id, "replies": replies}

    def _new_sheet(self, sheet_id: int, title: str, index: int, rows: int, cols: int) -> Sheet:
        return Sheet({"sheetId": sheet_id, "title": title, "index": index, "sheetType": "GRID",
                      "gridProperties": {"rowCount": rows, "columnCount": cols}})

    @staticmethod
    def _reindex(book: Book) -> None:
        for i, s in enumerate(book.sheets):
            s.properties["index"] = i

    def _req_addSheet(self, book: Book, req: dict) -> dict:
        props = req.get("properties") or {}
        title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
        if book.find(title):
            raise ApiError(400, f'A sheet with the name "{title}" already exists. Please enter another name.')
        sheet_id = props.get("sheetId", next(self._ids))
        if any(s.properties["sheetId"] == sheet_id for s in book.sheets):
            raise ApiError(400, f"Sheet with id {sheet_id} already exists.")
        grid = props.get("gridProperties") or {}
        sheet = self._new_sheet(sheet_id, title, 0, grid.get("rowCount", 1000), grid.get("columnCount", 26))
        sheet.grid.update({k: v for k, v in grid.items() if k not in ("rowCount", "columnCount")})
        sheet.properties.update({k: copy.deepcopy(v) for k, v in props.items()
                                 if k not in ("sheetId", "title", "index", "gridProperties")})
        book.sheets.insert(min(props.get("index", len(book.sheets)), len(book.sheets)), sheet)
        self._reindex(book)
        return {"addSheet": {"properties": copy.deepcopy(sheet.properties)}}

    def _req_deleteSheet(self, book: Book, req: dict) -> dict:
        sheet = book.by_id(req.get("sheetId"))
        if len(book.sheets) == 1:
            raise ApiError(400, "You can't remove all the visible sheets in a document.")
        book.sheets.remove(sheet)
        self._reindex(book)
        return {}

    def _req_updateSheetProperties(self, book: Book, req: dict) -> dict:
        props, fields = req.get("properties") or {}, req.get("fields") or ""
        sheet = book.by_id(props.get("sheetId"))
        paths = [p.strip() for p in fields.split(",") if p.strip()]
        if not paths:
            raise ApiError(400, "At least one field must be specified in 'fields'.")
        if "*" in paths:
            paths = [k for k in props if k != "sheetId"]
        new = copy.deepcopy(sheet.properties)
        for p in paths:
            keys, source, present = re.split(r"[./]", p), props, True   # gspread sends "gridProperties/x"
            for k in keys:
                present = isinstance(source, dict) and k in source
                if not present:
                    break
                source = source[k]
            target = new
            for k in keys[:-1]:
                target = target.setdefault(k, {})
            if present:
                target[keys[-1]] = copy.deepcopy(source)
            elif ".".join(keys) not in KEEP_WHEN_MASKED:
                target.pop(keys[-1], None)      # masked but absent: reset to the default
        new["sheetId"] = sheet.properties["sheetId"]
        new["gridProperties"] = {"rowCount": sheet.grid["rowCount"], "columnCount": sheet.grid["columnCount"],
                                 **(new.get("gridProperties") or {})}
        if new["title"] != sheet.title and book.find(new["title"]):
            raise ApiError(400, f'A sheet with the name "{new["title"]}" already exists. Please enter another name.')
        grid = new["gridProperties"]
        if grid["rowCount"] < 1 or grid["columnCount"] < 1:
            raise ApiError(400, "A sheet needs at least one row and one column.")
        sheet.properties = new
        sheet.cells = {(r, c): v for (r, c), v in sheet.cells.items()
                       if r < grid["rowCount"] and c < grid["columnCount"]}
        book.sheets.remove(sheet)
        book.sheets.insert(min(new["index"], len(book.sheets)), sheet)
        self._reindex(book)
        return {}

    def _req_appendDimension(self, book: Book, req: dict) -> dict:
        sheet = book.by_id(req.get("sheetId"))
        key = {"ROWS": "rowCount", "COLUMNS": "columnCount"}.get(req.get("dimension", ""))
        if key is None or int(req.get("length", 0)) < 1:
            raise ApiError(400, "dimension must be ROWS or COLUMNS and length at least 1")
        sheet.grid[key] += int(req["length"])
        return {}

    @staticmethod
    def _grid_range(book: Book, grid_range: dict) -> Sheet:
        """The sheet a GridRange names, after checking its indices lie in the grid."""
        sheet = book.by_id(grid_range.get("sheetId", 0))
        rows, cols = sheet.grid["rowCount"], sheet.grid["columnCount"]
        for start, end, limit in (("startRowIndex", "endRowIndex", rows), ("startColumnIndex", "endColumnIndex", cols)):
            lo, hi = grid_range.get(start, 0), grid_range.get(end, limit)
            if not 0 <= lo <= hi <= limit:
                raise ApiError(400, f"Range ({grid_range}) exceeds grid limits. Max rows: {rows}, "
                                    f"max columns: {cols}")
        return sheet

    def _req_setDataValidation(self, book: Book, req: dict) -> dict:
        grid_range = req.get("range") or {}
        sheet = self._grid_range(book, grid_range)
        rule = req.get("rule")
        if rule:
            condition = rule.get("condition") or {}
            if condition.get("type") == "ONE_OF_RANGE":
                for value in condition.get("values") or [{}]:
                    ref = value.get("userEnteredValue", "")
                    if not ref.startswith("="):
                        raise ApiError(400, f"Invalid ConditionValue.userEnteredValue: {ref}")
                    parse_range(book, ref[1:])
        sheet.validations = [v for v in sheet.validations if v["range"] != grid_range]
        if rule:
            sheet.validations.append({"range": copy.deepcopy(grid_range), "rule": copy.deepcopy(rule)})
        return {}

    def _req_mergeCells(self, book: Book, req: dict) -> dict:
        grid_range = req.get("range") or {}
        self._grid_range(book, grid_range).merges.append(copy.deepcopy(grid_range))
        return {}

    # -- spreadsheets.values --------------------------------------------------------------------------------------

    @staticmethod
    def _option(name: str, value: Any, allowed: tuple[str, ...], default: str | None = None) -> str:
        """A query parameter's first value (or a body field), checked against ``allowed``."""
        value = (value or [default])[0] if isinstance(value, list) else (value or default)
        if value is None:
            raise ApiError(400, f"'{name}' is required but not specified")
        if value not in allowed:
            raise ApiError(400, f"Invalid value at '{name}' ({value})")
        return value

    def _value_range(self, book: Book, text: str, query: dict) -> dict:
        render = self._option("valueRenderOption", query.get("valueRenderOption"), RENDER_OPTIONS,
                              "FORMATTED_VALUE")
        major = self._option("majorDimension", query.get("majorDimension"), MAJORS, "ROWS")
        major = "ROWS" if major == "DIMENSION_UNSPECIFIED" else major
        rng = self._checked(book, text)
        out: dict[str, Any] = {"range": a1(rng.sheet.title, rng.r0, rng.c0, *rng.ends()), "majorDimension": major}
        values = self._read(rng, render, major)
        if values:
            out["values"] = values
        return out

    def _read(self, rng: _Range, render: str, major: str) -> list[list[Any]]:
        r1, c1 = rng.ends()
        found = {(r, c) if major == "ROWS" else (c, r): v for (r, c), v in rng.sheet.cells.items()
                 if rng.r0 <= r < r1 and rng.c0 <= c < c1}
        first_line, first_item = (rng.r0, rng.c0) if major == "ROWS" else (rng.c0, rng.r0)
        if not found:
            return []
        out: list[list[Any]] = [[] for _ in range(max(k[0] for k in found) - first_line + 1)]
        for (line, item), value in sorted(found.items()):
            row = out[line - first_line]
            row.extend([""] * (item - first_item - len(row)))
            row.append(_render(value, render))
        return out

    def _values_get(self, book: Book, query: dict, body: Any, text: str) -> dict:
        return self._value_range(book, text, query)

    def _values_batch_get(self, book: Book, query: dict, body: Any) -> dict:
        ranges = [self._value_range(book, text, query) for text in query.get("ranges", [])]
        return {"spreadsheetId": book.spreadsheet_id, **({"valueRanges": ranges} if ranges else {})}

    @staticmethod
    def _put(sheet: Sheet, r: int, c: int, value: Any) -> None:
        if value is None or value == "":
            sheet.cells.pop((r, c), None)
        else:
            sheet.cells[r, c] = value

    def _plan_write(self, book: Book, rng: _Range, text: str, values: Any, major: Any,
                    option: str) -> tuple[list, dict]:
        """Check one write and return ([(row, col, value)], response) without touching the sheet."""
        major = self._option("majorDimension", major, MAJORS, "ROWS")
        if not isinstance(values, list) or not all(isinstance(line, list) for line in values):
            raise ApiError(400, f"Invalid values for {text}: a list of lists is needed")
        for i, line in enumerate(values):
            for v in line:
                if isinstance(v, (dict, list)):
                    raise ApiError(400, f"Invalid values[{i}]: {json.dumps(v, ensure_ascii=False)}")
        cells = [(rng.r0 + i, rng.c0 + j, v) if major != "COLUMNS" else (rng.r0 + j, rng.c0 + i, v)
                 for i, line in enumerate(values) for j, v in enumerate(line)]
        if not cells:
            return [], {"spreadsheetId": book.spreadsheet_id,
                        "updatedRange": a1(rng.sheet.title, rng.r0, rng.c0, rng.r0 + 1, rng.c0 + 1)}
        last_r, last_c = max(r for r, _, _ in cells), max(c for _, c, _ in cells)
        if not rng.single and (rng.r1 is not None and last_r >= rng.r1 or rng.c1 is not None and last_c >= rng.c1):
            where = f"row [{last_r + 1}]" if rng.r1 is not None and last_r >= rng.r1 else f"column [{last_c + 1}]"
            raise ApiError(400, f"Requested writing within range [{text}], but tried writing to {where}")
        if option == "USER_ENTERED":
            cells = [(r, c, _entered(v)) for r, c, v in cells]
        written = [(r, c) for r, c, v in cells if v is not None]
        return cells, _nonzero({"spreadsheetId": book.spreadsheet_id,
                                "updatedRange": a1(rng.sheet.title, rng.r0, rng.c0, last_r + 1, last_c + 1),
                                "updatedRows": len({r for r, _ in written}),
                                "updatedColumns": len({c for _, c in written}),
                                "updatedCells": len(written)})

    def _apply_write(self, sheet: Sheet, cells: list) -> None:
        grid = sheet.grid
        for r, c, v in cells:
            grid["rowCount"], grid["columnCount"] = max(grid["rowCount"], r + 1), max(grid["columnCount"], c + 1)
            if v is not None:                      # null in a values array leaves the cell alone
                self._put(sheet, r, c, v)

    def _checked(self, book: Book, text: str) -> _Range:
        rng = parse_range(book, text)
        _check_grid(rng, text)
        return rng

    def _values_batch_update(self, book: Book, query: dict, body: dict) -> dict:
        if self._edit is not None:
            edit, self._edit = self._edit, None
            edit()
        option = self._option("valueInputOption", body.get("valueInputOption"), INPUT_OPTIONS)
        plans = []
        for d in body.get("data") or []:          # every range checked before any cell changes
            rng = self._checked(book, d.get("range", ""))
            plans.append((rng, *self._plan_write(book, rng, d.get("range", ""), d.get("values", []),
                                                 d.get("majorDimension"), option)))
        for rng, cells, _ in plans:
            self._apply_write(rng.sheet, cells)
        responses = [response for _, _, response in plans]
        totals = _nonzero({key: sum(r.get(part, 0) for r in responses) for key, part in
                           (("totalUpdatedRows", "updatedRows"), ("totalUpdatedColumns", "updatedColumns"),
                            ("totalUpdatedCells", "updatedCells"))})
        sheets = len({rng.sheet.title for rng, cells, _ in plans if cells})
        return {"spreadsheetId": book.spreadsheet_id, **totals, **({"totalUpdatedSheets": sheets} if sheets else {}),
                **({"responses": responses} if responses else {})}

    def _values_update(self, book: Book, query: dict, body: dict, text: str) -> dict:
        option = self._option("valueInputOption", query.get("valueInputOption"), INPUT_OPTIONS)
        rng = self._checked(book, text)
        cells, response = self._plan_write(book, rng, text, body.get("values", []), body.get("majorDimension"),
                                           option)
        self._apply_write(rng.sheet, cells)
        return response

    def _values_append(self, book: Book, query: dict, body: dict, text: str) -> dict:
        """Writes after the last non-empty row found from the range's first row and column to the sheet's edge
        (a simpler rule than the API's table detection, the same for a table that starts at the range)."""
        option = self._option("valueInputOption", query.get("valueInputOption"), INPUT_OPTIONS)
        insert = self._option("insertDataOption", query.get("insertDataOption"), ("OVERWRITE", "INSERT_ROWS"),
                              "OVERWRITE")
        rng = self._checked(book, text)
        sheet = rng.sheet
        table = [(r, c) for r, c in sheet.cells if r >= rng.r0 and c >= rng.c0]
        start = max((r for r, _ in table), default=rng.r0 - 1) + 1
        values = body.get("values", [])
        cells, updates = self._plan_write(book, _Range(sheet, start, rng.c0, None, None), text, values,
                                          body.get("majorDimension"), option)
        if insert == "INSERT_ROWS" and cells:
            added = max(r for r, _, _ in cells) - start + 1
            sheet.cells = {(r + added if r >= start else r, c): v for (r, c), v in sheet.cells.items()}
            sheet.grid["rowCount"] += added
        self._apply_write(sheet, cells)
        out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
        if table:
            out["tableRange"] = a1(sheet.title, rng.r0, rng.c0, start, max(c for _, c in table) + 1)
        return out | {"updates": updates}

    def _clear(self, book: Book, texts: list[str]) -> list[str]:
        ranges = [self._checked(book, text) for text in texts]
        for rng in ranges:
            r1, c1 = rng.ends()
            rng.sheet.cells = {(r, c): v for (r, c), v in rng.sheet.cells.items()
                               if not (rng.r0 <= r < r1 and rng.c0 <= c < c1)}
        return [a1(rng.sheet.title, rng.r0, rng.c0, *rng.ends()) for rng in ranges]

    def _values_batch_clear(self, book: Book, query: dict, body: dict) -> dict:
        return {"spreadsheetId": book.spreadsheet_id, "clearedRanges": self._clear(book, body.get("ranges") or [])}

    def _values_clear(self, book: Book, query: dict, body: Any, text: str) -> dict:
        return {"spreadsheetId": book.spreadsheet_id, "clearedRange": self._clear(book, [text])[0]}
