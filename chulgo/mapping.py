"""The seller's mapping workbook (mappings/상품매핑.xlsx): products, listing -> SKU rules, sets, and 미매핑.

Read with calamine; the tool edits the workbook (openpyxl) only to rewrite 미매핑 and to move rows the
seller completed there into 매핑: never while Excel has it open, never when it holds what openpyxl cannot keep
(pictures, text boxes, macros …: 미매핑 then goes beside it), and only after a dated copy in 백업/.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import shutil
import unicodedata
import warnings
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

import python_calamine
from rapidfuzz import fuzz, process

from chulgo.files import cell_text, find_header_row, normalise_header
from chulgo.model import ChulgoError, Item, OrderLine, Problem
from chulgo.sheets import Sheet, display_width, is_open_in_excel, write_workbook

if TYPE_CHECKING:     # openpyxl is imported where 미매핑 is rewritten: a step that leaves it alone never loads it
    import openpyxl

PRODUCT_COLUMNS = ("SKU", "상품명", "바코드", "로케이션", "재고", "안전재고", "공급사")
MAPPING_COLUMNS = ("채널", "채널상품코드", "채널옵션코드", "채널상품명", "채널옵션", "SKU", "수량")
SET_COLUMNS = ("세트SKU", "구성SKU", "수량")
UNMAPPED_COLUMNS = MAPPING_COLUMNS + ("주문수", "예시주문번호", "추천SKU", "추천 신뢰도", "추천 이유")
SHEETS = {"상품": PRODUCT_COLUMNS, "매핑": MAPPING_COLUMNS, "세트": SET_COLUMNS, "미매핑": UNMAPPED_COLUMNS}

_SEPARATOR = r"\s*[/,|;\n]\s*"
_PAIR_START = re.compile(_SEPARATOR + r"(?=[^/,|;:=\n]+[:=])")
_ANY_SEPARATOR = re.compile(_SEPARATOR)
_SPACE = re.compile(r"\s+")

OptionKey = frozenset


def _squash(text: str) -> str:
    return _SPACE.sub("", text).lower()


@functools.lru_cache(maxsize=1 << 16)
def option_key(text: str) -> OptionKey:
    """Option text as a set of (name, value) pairs, ignoring order, spaces and separators.

    `색상: 빨강 / 사이즈: L` == `사이즈:L,색상:빨강` == `색상=빨강, 사이즈=L`. A value holding a separator
    (`사이즈: 90/95`) stays whole because splitting happens only before the next `name:`.
    """
    text = text.strip()
    if not text:
        return frozenset()
    has_pairs = ":" in text or "=" in text
    parts = _PAIR_START.split(text) if has_pairs else _ANY_SEPARATOR.split(text)
    pairs = set()
    for part in parts:
        if not part.strip():
            continue
        if has_pairs and re.search(r"[:=]", part):
            name, value = re.split(r"[:=]", part, maxsplit=1)
        else:
            name, value = "", part
        pairs.add((_squash(name), _squash(value)))
    return frozenset(pairs)


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    barcode: str
    location: str
    stock: str
    safety_stock: str
    supplier: str
    counted_on: str = ""         # optional 센 날: a new date makes the same number a new count

@dataclass(frozen=True)
class Rule:
    sku: str
    quantity: int


@dataclass(frozen=True)
class Listing:
    """A channel listing as the mapping names it, and the SKU it ships."""

    channel: str
    product_code: str
    option_code: str
    product_name: str
    option_text: str
    sku: str


@dataclass
class MappingBook:
    path: Path
    products: dict[str, Product] = field(default_factory=dict)
    sets: dict[str, list[Rule]] = field(default_factory=dict)
    by_option_code: dict[tuple[str, str], list[Rule]] = field(default_factory=lambda: defaultdict(list))
    by_product: dict[tuple[str, str], dict[OptionKey | None, list[Rule]]] = field(default_factory=dict)
    by_name: dict[tuple[str, str], dict[OptionKey | None, list[Rule]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)                    # every channel listing a rule maps
    completed_unmapped: list[tuple[str, ...]] = field(default_factory=list)   # 미매핑 rows the seller filled in
    unmapped_rows: list[tuple[str, ...]] = field(default_factory=list)        # 미매핑 as it is now
    unmapped_sheet_rows: list[int] = field(default_factory=list)             # … and the row each is on
    _index: _CatalogueIndex | None = field(default=None, repr=False)          # for suggestion()
    _sku_keys: dict[str, str] | None = field(default=None, repr=False)        # SKU as typed loosely -> SKU
    _rules_memo: dict[tuple, list[Rule] | None] = field(default_factory=dict, repr=False)
    _items_memo: dict[tuple, list[Item]] = field(default_factory=dict, repr=False)

    # -- matching ---------------------------------------------------------------------------------------

    def rules_for(self, line: OrderLine) -> list[Rule] | None:
        """The mapping rules of a line by precedence: option code, product code + option, name + option.

        Remembered per listing: a day's lines repeat a few hundred listings many times over.
        """
        listing = (line.channel, line.option_code, line.product_code, line.product_name, line.option_text)
        if listing not in self._rules_memo:
            self._rules_memo[listing] = self._find_rules(line)
        return self._rules_memo[listing]

    def _find_rules(self, line: OrderLine) -> list[Rule] | None:
        if line.option_code and (rules := self.by_option_code.get((line.channel, line.option_code))):
            return rules
        key = option_key(line.option_text)
        for table, code in ((self.by_product, line.product_code), (self.by_name, _squash(line.product_name))):
            if code and (options := table.get((line.channel, code))):
                rules = options.get(key) or options.get(None)
                if rules:
                    return rules
        return None

    def items_for(self, line: OrderLine) -> list[Item] | None:
        """What to pick for a line (sets expanded, 수량 multiplied), or None when it is unmapped. Remembered per
        listing and quantity, as ``rules_for`` is (each call gets its own list)."""
        key = (line.channel, line.option_code, line.product_code, line.product_name, line.option_text, line.quantity)
        items = self._items_memo.get(key)
        if items is None:
            rules = self.rules_for(line)
            if rules is None:
                return None
            items = []
            for rule in rules:
                items += self._expand(rule.sku, line.quantity * rule.quantity, depth=0)
            self._items_memo[key] = items
        return list(items)

    def _expand(self, sku: str, quantity: int, depth: int) -> list[Item]:
        if sku in self.sets and depth < 5:
            return [it for comp in self.sets[sku] for it in self._expand(comp.sku, quantity * comp.quantity, depth + 1)]
        p = self.products.get(sku)
        return [Item(sku, quantity, p.name if p else "", p.location if p else "", p.barcode if p else "")]

    def sku_for(self, typed: str) -> str:
        """The SKU of 상품/세트 the seller meant: ``hr-tee-blu-xl `` is ``HR-TEE-BLU-XL``; "" when there is none."""
        if typed in self.products or typed in self.sets:
            return typed
        if self._sku_keys is None:
            self._sku_keys = {}
            for sku in (*self.sets, *self.products):     # an exact 상품 SKU wins over a set spelled alike
                self._sku_keys[_sku_key(sku)] = sku
        return self._sku_keys.get(_sku_key(typed), "")

    def stock_counts(self) -> dict[str, tuple[int, str]]:
        """{SKU: (the 재고 the seller typed, its optional 센 날)} for products whose 재고 is a number (blank = stock
        not tracked)."""
        out = {}
        for sku, p in self.products.items():
            n = _count(p.stock)
            if n is not None:
                out[sku] = (n, p.counted_on)
        return out

    def components(self, sku: str) -> set[str]:
        """The SKUs picking ``sku`` takes off the shelf (a set's components, a product itself)."""
        return {it.sku for it in self._expand(sku, 1, depth=0)}

    def safety_stock(self, sku: str) -> int:
        p = self.products.get(sku)
        return (_count(p.safety_stock) or 0) if p else 0

    def suggest(self, line: OrderLine) -> str:
        """The SKU to suggest for an unmapped listing, or "" (see ``suggestion``)."""
        return self.suggestion(line).sku

    def suggestion(self, line: OrderLine) -> Suggestion:
        """The product whose 상품명 reads most like the listing and whose option words agree with the order's.

        A candidate naming another size, colour, count or capacity than the order's option is never suggested,
        nor one that leaves out an option the catalogue tells apart: no suggestion beats a wrong-size one.
        """
        if self._index is None:
            self._index = _CatalogueIndex(self.products)
        return self._index.suggest(line.product_name, line.option_text)


@dataclass(frozen=True)
class Suggestion:
    sku: str
    confidence: int          # 0-100; 0 when nothing is suggested
    why: str                 # Korean, for the 추천 이유 column


def _sku_key(sku: str) -> str:
    return _SPACE.sub("", sku).upper()


# -- suggestions -----------------------------------------------------------------------------------------------

# Words a listing carries for the shop's sake, not the product's.
_NOISE_WORDS = frozenset({"무료배송", "기획전", "시즌", "특가", "당일발송", "당일출고", "이벤트", "할인", "세일", "신상",
                          "인기", "추천", "정품", "빠른배송", "국내배송", "best", "new", "hot", "sale"})
_TAG = re.compile(r"\[[^\]]*\]|【[^】]*】|<[^>]*>")                 # [무료배송], 【특가】 …
_PUNCT = re.compile(r"[^0-9a-z가-힣.+]+")
_COLOURS = {
    "빨강": ("빨강", "빨간", "레드", "red"), "파랑": ("파랑", "파란", "블루", "blue", "blu"),
    "검정": ("검정", "검은", "블랙", "black", "blk"), "흰색": ("흰색", "흰", "하양", "화이트", "white", "wht"),
    "회색": ("회색", "그레이", "gray", "grey", "gry"), "네이비": ("네이비", "남색", "navy", "nvy"),
    "베이지": ("베이지", "beige", "bei"), "초록": ("초록", "녹색", "그린", "green", "grn"),
    "분홍": ("분홍", "핑크", "pink", "pnk"), "노랑": ("노랑", "노란", "옐로우", "옐로", "yellow", "yel"),
    "카키": ("카키", "khaki", "kha"), "아이보리": ("아이보리", "ivory", "ivo"), "갈색": ("갈색", "브라운", "brown", "brn"),
    "보라": ("보라", "퍼플", "purple", "pur"), "주황": ("주황", "오렌지", "orange", "org"), "민트": ("민트", "mint"),
    "차콜": ("차콜", "charcoal"), "와인": ("와인", "버건디", "wine"), "하늘": ("하늘", "소라", "스카이블루", "skyblue"),
}
_COLOUR = {w: name for name, words in _COLOURS.items() for w in words}
_SIZE = {"xs": "XS", "s": "S", "small": "S", "m": "M", "medium": "M", "l": "L", "large": "L", "xl": "XL",
         "xxl": "2XL", "2xl": "2XL", "xxxl": "3XL", "3xl": "3XL", "4xl": "4XL", "free": "FREE", "프리": "FREE",
         "f": "FREE", "fr": "FREE"}
_COUNT = re.compile(r"(\d+)(개입|개|입|팩|매|장|세트|set|켤레|족|롤|구|p|pcs|ea)")
_CAPACITY = re.compile(r"(\d+(?:\.\d+)?)(ml|l|리터|g|kg|oz)")
_AXIS_NAMES = {"colour": "색상", "size": "사이즈", "count": "수량", "capacity": "용량"}
SHORTLIST = 30
NAME_CUTOFF = 60             # token_set_ratio a candidate's 상품명 needs to be considered at all
SUGGEST_CUTOFF = 65          # confidence below which nothing is suggested
MISSING_PENALTY = 15         # per option word the candidate neither confirms nor contradicts
UNASKED_PENALTY = 5          # per size/colour/… the candidate names and the order does not
AMBIGUOUS_MARGIN = 5         # a runner-up this close means the order cannot tell them apart: nothing suggested


def _normalise(text: str) -> str:
    """Text for fuzzy comparison: lower case, no promo tags or punctuation, no noise words."""
    text = _PUNCT.sub(" ", _TAG.sub(" ", unicodedata.normalize("NFC", text).lower()))
    return " ".join(w for w in text.split() if w not in _NOISE_WORDS)


def _classify(word: str) -> tuple[str, str] | None:
    """(axis, canonical value) of one word when it names a colour, size, count or capacity."""
    for suffix in ("사이즈", "색상", "색"):
        if word not in _COLOUR and word.endswith(suffix) and len(word) > len(suffix):
            word = word[: -len(suffix)]
    if word in _COLOUR:
        return "colour", _COLOUR[word]
    if word in _SIZE:
        return "size", _SIZE[word]
    if m := _COUNT.fullmatch(word):
        return "count", str(int(m[1]))
    if m := _CAPACITY.fullmatch(word):
        unit = "l" if m[2] == "리터" else m[2]
        return "capacity", f"{float(m[1]):g}{unit}"
    return None


def _option_atoms(option_text: str) -> list[tuple[str, str, str]]:
    """The order's option as (axis, value, label) atoms: 'colour'/'size'/'count'/'capacity' from the words it
    knows, 'number' for a bare number (a shoe size, 350), 'text' for any other value (``갤럭시 S24``)."""
    text = option_text.strip()
    if not text:
        return []
    has_pairs = ":" in text or "=" in text
    parts = _PAIR_START.split(text) if has_pairs else _ANY_SEPARATOR.split(text)
    atoms = []
    for part in parts:
        value = re.split(r"[:=]", part, maxsplit=1)[1] if has_pairs and re.search(r"[:=]", part) else part
        words = _normalise(value).split()
        if not words:
            continue
        whole = _classify("".join(words))
        if whole:
            atoms.append((*whole, value.strip()))
            continue
        known = [(w, _classify(w)) for w in words]
        atoms += [(*c, w) for w, c in known if c]
        rest = [w for w, c in known if not c]
        if len(rest) == 1 and rest[0].isdigit():
            atoms.append(("number", rest[0], rest[0]))
        elif rest:
            atoms.append(("text", "".join(rest), " ".join(rest)))
    return atoms


@dataclass
class _Entry:
    sku: str
    text: str                                 # normalised 상품명, for the fuzzy scorers
    words: set[str]                           # words of 상품명 and SKU parts
    squashed: str                             # 상품명 + SKU without spaces or punctuation
    axes: dict[str, set[str]]                 # colour/size/count/capacity -> values the product names
    numbers: set[str]


class _CatalogueIndex:
    """상품 as the scorers and the option check need it, built once per load."""

    def __init__(self, products: dict[str, Product]) -> None:
        self.entries: list[_Entry] = []
        for sku, p in products.items():
            text = _normalise(p.name) or _normalise(sku.replace("-", " "))
            words = set(text.split()) | set(_normalise(re.sub(r"[-_/.]", " ", sku)).split())
            axes: dict[str, set[str]] = defaultdict(set)
            for w in words:
                if c := _classify(w):
                    axes[c[0]].add(c[1])
            self.entries.append(_Entry(sku, text, words, "".join(sorted(words)) + _PUNCT.sub("", text),
                                       dict(axes), {w for w in words if w.isdigit()}))
        self.texts = [e.text for e in self.entries]

    def suggest(self, name: str, option_text: str) -> Suggestion:
        if not self.entries:
            return Suggestion("", 0, "상품 시트가 비어 있어 추천하지 않음")
        atoms = _option_atoms(option_text)
        listed = _normalise(name)
        for w in listed.split():          # a colour/count/… in the listing's name counts when the option is silent
            if (c := _classify(w)) and c[0] not in {a for a, _, _ in atoms} and c[0] in ("colour", "count", "capacity"):
                same_axis = {_classify(x) for x in listed.split() if (_classify(x) or ("",))[0] == c[0]}
                if len(same_axis) == 1:
                    atoms.append((*c, w))
        query = " ".join([listed] + [_normalise(label) for _, _, label in atoms])
        found = process.extract(query, self.texts, scorer=fuzz.token_set_ratio, processor=None,
                                limit=SHORTLIST, score_cutoff=NAME_CUTOFF)
        if not found:
            return Suggestion("", 0, "상품명이 비슷한 상품 없음")
        shortlist = [(self.entries[i], score) for _, score, i in found]
        # Axes and option words the catalogue tells apart among these candidates.
        told_apart = {axis for e, _ in shortlist for axis in e.axes}
        confirmed_text = {v for axis, v, _ in atoms if axis == "text" and any(v in e.squashed for e, _ in shortlist)}
        query_words = set(query.split())
        asked = {axis for axis, _, _ in atoms}
        rejected: list[tuple[_Entry, str]] = []
        survivors = []
        for entry, set_score in shortlist:
            matched, missing, conflict = [], [], ""
            for axis, value, label in atoms:
                status = self._check(entry, axis, value, told_apart, confirmed_text, query_words)
                if status == "match":
                    matched.append(label)
                elif status == "missing":
                    missing.append(label)
                else:
                    said = "표시 없음" if status == "없음" else status
                    conflict = f"{_AXIS_NAMES.get(axis, '옵션')} {said}, 주문 {label}"
                    break
            if conflict:
                rejected.append((entry, conflict))
                continue
            name_score = round(0.7 * set_score + 0.3 * fuzz.token_sort_ratio(query, entry.text))
            # What the candidate names that the order does not say (a size, a colour …): to be checked.
            unasked = sorted(v for axis, values in entry.axes.items() if axis not in asked for v in values)
            score = name_score - MISSING_PENALTY * len(missing) - UNASKED_PENALTY * len(unasked)
            survivors.append((len(matched), score, name_score, entry, matched, missing + unasked))
        if survivors:
            best_matched = max(s[0] for s in survivors)
            survivors = sorted((s for s in survivors if s[0] == best_matched), key=lambda s: (-s[1], s[3].sku))
            _, confidence, name_score, entry, matched, unsure = survivors[0]
            close = [s[3].sku for s in survivors[1:] if s[1] > confidence - AMBIGUOUS_MARGIN]
            if close:
                shown = ", ".join([entry.sku, *close[:2]]) + (" …" if len(close) > 2 else "")
                return Suggestion("", 0, f"비슷한 후보 {len(close) + 1}개({shown})를 옵션으로 가릴 수 없음 — SKU를 직접 적으세요")
            if confidence >= SUGGEST_CUTOFF:
                why = [f"상품명 일치 {name_score}%"]
                if matched:
                    why.append(f"옵션 {'·'.join(matched)} 일치")
                if unsure:
                    why.append(f"{'·'.join(unsure)} 확인 필요")
                return Suggestion(entry.sku, max(0, min(100, confidence)), ", ".join(why))
        if rejected:
            entry, conflict = rejected[0]
            return Suggestion("", 0, f"옵션이 맞는 상품 없음 ({entry.sku}: {conflict}) — 상품 시트에 추가하거나 SKU를 직접 적으세요")
        return Suggestion("", 0, "확실한 후보 없음 — SKU를 직접 적으세요")

    @staticmethod
    def _check(entry: _Entry, axis: str, value: str, told_apart: set[str], confirmed_text: set[str],
               query_words: set[str]) -> str:
        """'match', 'missing' (neither said nor contradicted), or what the candidate says instead (a conflict)."""
        if axis in _AXIS_NAMES:
            have = entry.axes.get(axis, set())
            if value in have:
                return "match"
            if have:
                return "·".join(sorted(have))
            return "없음" if axis in told_apart else "missing"    # the catalogue tells this axis apart
        if axis == "number":
            if value in entry.numbers or value in entry.squashed:
                return "match"
            other = sorted(n for n in entry.numbers if len(n) == len(value))
            return "·".join(other) if other else "missing"
        if value in entry.squashed:
            return "match"
        if value in confirmed_text:                  # another candidate has it: this one is another variant
            return "다름"
        extra = sorted(w for w in set(entry.text.split()) - query_words if not _classify(w) and len(w) > 1)
        return "missing" if not extra else f"'{extra[0]}'"


# -- loading -----------------------------------------------------------------------------------------------


def create_mapping_workbook(path: Path) -> None:
    """An empty mapping workbook with the four sheets and their headers."""
    write_workbook(path, [Sheet(name, [list(cols)]) for name, cols in SHEETS.items()])


# Headers that locate each sheet's header row, so a line of instructions (or a title) above the table is fine.
HEADER_KEYS = {"상품": {"SKU"}, "매핑": {"SKU", "채널"}, "세트": {"세트SKU", "구성SKU"}, "미매핑": {"SKU", "채널"}}
HEADER_SCAN = 5


def _sheet_rows(tables: dict[str, list[list[str]]], name: str, source: str, required: bool) -> list[dict]:
    """A sheet's rows as dicts by header (``_row``: the row number the seller sees). The header row is the first
    of the top rows holding the sheet's key headers (row 1 when none does)."""
    if name not in tables:
        if required:
            raise ChulgoError(f"{source}에 '{name}' 시트가 없습니다. 시트 이름을 '{name}'(으)로 고치세요.")
        return []
    rows = tables[name]
    if not rows:
        return []
    at, header = header_of(rows, name)
    out = []
    for i, r in enumerate(rows[at + 1:], start=at + 2):
        if any(r):
            d = {h: (r[j] if j < len(r) else "") for j, h in enumerate(header) if h}
            d["_row"] = i
            out.append(d)
    return out


def _count(text: str) -> int | None:
    """A stock figure as typed ('1,234', '12.0'); None when blank or not a whole number."""
    try:
        value = float(str(text).replace(",", "").strip())
    except ValueError:
        return None
    return int(value) if value.is_integer() else None


def header_of(rows: list[list[str]], sheet: str) -> tuple[int, list[str]]:
    """(0-based header row, normalised header) of a mapping sheet's rows: the first of the top rows holding the
    sheet's key headers (row 1 when none does), so a line of instructions above the table is fine."""
    if not rows:
        return 0, []
    at = max(find_header_row(rows[:HEADER_SCAN], HEADER_KEYS.get(sheet, set())), 0)
    return at, [normalise_header(h) for h in rows[at]]


def as_mapping_row(book: MappingBook, completed: tuple[str, ...], header: list[str]) -> list[str]:
    """A 미매핑 row the seller completed, as a row of 매핑 under ``header`` (the SKU as 상품 spells it)."""
    d = dict(zip(UNMAPPED_COLUMNS, completed))
    d["SKU"] = book.sku_for(d["SKU"]) or d["SKU"]
    return [d.get(h, "") for h in header]


def _quantity(text: str, default: int = 1) -> int | None:
    if not text:
        return default
    try:
        q = float(text.replace(",", ""))
    except ValueError:
        return None
    return int(q) if q.is_integer() and q > 0 else None


def load_mapping(path: Path, channel_aliases: dict[str, str], create: bool = True) -> MappingBook:
    """Load the mapping workbook. Bad rows become Problems; the rest still maps.

    A missing workbook is created empty, or with ``create=False`` (a dry run) stands in as an empty book
    in memory and nothing is written.
    """
    if not path.exists():
        if not create:
            return MappingBook(path)
        create_mapping_workbook(path)
    return build_mapping(read_workbook(path), path, channel_aliases)


def read_workbook(path: Path) -> dict[str, list[list[str]]]:
    """Every sheet of the mapping workbook as rows of text cells."""
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        return {name: [[cell_text(c) for c in r] for r in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]
                for name in book.sheet_names if name in SHEETS}
    except Exception as e:
        raise ChulgoError(f"{path}을(를) 읽을 수 없습니다 ({type(e).__name__}). 엑셀에서 열리는지 확인하세요.") from None


def build_mapping(tables: dict[str, list[list[str]]], path: Path, channel_aliases: dict[str, str]) -> MappingBook:
    """The mapping as its four sheets say, whichever store they came from (``path.name`` names it in problems).
    Bad rows become Problems; the rest still maps."""
    mb = MappingBook(path)
    fname = path.name

    product_keys: dict[str, str] = {}            # SKU compared loosely -> SKU as written in 상품
    for r in _sheet_rows(tables, "상품", fname, True):
        sku = r.get("SKU", "")
        if not sku:
            continue
        if _sku_key(sku) in product_keys:
            mb.problems.append(Problem("dup_sku", "같은 SKU가 (대소문자·띄어쓰기만 달리) 두 번 있습니다. 위의 줄만 씁니다.",
                                       fname, "상품", r["_row"], "SKU", sku))
            continue
        product_keys[_sku_key(sku)] = sku
        for column in ("재고", "안전재고"):
            if r.get(column, "") and _count(r[column]) is None:
                mb.problems.append(Problem("bad_stock", f"{column}가 정수가 아닙니다. 비우거나(재고를 세지 않음) 숫자만 적으세요.",
                                           fname, "상품", r["_row"], column, r[column]))
        mb.products[sku] = Product(sku, r.get("상품명", ""), r.get("바코드", ""), r.get("로케이션", ""),
                                   r.get("재고", ""), r.get("안전재고", ""), r.get("공급사", ""), r.get("센 날", ""))

    for r in _sheet_rows(tables, "세트", fname, False):
        set_sku, comp = r.get("세트SKU", ""), r.get("구성SKU", "")
        if not set_sku or not comp:
            continue
        q = _quantity(r.get("수량", ""))
        comp = product_keys.get(_sku_key(comp), comp)
        if q is None or comp not in mb.products:
            msg = "수량이 1 이상의 정수가 아닙니다." if q is None else "구성SKU가 상품 시트에 없습니다."
            mb.problems.append(Problem("bad_set", msg, fname, "세트", r["_row"], "수량" if q is None else "구성SKU",
                                       r.get("수량", "") if q is None else comp))
            continue
        mb.sets.setdefault(set_sku, []).append(Rule(comp, q))

    def add_rule(r: dict, sheet: str) -> bool:
        raw_channel, typed = r.get("채널", ""), r.get("SKU", "")
        sku = mb.sku_for(typed) or typed
        channel = channel_aliases.get(raw_channel, channel_aliases.get(raw_channel.lower(), ""))
        codes = (r.get("채널상품코드", ""), r.get("채널옵션코드", ""), r.get("채널상품명", ""))
        if not sku:
            return False
        if not channel:
            mb.problems.append(Problem("bad_channel", f"모르는 채널입니다. {', '.join(sorted(set(channel_aliases.values())))} 중 하나를 쓰세요.",
                                       fname, sheet, r["_row"], "채널", raw_channel))
            return False
        if not any(codes):
            mb.problems.append(Problem("no_listing", "채널상품코드, 채널옵션코드, 채널상품명 중 하나는 있어야 합니다.",
                                       fname, sheet, r["_row"], "채널상품코드"))
            return False
        if sku not in mb.products and sku not in mb.sets:
            mb.problems.append(Problem("unknown_sku", _unknown_sku_message(mb, typed, sheet), fname, sheet, r["_row"],
                                       "SKU", typed))
            return False
        q = _quantity(r.get("수량", ""))
        if q is None:
            mb.problems.append(Problem("bad_quantity", "수량이 1 이상의 정수가 아닙니다.", fname, sheet, r["_row"], "수량", r.get("수량", "")))
            return False
        rule = Rule(sku, q)
        product_code, option_code, name = codes
        mb.listings.append(Listing(channel, product_code, option_code, name, r.get("채널옵션", ""), sku))
        option = option_key(r.get("채널옵션", "")) if r.get("채널옵션", "") else None
        if option_code:
            mb.by_option_code[(channel, option_code)].append(rule)
        elif product_code:
            mb.by_product.setdefault((channel, product_code), {}).setdefault(option, []).append(rule)
        else:
            mb.by_name.setdefault((channel, _squash(name)), {}).setdefault(option, []).append(rule)
        return True

    for r in _sheet_rows(tables, "매핑", fname, True):
        add_rule(r, "매핑")
    for r in _sheet_rows(tables, "미매핑", fname, False):
        row = tuple(r.get(c, "") for c in UNMAPPED_COLUMNS)
        mb.unmapped_rows.append(row)
        mb.unmapped_sheet_rows.append(r["_row"])
        if r.get("SKU") and add_rule(r, "미매핑"):
            mb.completed_unmapped.append(row)
    return mb


def _unknown_sku_message(book: MappingBook, typed: str, sheet: str) -> str:
    """What to do about a SKU that is in neither 상품 nor 세트, with the nearest SKU when one is close."""
    close = process.extractOne(_sku_key(typed), {sku: _sku_key(sku) for sku in (*book.products, *book.sets)},
                               scorer=fuzz.ratio, score_cutoff=80)
    guess = f" 혹시 '{close[2]}'인가요?" if close else ""
    pick = "(이 시트의 SKU 칸은 목록에서 고를 수 있습니다)" if sheet == "미매핑" else ""
    return (f"SKU가 상품 시트(또는 세트 시트)에 없습니다.{guess} 상품 시트에 있는 SKU로 고치거나{pick}, 새 상품이면 "
            "상품 시트에 먼저 추가한 뒤 다시 실행하세요. 그때까지 이 상품의 주문은 기다립니다.")


# -- writing 미매핑 --------------------------------------------------------------------------------------------


def unmapped_rows(lines: list[OrderLine], book: MappingBook, channel_names: dict[str, str]) -> list[tuple[str, ...]]:
    """One row per distinct unmapped listing (UNMAPPED_COLUMNS), most-ordered first, with its suggestion.

    What the seller typed into a row that could not be used yet (a SKU typo, a bad 수량) stays for them to fix,
    on the row it is on: the problem names that row, and the next step of the same run names it again. A row
    left empty by the move stays empty ("" cells) rather than letting the typed row move.
    """
    groups: dict[tuple, list[OrderLine]] = {}
    for line in lines:
        key = (line.channel, line.product_code, line.option_code, line.product_name, line.option_text)
        groups.setdefault(key, []).append(line)
    completed = set(book.completed_unmapped)
    known = {r[:5]: r for r in book.unmapped_rows}
    typed_at = {r[:5]: n for r, n in zip(book.unmapped_rows, book.unmapped_sheet_rows) if r[5] and r not in completed}
    width = len(UNMAPPED_COLUMNS)
    rows, pinned = [], {}
    for (channel, pcode, ocode, pname, otext), group in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        listing = (channel_names.get(channel, channel), pcode, ocode, pname, otext)
        before = known.get(listing, ("",) * width)
        s = book.suggestion(group[0])
        row = (*listing, before[5], before[6] or "1", str(len(group)), group[0].order_no, s.sku,
               str(s.confidence) if s.sku else "", s.why)
        if listing in typed_at and typed_at[listing] >= 2:
            pinned[max(typed_at[listing] - UNMAPPED_FIRST_ROW, 0)] = row
        else:
            rows.append(row)
    if not pinned:
        return rows
    out: list[tuple[str, ...]] = []
    rest = iter(rows)
    for i in range(max(len(rows) + len(pinned), max(pinned) + 1)):
        out.append(pinned[i] if i in pinned else next(rest, ("",) * width))
    while out and not any(out[-1]):
        out.pop()
    return out


def _write_text(ws, row: int, values: tuple) -> None:
    for col, v in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=v if v != "" else None)
        if isinstance(v, str) and v:
            cell.data_type = "s"    # never a formula, even for '=…'
            cell.number_format = "@"


