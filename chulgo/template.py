"""The small template language shared by channel, courier and supplier templates.

A column spec names where a field comes from, by header text:
    "상품주문번호"                               one column
    ["통합배송지", "배송지"]                      the first of these that the file has
    { join = ["기본배송지", "상세배송지"], sep = " " }   several columns joined (missing ones skipped)
A list may mix plain names and joins. Anything more than that is code, not template.

A template may take tables it shares with others from a file whose name starts with `_` (a piece, not a template):
    include = "_status.toml"                     or a list; the later file wins, the template's own keys over all
Tables merge key by key; a text, number or list is replaced whole. The piece is looked for beside the template, then
in the program's own templates/<kind>/ folder, so a workspace's template can include the program's pieces.

Every template is checked as it is read (TemplateCheck): a wrong key, value, regex or type stops the program when the
templates load, naming the file, the key and what the key takes — not halfway through a day.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Collection, Sequence
from operator import itemgetter
from pathlib import Path

from chulgo.files import normalise_header
from chulgo.model import ChulgoError

REPO_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INCLUDE = "include"
PIECE_PREFIX = "_"                 # templates/<kind>/_*.toml are pieces to include, not templates of their own

Getter = Callable[[list[str]], str]


def load_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ChulgoError(f"템플릿 {path} 형식이 잘못되었습니다: {e}") from None


def template_files(kind: str, workspace: Path | None) -> list[Path]:
    """The repo's templates of ``kind`` ('channels' | 'couriers' | 'suppliers'), then the workspace's own (which win
    by id). Pieces (`_*.toml`) are not templates."""
    dirs = [REPO_TEMPLATES / kind]
    if workspace is not None:
        dirs.append(workspace / "templates" / kind)
    return [p for d in dirs if d.is_dir() for p in sorted(d.glob("*.toml")) if not p.name.startswith(PIECE_PREFIX)]


def load_template(path: Path) -> dict:
    """``path``'s template with its includes resolved: each included file's tables in order (the later winning), then
    the template's own keys over them."""
    return _resolved(path, ())


def _resolved(path: Path, chain: tuple[Path, ...]) -> dict:
    doc = load_toml(path)
    if INCLUDE not in doc:
        return doc
    names = doc.pop(INCLUDE)
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise ChulgoError(f'템플릿 {path}: include 는 함께 쓸 파일 이름이나 그 목록이어야 합니다 '
                          f'(예: include = "_status.toml"; 지금 {_show(names)}).')
    seen = (*chain, path)
    merged: dict = {}
    for name in names:
        target = _include_path(path, name)
        if target.resolve() in {p.resolve() for p in seen}:
            loop = " → ".join(p.name for p in (*seen, target))
            raise ChulgoError(f'템플릿 {path}: include "{name}" 이(가) 돌고 돕니다 ({loop}). 이 중 한 파일의 include 를 '
                              "지우세요.")
        merged = _merge(merged, _resolved(target, seen))
    return _merge(merged, doc)


def _include_path(path: Path, name: str) -> Path:
    """An included file: beside the template, else in the program's own folder of the same kind."""
    places = list(dict.fromkeys([path.parent, REPO_TEMPLATES / path.parent.name]))
    for folder in places:
        if (folder / name).is_file():
            return folder / name
    raise ChulgoError(f'템플릿 {path}: include "{name}" 파일이 없습니다 (찾은 곳: {", ".join(str(p) for p in places)}). '
                      "파일 이름을 고치거나 그 파일을 만드세요.")


