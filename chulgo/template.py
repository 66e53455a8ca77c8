"""The small template language shared by channel and courier templates.

A column spec names where a field comes from, by header text:
    "상품주문번호"                               one column
    ["통합배송지", "배송지"]                      the first of these that the file has
    { join = ["기본배송지", "상세배송지"], sep = " " }   several columns joined (missing ones skipped)
A list may mix plain names and joins. Anything more than that is code, not template.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

from chulgo.files import normalise_header
from chulgo.model import ChulgoError

REPO_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

Getter = Callable[[list[str]], str]


def load_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ChulgoError(f"템플릿 {path} 형식이 잘못되었습니다: {e}") from None


def template_files(kind: str, workspace: Path | None) -> list[Path]:
    """The repo's templates of ``kind`` ('channels' | 'couriers'), then the workspace's own (which win by id)."""
    dirs = [REPO_TEMPLATES / kind]
    if workspace is not None:
        dirs.append(workspace / "templates" / kind)
    return [p for d in dirs if d.is_dir() for p in sorted(d.glob("*.toml"))]


def _one(spec: object, index: dict[str, int]) -> Getter | None:
    if isinstance(spec, str):
        i = index.get(normalise_header(spec))
        if i is None:
            return None
        return lambda row, i=i: row[i] if i < len(row) else ""
    if isinstance(spec, dict) and "join" in spec:
        parts = [index[normalise_header(h)] for h in spec["join"] if normalise_header(h) in index]
        if not parts:
            return None
        sep = spec.get("sep", " ")
        return lambda row, parts=parts, sep=sep: sep.join(
            v for v in (row[i] if i < len(row) else "" for i in parts) if v)
    raise ChulgoError(f"템플릿의 열 지정 {spec!r}을(를) 이해할 수 없습니다 (\"머리글\", [\"대안1\", \"대안2\"], {{join=[...]}} 중 하나).")


def column_getter(spec: object, header: list[str]) -> Getter | None:
    """A function reading ``spec``'s value from a data row of a table with ``header``; None if absent."""
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        index.setdefault(normalise_header(h), i)
    for candidate in spec if isinstance(spec, list) else [spec]:
        getter = _one(candidate, index)
        if getter is not None:
            return getter
    return None


def spec_names(spec: object) -> str:
    """The header names a spec looks for, for messages."""
    names: list[str] = []
    for candidate in spec if isinstance(spec, list) else [spec]:
        if isinstance(candidate, str):
            names.append(candidate)
        elif isinstance(candidate, dict):
            names.append("+".join(candidate.get("join", [])))
    return " 또는 ".join(names)