def unmapped_unchanged(book: MappingBook, rows: list[tuple[str, ...]]) -> bool:
    """Nothing to write: no row was completed and 미매핑 would read as it does now."""
    completed = set(book.completed_unmapped)
    current = [r for r in book.unmapped_rows if r not in completed]
    return not completed and [r[:8] for r in current] == [r[:8] for r in rows if any(r)]


class XlsxMappingStore:
    """The mapping workbook mappings/상품매핑.xlsx (the default store; chulgo.gsheet has the Google Sheet one)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"{path.parent.name}/{path.name}"
        self.failure = ""

    def load(self, channel_aliases: dict[str, str], create: bool = True) -> MappingBook:
        return load_mapping(self.path, channel_aliases, create)

    def save_unmapped(self, book: MappingBook, rows: list[tuple[str, ...]], fallback_dir: Path,
                      touch_workbook: bool = True) -> tuple[Path | None, str]:
        return save_unmapped(book, rows, fallback_dir, touch_workbook)


def save_unmapped(book: MappingBook, rows: list[tuple[str, ...]], fallback_dir: Path,
                  touch_workbook: bool = True) -> tuple[Path | None, str]:
    """Rewrite 미매핑 (moving completed rows into 매핑). Returns (path written, Korean note).

    The seller's file is left alone, and 미매핑 goes to ``fallback_dir``, when ``touch_workbook`` is False
    (a dry run: nothing under mappings/ is written), when Excel has it open, or when it holds something
    openpyxl would lose on saving (see ``_open_for_rewrite``). Before a rewrite the workbook is copied to
    ``백업/<name>_YYYYMMDD-HHMMSS.xlsx`` beside it (the newest ``BACKUPS_KEPT`` are kept).
    """
    if unmapped_unchanged(book, rows):
        return None, ""                      # nothing changed: leave the seller's file untouched
    completed = set(book.completed_unmapped)
    path = book.path
    if not touch_workbook:
        return write_unmapped_file(rows, fallback_dir, "미리보기(--dry-run)라",
                         f"실제로 실행하면 {path.name} '미매핑' 시트에 적습니다.")
    if not path.exists():                    # loaded in memory only (load_mapping(create=False))
        create_mapping_workbook(path)
    if is_open_in_excel(path):
        return write_unmapped_file(rows, fallback_dir, f"{path.name}이(가) 엑셀에서 열려 있어")
    wb, why, hint = _open_for_rewrite(path)
    if wb is None:
        return write_unmapped_file(rows, fallback_dir, why, f"그 파일의 줄에 SKU를 채워 {path.name} '매핑' 시트에 옮겨 적으세요. {hint}")
    if completed:
        ws = wb["매핑"]
        header = [normalise_header(str(c.value or "")) for c in ws[_header_row(ws, "매핑")]]
        next_row = ws.max_row + 1
        for r in book.completed_unmapped:
            _write_text(ws, next_row, tuple(as_mapping_row(book, r, header)))
            next_row += 1
    if "미매핑" in wb.sheetnames:
        ws = wb["미매핑"]
        ws.delete_rows(1, max(ws.max_row, 1))
    else:
        ws = wb.create_sheet("미매핑")
    _write_text(ws, UNMAPPED_FIRST_ROW - 1, UNMAPPED_COLUMNS)
    for i, r in enumerate(rows, start=UNMAPPED_FIRST_ROW):
        _write_text(ws, i, r)
    _dress_unmapped(wb, ws, rows, {p.row for p in book.problems if p.sheet == "미매핑" and p.row})
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
    backup = None
    try:
        wb.save(tmp)
        backup = _backup(path)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        if backup is None:                   # the copy failed: without a backup the workbook is not replaced
            return write_unmapped_file(rows, fallback_dir, f"{path.name}의 백업을 {path.parent / BACKUP_DIR}에 만들 수 없어",
                             f"'{BACKUP_DIR}' 폴더에 쓸 수 있게 한 뒤 다시 실행하세요.")
        backup.unlink(missing_ok=True)       # nothing was written, so nothing to back up
        return write_unmapped_file(rows, fallback_dir, f"{path.name}에 쓸 수 없어")
    _prune_backups(path)
    moved = f" 입력하신 {len(completed)}줄은 '매핑' 시트로 옮겼습니다." if completed else ""
    return path, f"미매핑 {len(rows)}건을 {path.name} '미매핑' 시트에 적었습니다.{moved}"


# How 미매핑 looks when the tool writes it into the workbook.
SKU_LIST_NAME = "SKU_LIST"              # defined name for 상품's SKU column, the source of the SKU dropdown
UNMAPPED_FIRST_ROW = 3                  # row 1: the instruction, row 2: the header, then one listing per row
INSTRUCTION = ("▶ 노란 SKU 칸에 보낼 상품의 SKU를 고르세요(▼ 목록, 추천SKU 참고 — 옵션까지 확인). "
               "수량은 주문 1개에 보낼 개수입니다. 저장한 뒤 다시 실행하면 매핑으로 옮겨지고 주문이 출고됩니다.")
_HEADER_FILL = "DDEBF7"               # fill colours (openpyxl PatternFill "solid")
_INPUT_HEADER_FILL = "FFD966"
_INPUT_FILL = "FFF2CC"
_PROBLEM_FILL = "FFC7CE"
_UNMAPPED_WIDTHS = {"채널": (8, 12), "채널상품코드": (12, 18), "채널옵션코드": (12, 18), "채널상품명": (20, 40),
                    "채널옵션": (14, 30), "SKU": (22, 22), "수량": (7, 7), "주문수": (8, 8), "예시주문번호": (14, 22),
                    "추천SKU": (16, 22), "추천 신뢰도": (11, 11), "추천 이유": (24, 60)}


def _header_row(ws, sheet: str) -> int:
    """The 1-based header row of an openpyxl sheet, found as ``_sheet_rows`` finds it."""
    return header_of([[cell_text(c.value) for c in row] for row in ws.iter_rows(max_row=HEADER_SCAN)], sheet)[0] + 1


def _dress_unmapped(wb: openpyxl.Workbook, ws, rows: list[tuple[str, ...]], problem_rows: set[int]) -> None:
    """Make 미매핑 say what to do: a one-line instruction above the table (row 1; the header is found by content), the
    SKU column highlighted with a dropdown of 상품's SKUs, the header frozen, widths from the data, typed SKUs that are
    not in 상품 in red.

    The dropdown refers to 상품 through a defined name: Excel keeps a list that names another sheet directly only in
    an extension openpyxl drops (the next rewrite would then refuse the workbook), but a defined name it keeps plainly.
    """
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    header_row = UNMAPPED_FIRST_ROW - 1
    last = len(rows) + header_row
    sku_col = UNMAPPED_COLUMNS.index("SKU") + 1
    fills = {colour: PatternFill("solid", fgColor=colour)
             for colour in (_HEADER_FILL, _INPUT_HEADER_FILL, _INPUT_FILL, _PROBLEM_FILL)}
    for col, name in enumerate(UNMAPPED_COLUMNS, start=1):
        cell = ws.cell(row=header_row, column=col)
        cell.font = Font(bold=True)
        cell.fill = fills[_INPUT_HEADER_FILL if col == sku_col else _HEADER_FILL]
        low, high = _UNMAPPED_WIDTHS.get(name, (10, 30))
        data = max((display_width(r[col - 1]) for r in rows[:300] if col - 1 < len(r)), default=0)
        ws.column_dimensions[get_column_letter(col)].width = max(low, min(high, max(data, display_width(name)) + 2))
    note = ws.cell(row=1, column=1, value=INSTRUCTION)
    note.font = Font(bold=True, color="C00000")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(UNMAPPED_COLUMNS))
    for row in range(UNMAPPED_FIRST_ROW, last + 1):
        ws.cell(row=row, column=sku_col).fill = fills[_PROBLEM_FILL if row in problem_rows else _INPUT_FILL]
    ws.freeze_panes = f"A{UNMAPPED_FIRST_ROW}"
    ws.data_validations.dataValidation = []
    if "상품" not in wb.sheetnames:
        return
    products = wb["상품"]
    header_row = _header_row(products, "상품")
    header = [normalise_header(cell_text(c.value)) for c in products[header_row]]
    if "SKU" not in header:
        return
    letter = get_column_letter(header.index("SKU") + 1)
    end = max(products.max_row + 200, 500)
    wb.defined_names[SKU_LIST_NAME] = DefinedName(SKU_LIST_NAME, attr_text=f"'상품'!${letter}${header_row + 1}:${letter}${end}")
    dv = DataValidation(type="list", formula1=SKU_LIST_NAME, allow_blank=True, showErrorMessage=True,
                        errorStyle="warning", errorTitle="상품 시트에 없는 SKU",
                        error="상품 시트(또는 세트 시트)에 있는 SKU를 목록에서 고르세요. 세트SKU라면 '예'를 누르세요.",
                        showInputMessage=True, promptTitle="SKU 입력", prompt="▼ 목록에서 상품 시트의 SKU를 고르세요.")
    dv.add(f"{get_column_letter(sku_col)}{UNMAPPED_FIRST_ROW}:{get_column_letter(sku_col)}{max(last, UNMAPPED_FIRST_ROW)}")
    ws.add_data_validation(dv)


def write_unmapped_file(rows: list[tuple[str, ...]], out_dir: Path, why: str, todo: str = "") -> tuple[Path, str]:
    written = write_workbook(out_dir / "미매핑.xlsx", [Sheet("미매핑", [list(UNMAPPED_COLUMNS)] + [list(r) for r in rows])])
    todo = todo or "상품매핑.xlsx를 닫은 뒤 SKU를 '매핑' 시트에 옮겨 적으세요."
    return written, f"{why} 미매핑 {len(rows)}건을 {written}에 따로 적었습니다. {todo.strip()} 매핑 파일의 내용은 그대로입니다."


# -- what a rewrite would lose ---------------------------------------------------------------------------------

# Parts of an xlsx that openpyxl drops or cannot write back as it found them (zip name pattern, what the seller
# calls it). A workbook holding any of them is never rewritten. Comments' .vml drawings are rebuilt, so kept.
UNKEPT_PARTS: tuple[tuple[str, str], ...] = (
    (r"xl/drawings/[^/]+\.xml", "그림·도형"),          # pictures, shapes, text boxes (DrawingML)
    (r"xl/media/", "그림·도형"),
    (r"xl/(charts|chartsheets)/", "차트"),
    (r"xl/diagrams/", "SmartArt 그래픽"),
    (r"xl/(vbaProject\.bin|macrosheets/|dialogsheets/)", "매크로"),
    (r"xl/(pivotTables|pivotCache)/", "피벗 테이블"),
    (r"xl/(slicers|slicerCaches)/", "슬라이서"),
    (r"xl/(timelines|timelineCaches)/", "시간 표시 막대"),
    (r"xl/embeddings/", "삽입한 개체"),
    (r"xl/(ctrlProps|activeX)/", "양식 컨트롤"),
    (r"xl/threadedComments/", "스레드 메모"),
    (r"xl/externalLinks/", "다른 파일 연결"),
    (r"xl/(connections\.xml|queryTables/|model/)", "데이터 연결"),
    (r"xl/(richData|webextensions)/", "엑셀 확장 기능"),
)
# openpyxl's own warnings when it drops a worksheet extension on reading ("… extension is not supported …").
_EXTENSION_NAMES = {"Data Validation": "데이터 유효성 검사", "Conditional Formatting": "조건부 서식",
                    "Sparkline Group": "스파크라인"}
_LOSS_WARNING = re.compile(r"removed|lost|dropped|discarded|ignored|not supported|cannot|unable", re.IGNORECASE)
REWRITTEN_SUFFIX = ".xlsx"                                # .xlsm (macros) and .xls are never rewritten
BACKUP_DIR = "백업"
BACKUPS_KEPT = 30


def _with_particle(word: str, after_final: str, after_vowel: str) -> str:
    """``word`` with the particle its last syllable takes (이/가, 을/를); both written out after a non-Hangul end."""
    last = word[-1:]
    if not "가" <= last <= "힣":
        return f"{word}{after_final}({after_vowel})"
    return word + (after_final if (ord(last) - 0xAC00) % 28 else after_vowel)


def _open_for_rewrite(path: Path) -> tuple[openpyxl.Workbook | None, str, str]:
    """The workbook loaded for rewriting, or (None, why it is left alone, what the seller can do about it).

    Every rule is here: a format openpyxl cannot save, parts it drops, extensions it removes while reading,
    and formulas in the sheets the tool reads (saved without their values, the next read would find them empty).
    """
    name = path.name
    if path.suffix.lower() != REWRITTEN_SUFFIX:
        return None, f"{name}은(는) xlsx 파일이 아니라 (매크로·옛 형식은 다시 저장하면 망가지므로) 직접 고치지 않고", ""
    try:
        with zipfile.ZipFile(path) as z:
            parts = z.namelist()
    except (zipfile.BadZipFile, OSError):
        return None, f"{name}을(를) xlsx로 열 수 없어 직접 고치지 않고", ""
    found = [what for pattern, what in UNKEPT_PARTS if any(re.match(pattern, part) for part in parts)]
    wb = None
    if not found:
        import openpyxl

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                wb = openpyxl.load_workbook(path)
            except Exception as e:  # openpyxl raises many types for what it cannot model
                return None, f"{name}을(를) 다시 저장할 수 없어 ({type(e).__name__}) 직접 고치지 않고", ""
        for w in caught:
            text = str(w.message)
            if _LOSS_WARNING.search(text):
                found.append(next((ko for en, ko in _EXTENSION_NAMES.items() if text.startswith(en)), "엑셀 확장 기능"))
    found = list(dict.fromkeys(found))
    if found or wb is None:
        what = ", ".join(found)
        return (None, f"{name}에 {_with_particle(what, '이', '가')} 있어 (다시 저장하면 사라지므로) 직접 고치지 않고",
                f"{_with_particle(what, '을', '를')} 다른 파일로 옮기면 다음부터 '미매핑' 시트에 바로 적습니다.")
    if any(cell.data_type == "f" for sheet in ("상품", "매핑", "세트") if sheet in wb.sheetnames
           for row in wb[sheet].iter_rows() for cell in row):
        return (None, f"{name}에 수식이 있어 (다시 저장하면 값이 사라지므로) 직접 고치지 않고",
                "수식을 값으로 바꾸면 다음부터 '미매핑' 시트에 바로 적습니다.")
    return wb, "", ""


def _backup_pattern(path: Path) -> re.Pattern:
    return re.compile(re.escape(path.stem) + r"_(\d{8}-\d{6})(?:-(\d+))?" + re.escape(path.suffix))


def _backup(path: Path) -> Path:
    """Copy the workbook, as it is now, to 백업/<stem>_YYYYMMDD-HHMMSS<suffix> beside it (whole or not at all)."""
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}_{stamp}{path.suffix}"
    n = 1
    while target.exists():                   # two rewrites within a second
        n += 1
        target = folder / f"{path.stem}_{stamp}-{n}{path.suffix}"
    tmp = folder / f".{path.stem}.{os.getpid()}.tmp"
    try:
        shutil.copy2(path, tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _prune_backups(path: Path) -> None:
    """Keep the newest BACKUPS_KEPT backups of this workbook; other files in 백업/ are not touched."""
    pattern = _backup_pattern(path)
    found = []
    for p in (path.parent / BACKUP_DIR).iterdir():
        if m := pattern.fullmatch(p.name):
            found.append(((m.group(1), int(m.group(2) or 1)), p))
    for _, old in sorted(found, reverse=True)[BACKUPS_KEPT:]:
        try:
            old.unlink()
        except OSError:
            pass                             # open in Excel: tried again after the next rewrite