def _merge(base: dict, over: dict) -> dict:
    """``over``'s keys on ``base``: tables merge key by key; anything else (text, number, list) is replaced whole."""
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _show(value: object) -> str:
    """A template value as TOML writes it, for messages."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except TypeError:
        return str(value)


def _at(where: str, key: str) -> str:
    return f"{where} {key}".strip()


SPEC_SHAPES = '"머리글", ["대안1", "대안2"], { join = ["머리글1", "머리글2"], sep = " " }'
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
FILE_NAME_BAD = re.compile(r'[<>:"/\\|?*]')


class TemplateCheck:
    """Reads one template's values, checking each as it is read. A wrong one is a ChulgoError naming the template
    file, the key, and what the key takes. ``where`` is the table being read (`[invoice]`; '' for the top)."""

    def __init__(self, what: str, path: Path) -> None:
        self.what, self.path = what, path          # what: '채널 템플릿' | '택배사 템플릿' | …

    def error(self, key: str, problem: str) -> ChulgoError:
        return ChulgoError(f"{self.what} {self.path}: {key} {problem}")

    def keys(self, table: dict, allowed: Collection[str], where: str) -> None:
        """Every key of ``table`` is one the code reads (a misspelt one would be ignored silently)."""
        for key, value in table.items():
            if key not in allowed:
                name = f"[{key}]" if isinstance(value, dict) and not where else _at(where, key)
                raise self.error(name, f"은(는) 모르는 항목입니다. 쓸 수 있는 항목: {', '.join(allowed)}.")

    def table(self, parent: dict, key: str, name: str, allowed: Collection[str] | None = None) -> dict:
        """The table ``parent[key]`` (empty when absent), called ``name`` in messages (`[invoice]`)."""
        value = parent.get(key, {})
        if not isinstance(value, dict):
            raise self.error(name, f"은(는) 표여야 합니다 ({name} 줄 아래에 항목을 적으세요; 지금 {_show(value)}).")
        if allowed is not None:
            self.keys(value, allowed, name)
        return value

    def tables(self, parent: dict, key: str, name: str) -> list[dict]:
        """An array of tables (`[[claims]]`)."""
        value = parent.get(key, [])
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            raise self.error(name, f"은(는) {name} 줄 아래에 적는 표의 목록이어야 합니다.")
        return value

    def text(self, table: dict, key: str, where: str, default: str | None = None, *, required: bool = False,
             empty: bool = True) -> str | None:
        """A text value; ``required``: it must be there; ``empty``: '' is allowed."""
        if key not in table:
            if required:
                raise self.error(_at(where, key), "이(가) 없습니다.")
            return default
        value = table[key]
        if not isinstance(value, str):
            raise self.error(_at(where, key), f"은(는) 따옴표로 감싼 글자여야 합니다 (지금 {_show(value)}).")
        if not empty and not value.strip():
            raise self.error(_at(where, key), "이(가) 비어 있습니다.")
        return value

    def texts(self, table: dict, key: str, where: str, *, required: bool = False,
              allowed: Collection[str] | None = None, default: Sequence[str] = ()) -> list[str]:
        """A list of texts (``required``: not empty; ``allowed``: each one of these)."""
        if key not in table:
            if required:
                raise self.error(_at(where, key), "이(가) 없습니다.")
            return list(default)
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(_at(where, key), f'은(는) 글자 목록이어야 합니다 (예: ["가", "나"]; 지금 {_show(value)}).')
        if required and not value:
            raise self.error(_at(where, key), "이(가) 비어 있습니다.")
        for v in value:
            if allowed is not None and v not in allowed:
                raise self.error(_at(where, key), f"의 {_show(v)}은(는) 쓸 수 없는 값입니다. 쓸 수 있는 값: "
                                                  f"{', '.join(allowed)}.")
        return value

    def texts_by_name(self, parent: dict, key: str, name: str) -> dict[str, str]:
        """A table of texts (`[invoice.courier_names]`: cj = "00034")."""
        table = self.table(parent, key, name)
        for k in table:
            self.text(table, k, name)
        return table

    def choice(self, table: dict, key: str, where: str, choices: Sequence[str], default: str) -> str:
        value = self.text(table, key, where, default)
        if value not in choices:
            raise self.error(_at(where, key), f"의 {_show(value)}은(는) 쓸 수 없는 값입니다. 쓸 수 있는 값: "
                                              f"{', '.join(_show(c) for c in choices)}.")
        return value

    def integer(self, table: dict, key: str, where: str, default: int | None, minimum: int) -> int | None:
        value = table.get(key, default)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.error(_at(where, key), f"은(는) {minimum} 이상의 정수여야 합니다 (지금 {_show(value)}).")
        return value

    def integers(self, table: dict, key: str, where: str, minimum: int) -> list[int]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) and v >= minimum
                                                  for v in value):
            raise self.error(_at(where, key), f"은(는) {minimum} 이상의 정수 목록이어야 합니다 (예: [10, 12]; "
                                              f"지금 {_show(value)}).")
        return value

    def flag(self, table: dict, key: str, where: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.error(_at(where, key), f"은(는) true 또는 false 여야 합니다 (따옴표 없이; 지금 {_show(value)}).")
        return value

    def regex(self, table: dict, key: str, where: str, default: str | None = None, flags: int = 0) -> re.Pattern | None:
        """A regular expression, compiled (None when absent and no ``default``)."""
        text = self.text(table, key, where, default)
        if text is None:
            return None
        try:
            return re.compile(text, flags)
        except re.error as e:
            raise self.error(_at(where, key), f"의 정규식 {_show(text)}이(가) 잘못되었습니다: {e}. 괄호와 \\, |, * 를 "
                                              "확인하세요.") from None

    def sheet_name(self, table: dict, key: str, where: str, default: str) -> str:
        """A worksheet name Excel accepts (the workbook writer refuses the others when the file is written)."""
        value = self.text(table, key, where, default)
        if not value or len(value) > 31 or SHEET_NAME_BAD.search(value) or value[0] == "'" or value[-1] == "'":
            raise self.error(_at(where, key), f"의 시트 이름 {_show(value)}은(는) 엑셀에서 쓸 수 없습니다 (1~31자, "
                                              "[ ] : * ? / \\ 없이).")
        return value

    def file_name(self, table: dict, key: str, where: str, default: str) -> str:
        """The start of an output file's name (the day and round are added)."""
        value = self.text(table, key, where, default)
        if not value.strip() or FILE_NAME_BAD.search(value):
            raise self.error(_at(where, key), f'의 파일 이름 {_show(value)}은(는) 쓸 수 없습니다 (비우지 말고 '
                                              '< > : " / \\ | ? * 없이).')
        return value

    def column(self, spec: object, key: str) -> None:
        """A column spec (see the top of this module)."""
        candidates = spec if isinstance(spec, list) else [spec]
        if not candidates:
            raise self.error(key, f"이(가) 비어 있습니다. 쓸 수 있는 모양: {SPEC_SHAPES}.")
        for c in candidates:
            if isinstance(c, str) and c.strip():
                continue
            if (isinstance(c, dict) and "join" in c and set(c) <= {"join", "sep"} and isinstance(c["join"], list)
                    and c["join"] and all(isinstance(h, str) and h.strip() for h in c["join"])
                    and isinstance(c.get("sep", " "), str)):
                continue
            raise self.error(key, f"의 열 지정 {_show(c)}을(를) 이해할 수 없습니다. 쓸 수 있는 모양: {SPEC_SHAPES}.")

    def columns(self, parent: dict, key: str, name: str, fields: Collection[str]) -> dict:
        """A table of field = column spec, each field one of ``fields``."""
        table = self.table(parent, key, name, fields)
        for field, spec in table.items():
            self.column(spec, _at(name, field))
        return table

    def cells(self, table: dict, key: str, where: str, values: Collection[str], prefixes: Sequence[str] = (), *,
              required: bool = True) -> list[dict]:
        """The columns of a file we write: [{ header = "…", value = "…" } or { header = "…", text = "…" }, …].
        ``values`` are the value names the code that fills the cells knows; ``prefixes`` name values that take a
        header after them (`raw:주문순번`)."""
        at = _at(where, key)
        entries = table.get(key, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise self.error(at, '은(는) { header = "…", value = "…" } 의 목록이어야 합니다.')
        if required and not entries:
            raise self.error(at, "이(가) 비어 있습니다.")
        allowed = [*values, *(f"{p}<머리글>" for p in prefixes)]
        for n, entry in enumerate(entries, 1):
            header = self.text(entry, "header", f"{at} {n}번째", required=True)
            here = f"{at} {n}번째({_show(header)})"
            self.keys(entry, ("header", "value", "text"), here)
            if ("value" in entry) == ("text" in entry):
                raise self.error(here, "에는 value(채울 값)와 text(그대로 쓸 글자) 중 하나만 적습니다. "
                                       f"쓸 수 있는 value: {', '.join(allowed)}.")
            if "text" in entry:
                if not isinstance(entry["text"], (str, int)) or isinstance(entry["text"], bool):
                    raise self.error(f"{here} text", f"은(는) 따옴표로 감싼 글자여야 합니다 (지금 {_show(entry['text'])}).")
                continue
            value = entry["value"]
            if not (isinstance(value, str) and (value in values or any(
                    value.startswith(p) and value[len(p):].strip() for p in prefixes))):
                raise self.error(f"{here} value", f"의 {_show(value)}은(는) 쓸 수 없는 값입니다. 쓸 수 있는 값: "
                                                  f"{', '.join(allowed)}.")
        return entries


def _positions(candidate: object, index: dict[str, int]) -> tuple[str, list[int]] | None:
    """Where one candidate of a spec reads from: its separator and the header positions it joins (one position for
    a plain name); None when the file has none of its columns."""
    if isinstance(candidate, str):
        i = index.get(normalise_header(candidate))
        return None if i is None else ("", [i])
    if isinstance(candidate, dict) and "join" in candidate:
        parts = [index[normalise_header(h)] for h in candidate["join"] if normalise_header(h) in index]
        return (candidate.get("sep", " "), parts) if parts else None
    raise ChulgoError(f"템플릿의 열 지정 {candidate!r}을(를) 이해할 수 없습니다 (\"머리글\", [\"대안1\", \"대안2\"], {{join=[...]}} 중 하나).")


def _header_index(header: Sequence[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        index.setdefault(normalise_header(h), i)
    return index


def _resolve(spec: object, index: dict[str, int]) -> tuple[bool, str, list[int]] | None:
    """(joined, separator, positions) of the first candidate of ``spec`` the file has; None if none."""
    for candidate in spec if isinstance(spec, list) else [spec]:
        found = _positions(candidate, index)
        if found is not None:
            return isinstance(candidate, dict), *found
    return None


def column_getter(spec: object, header: list[str]) -> Getter | None:
    """A function reading ``spec``'s value from a data row of a table with ``header``; None if absent."""
    found = _resolve(spec, _header_index(header))
    if found is None:
        return None
    joined, sep, parts = found
    if not joined:
        return lambda row, i=parts[0]: row[i] if i < len(row) else ""
    return lambda row, parts=parts, sep=sep: sep.join(v for v in (row[i] if i < len(row) else "" for i in parts) if v)


def column_positions(specs: Sequence[object], header: Sequence[str]) -> set[int]:
    """Every header position the column getters of ``specs`` read (the cells a reader of the table looks at)."""
    index = _header_index(header)
    return {i for spec in specs if (found := _resolve(spec, index)) for i in found[2]}


def fields_reader(specs: Sequence[object | None], header: Sequence[str]) -> Callable[[list[str]], list[str]]:
    """One function reading every spec's value from a data row at once, in the order of ``specs``, as each one's
    ``column_getter`` would (a None spec, or one the file lacks, reads as ""): a row's fields are picked in one go,
    for readers that take every row of a peak day's exports."""
    index = _header_index(header)
    found = [None if spec is None else _resolve(spec, index) for spec in specs]
    width = max((i + 1 for f in found if f for i in f[2]), default=0)
    picks = [f[2][0] if f and not f[0] else width for f in found]     # position `width`: the "" padding adds
    joins = [(k, f[1], f[2]) for k, f in enumerate(found) if f and f[0]]
    pick = itemgetter(*picks, width)     # one position more than there are specs: always a tuple
    pad = [""] * (width + 1)

    def read(row: list[str]) -> list[str]:
        padded = row + pad if len(row) <= width else row[:width] + pad
        values = list(pick(padded))[:-1]
        for k, sep, parts in joins:
            values[k] = sep.join(v for v in (padded[i] for i in parts) if v)
        return values
    return read


def spec_names(spec: object) -> str:
    """The header names a spec looks for, for messages."""
    names: list[str] = []
    for candidate in spec if isinstance(spec, list) else [spec]:
        if isinstance(candidate, str):
            names.append(candidate)
        elif isinstance(candidate, dict):
            names.append("+".join(candidate.get("join", [])))
    return " 또는 ".join(names)
