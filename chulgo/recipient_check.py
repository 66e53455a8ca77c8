"""Is a recipient fit for a courier waybill? Phone, zip, name and address checks, and the delivery-message cut.

Pure functions, no I/O. Every reason is Korean: the seller reads it beside the parcel.
"""

from __future__ import annotations

import re

from chulgo.model import Recipient
from chulgo.normalise import PHONE_PREFIXES, digits, phone_prefix

_PHONE_ALLOWED = re.compile(r"[0-9\-\s.()]+")
# A mobile number as nearly every channel writes it: whole, so phone_problem has nothing to say (checked first).
_PLAIN_MOBILE = re.compile(r"010-?[0-9]{4}-?[0-9]{4}")
_HANGUL_OR_DIGIT = re.compile(r"[0-9\uac00-\ud7a3\u3131-\u318e]")
_SPACES = re.compile(r"[\s\x00-\x1f\x7f]+")
_WHITESPACE = re.compile(r"\s+")
ADDRESS_MIN_CHARS = 5           # fewer non-space characters than `서울 중구 1` cannot be an address


def phone_problem(text: str) -> str:
    """"" when ``text`` is a whole Korean phone number a courier can call, else a short Korean reason.

    Separators `-`, spaces, dots and parentheses are allowed; masked numbers (`010-12**-5678`) are not."""
    text = text.strip()
    if _PLAIN_MOBILE.fullmatch(text):
        return ""
    if not text:
        return "번호가 비어 있습니다"
    if "*" in text:
        return "가려진(*) 번호입니다"
    if not _PHONE_ALLOWED.fullmatch(text):
        return "숫자가 아닌 글자가 들어 있습니다"
    d = digits(text)
    prefix = phone_prefix(d)
    if not prefix:
        return "앞자리가 전화번호가 아닙니다"
    lengths, kind = PHONE_PREFIXES[prefix]
    if len(d) not in lengths:
        allowed = " 또는 ".join(str(n) for n in sorted(lengths))
        return f"{kind}({prefix})는 숫자 {allowed}자리여야 하는데 {len(d)}자리입니다"
    return ""


def zip_problem(text: str) -> str:
    """"" when ``text`` is empty (the courier finds the zip from the address) or 5 digits, else a reason."""
    text = text.strip()
    if not text or (len(text) == 5 and text.isdigit()):
        return ""
    if re.fullmatch(r"\d{3}-?\d{3}", text):
        return "옛 6자리 우편번호입니다"
    return "우편번호는 숫자 5자리여야 합니다"


def _address_problem(address: str) -> str:
    compact = _WHITESPACE.sub("", address)
    if not compact:
        return "주소가 비어 있습니다. 주문 채널에서 주소를 확인해 넣어 주세요."
    if len(compact) < ADDRESS_MIN_CHARS or not _HANGUL_OR_DIGIT.search(compact):
        return "주소로 보기에 너무 짧거나 이상합니다. 전체 주소(시·군·구, 도로명, 번지)를 넣어 주세요."
    return ""


def check_recipient(recipient: Recipient) -> list[tuple[str, str, str]]:
    """What would make a bad waybill: (Recipient field, value, Korean reason and fix). Empty when fit.

    One valid number of phone / phone2 is enough; when neither is, the reason names each one's fault."""
    r = recipient
    found: list[tuple[str, str, str]] = []
    if not r.name.strip():
        found.append(("name", r.name, "받는 분 이름이 비어 있습니다. 주문 채널에서 확인해 넣어 주세요."))
    problem = _address_problem(r.address)
    if problem:
        found.append(("address", r.address, problem))
    p1 = phone_problem(r.phone)
    p2 = phone_problem(r.phone2) if p1 else ""          # the second number matters only when the first is no good
    if p1 and p2:
        if not r.phone.strip() and not r.phone2.strip():
            why = "전화번호가 없습니다"
        elif not r.phone2.strip():
            why = f"전화번호: {p1}"
        elif not r.phone.strip():
            why = f"전화번호2: {p2}"
        else:
            why = f"전화번호1: {p1}, 전화번호2: {p2}"
        value = " / ".join(v.strip() for v in (r.phone, r.phone2) if v.strip())
        found.append(("phone", value, f"{why}. 바른 번호를 하나 이상 넣어 주세요 (예: 010-1234-5678)."))
    problem = zip_problem(r.zip)
    if problem:
        found.append(("zip", r.zip, f"{problem}. 5자리 우편번호로 고치거나 비워 두세요."))
    return found


def cut_message(text: str, limit: int) -> tuple[str, bool]:
    """The delivery message on one line (whitespace, newlines and control characters become single spaces),
    at most ``limit`` characters, ending with `…` when cut. Returns (text, was_cut)."""
    # A printable text has no whitespace but " " (every other whitespace and control character is unprintable):
    # then only runs of spaces would change.
    one_line = text.strip() if text.isprintable() and "  " not in text else _SPACES.sub(" ", text).strip()
    if len(one_line) <= limit:
        return one_line, False
    if limit <= 0:
        return "", True
    return one_line[: limit - 1].rstrip() + "…", True
