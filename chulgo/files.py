"""Open any input file as text tables: sniff the bytes, decrypt in memory, read every sheet as text cells.

Extensions lie (an ``.xls`` that is HTML, an ``.xlsx`` that is encrypted OLE), so the bytes decide.
Nothing decrypted ever touches the disk.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Collection, Iterator, Mapping
from html.parser import HTMLParser
from pathlib import Path

import msoffcrypto
import msoffcrypto.exceptions
import python_calamine

from chulgo.model import ChulgoError, RawTable
from chulgo.settings import password_env_var

HEADER_SCAN_ROWS = 20
# Excel keeps 15 significant digits: a number at or above this was cut before we ever saw it.
FLOAT_EXACT_LIMIT = 1e15
UNREPAIRABLE = re.compile(r"^\d(\.\d+)?e\+\d+$", re.IGNORECASE)
# Channels whose order downloads come password-protected (see templates/channels/*.toml), by Korean name.
ENCRYPTED_DOWNLOADS = {"smartstore": "스마트스토어", "ohouse": "오늘의집"}


class InputFileError(ChulgoError):
    """An input file cannot be read at all (wrong password, damaged, unknown encoding)."""


def cell_text(value: object) -> str:
    """One spreadsheet cell as text, never losing digits silently.

    Integral numbers lose their ``.0``; numbers too long for Excel's 15 digits come back in
    ``1.234e+15`` form so that id columns can refuse them (see ``is_unrepairable``).
    """
    if type(value) is str:
        return value.strip()
    if type(value) is float and value.is_integer() and abs(value) < FLOAT_EXACT_LIMIT:
        return str(int(value))       # the commonest number: a whole one (the full rules below say the same)
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            if abs(value) >= FLOAT_EXACT_LIMIT:
                return f"{value:.15e}"
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    return str(value).strip()


def is_unrepairable(text: str) -> bool:
    """True for an id that arrived as a number longer than Excel keeps (digits already lost)."""
    return bool(UNREPAIRABLE.match(text))


def normalise_header(text: str) -> str:
    """Header names are compared without spaces or line breaks (`수취인 주소` == `수취인주소`)."""
    return re.sub(r"\s+", "", text)


def find_header_row(rows: list[list[str]], required: set[str]) -> int:
    """The first row (0-based) among the first rows of a sheet that holds every required header; -1 if none."""
    need = {normalise_header(h) for h in required}
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if need <= {normalise_header(c) for c in row if c}:
            return i
    return -1


def sniff(data: bytes) -> str:
    """'xlsx' | 'ole' (BIFF .xls or encrypted OOXML) | 'html' | 'xml' | 'text'."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == bytes.fromhex("D0CF11E0A1B11AE1"):
        return "ole"
    head = data[:2048].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")) or b"<table" in head[:512]:
        return "html"
    if head.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096]:
        return "xml"
    return "text"


def decrypt(data: bytes, passwords: Mapping[str, str], name: str, from_env: Collection[str] = ()) -> bytes:
    """Decrypt an encrypted Office file in memory, trying each channel's password.

    ``from_env``: the channels whose password came from CHULGO_<CHANNEL>_PASSWORD (named as such when wrong).
    """
    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    if not office.is_encrypted():
        return data
    tried = [(ch, pw) for ch, pw in passwords.items() if pw]
    for _channel, password in tried:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        try:
            office.load_key(password=password, verify_password=True)
            out = io.BytesIO()
            office.decrypt(out)
            return out.getvalue()
        except msoffcrypto.exceptions.InvalidKeyError:
            continue
        except Exception as e:  # msoffcrypto raises several types for damaged containers
            raise InputFileError(f"{name}: 암호 파일을 풀 수 없습니다 ({type(e).__name__}). 채널에서 다시 내려받으세요.") from None
    raise InputFileError(_password_message(name, [ch for ch, _ in tried], set(from_env), set(passwords)))


def _password_message(name: str, tried: list[str], from_env: set[str], known: set[str]) -> str:
    """What to fix when no configured password opens ``name``. Channels that send encrypted downloads but
    have no password yet are named too: the file may be theirs."""
    # A bare read_tables(path, {}) knows no channels: then every channel that encrypts is a candidate.
    missing = [ch for ch in ENCRYPTED_DOWNLOADS if ch not in tried and (ch in known or not known)]
    fill = ", ".join(f"{ENCRYPTED_DOWNLOADS[ch]} 파일이면 settings.toml [channels.{ch}] password" for ch in missing)
    if not tried:
        return (f"{name}: 비밀번호가 걸린 파일입니다. {fill or 'settings.toml [channels.<채널>] password'}에 "
                "엑셀 다운로드 때 정한 비밀번호를 넣고 다시 실행하세요.")
    envs = [password_env_var(ch) for ch in tried if ch in from_env]
    keys = [f"[channels.{ch}] password" for ch in tried if ch not in from_env]
    text = f"{name}: 엑셀 비밀번호가 맞지 않습니다. "
    if envs:
        text += f"환경변수 {', '.join(envs)}이(가) settings.toml보다 우선합니다 (settings.toml을 고쳐도 소용없습니다). "
    fix = " 또는 ".join(([f"settings.toml {', '.join(keys)}"] if keys else []) + [f"환경변수 {v}" for v in envs])
    text += f"{fix}를 다운로드 때 정한 비밀번호로 고치고 다시 실행하세요."
    if fill:
        text += f" {fill}에 비밀번호를 넣으세요."
    return text + " 파일은 inbox에 그대로 둡니다."


def _text_row(row: list) -> list[str]:
    return [c.strip() if type(c) is str else cell_text(c) for c in row]


class SheetStream:
    """One sheet of a workbook as text rows, read row by row: calamine parses the sheet once and keeps its cells
    (far smaller than Python lists of them); each row becomes text only as it is read. Rows are as
    ``to_python(skip_empty_area=False)`` gives them: from A1, empty rows and columns before the data included.
    ``release`` lets go of the parsed cells; reading again parses the sheet anew from the workbook's bytes."""

    def __init__(self, data: bytes, index: int, sheet: python_calamine.CalamineSheet | None = None) -> None:
        self._data = data
        self._index = index
        self._sheet = sheet

    def _parsed(self) -> python_calamine.CalamineSheet:
        if self._sheet is None:
            self._sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(self._data)) \
                .get_sheet_by_index(self._index)
        return self._sheet

    def head(self, nrows: int) -> list[list[str]]:
        return [_text_row(row) for row in self._parsed().to_python(skip_empty_area=False, nrows=nrows)]

    def __call__(self, columns: Collection[int] | None = None) -> Iterator[list[str]]:
        """Every row; ``columns``: only these cells become text, "" in the others, unless none of them has text
        (then the whole row: see ``RawTable.rows_from``)."""
        sheet = self._parsed()
        end = sheet.end
        if end is None:
            return
        width = end[1] + 1
        wanted = None if columns is None else sorted(i for i in set(columns) if 0 <= i < width)
        blank = [""] * width
        # iter_rows gives the empty rows above the data but not the empty columns left of it: those are added.
        for row in sheet.iter_rows():
            if len(row) < width:
                row = blank[: width - len(row)] + row
            if wanted is None:
                yield _text_row(row)
                continue
            cells = blank.copy()
            for i in wanted:
                c = row[i]
                cells[i] = c.strip() if type(c) is str else cell_text(c)
            yield cells if any(cells) else _text_row(row)

    def release(self) -> None:
        self._sheet = None


def _workbook_tables(data: bytes, path: Path, stream: bool = False) -> list[RawTable]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        tables = []
        for index, sheet_name in enumerate(book.sheet_names):
            if stream:
                source = SheetStream(data, index, book.get_sheet_by_index(index))
                tables.append(RawTable(path, sheet_name, source.head(HEADER_SCAN_ROWS), stream=source))
            else:
                rows = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
                tables.append(RawTable(path, sheet_name, [_text_row(row) for row in rows]))
        return tables
    except InputFileError:
        raise
    except Exception as e:  # calamine raises CalamineError / ZipError / XmlError for damaged files
        raise InputFileError(
            f"{path.name}: 엑셀 파일이 손상되었거나 끝까지 내려받지 못했습니다 ({type(e).__name__}). "
            "채널에서 다시 내려받아 inbox에 넣으세요.") from None


class _TableParser(HTMLParser):
    """The rows of every <table> in an HTML page (the '.xls' some admin pages really send)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _decode_text(data: bytes, name: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputFileError(f"{name}: 글자 인코딩을 알 수 없습니다 (UTF-8, CP949 모두 아님). 엑셀에서 xlsx로 저장해 넣으세요.")


def _decodes(data: bytes) -> bool:
    try:
        _decode_text(data, "")
        return True
    except InputFileError:
        return False


def _text_tables(data: bytes, path: Path) -> list[RawTable]:
    text = _decode_text(data, path.name)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    return [RawTable(path, "", rows)]


def _html_tables(data: bytes, path: Path) -> list[RawTable]:
    parser = _TableParser()
    parser.feed(_decode_text(data, path.name))
    return [RawTable(path, f"table{i + 1}", rows) for i, rows in enumerate(parser.tables) if rows]


def read_tables(path: Path, passwords: Mapping[str, str], data: bytes | None = None, *,
                from_env: Collection[str] = (), stream: bool = False) -> list[RawTable]:
    """Every sheet (or table) of an input file as text rows (``data``: its bytes, if already read).
    ``from_env``: channels whose password came from the environment (see ``decrypt``).
    ``stream``: a workbook's sheets come as streamed tables (their first rows, then ``RawTable.rows_from``).
    Raises InputFileError when unreadable."""
    data = path.read_bytes() if data is None else data
    if not data:
        raise InputFileError(f"{path.name}: 빈 파일입니다. 채널에서 다시 내려받으세요.")
    kind = sniff(data)
    if kind == "ole":
        try:
            data = decrypt(data, passwords, path.name, from_env)
        except InputFileError:
            raise
        except Exception:
            return []   # an OLE file that is no Office document (Thumbs.db, .msg …): nobody's format
        return _workbook_tables(data, path, stream)
    if kind == "xlsx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if "xl/workbook.xml" not in z.namelist():
                    return []          # a .docx, .pptx or plain zip: not a spreadsheet
        except zipfile.BadZipFile:
            pass                       # a cut-off download: calamine names the damage below
        return _workbook_tables(data, path, stream)
    if b"\x00" in data[:1024] and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        return []                      # binary (pdf, png …): not a table
    if kind == "text" and not _decodes(data):
        return []
    if kind == "html":
        return _html_tables(data, path)
    if kind == "xml":
        raise InputFileError(f"{path.name}: 엑셀 2003 XML 형식은 아직 읽지 못합니다. 엑셀에서 열어 xlsx로 저장해 넣으세요.")
    return _text_tables(data, path)
