"""Repair what Excel lost and compare what people type differently: phones, zips, addresses, recipients."""

from __future__ import annotations

import re

from chulgo.model import Recipient

_NON_DIGIT = re.compile(r"\D")
_ADDRESS_NOISE = re.compile(r"[\s,.\-()\[\]/#]+")
# Long and short forms of the same province, so `서울특별시` and `서울` compare equal.
_PROVINCES = {
    "서울특별시": "서울", "부산광역시": "부산", "대구광역시": "대구", "인천광역시": "인천", "광주광역시": "광주",
    "대전광역시": "대전", "울산광역시": "울산", "세종특별자치시": "세종", "경기도": "경기", "강원특별자치도": "강원",
    "강원도": "강원", "충청북도": "충북", "충청남도": "충남", "전북특별자치도": "전북", "전라북도": "전북",
    "전라남도": "전남", "경상북도": "경북", "경상남도": "경남", "제주특별자치도": "제주",
}


def digits(text: str) -> str:
    return _NON_DIGIT.sub("", text)


# Korean phone numbers by prefix, as digits: the total lengths each prefix allows, and what it is called.
# Longest prefix first wins (0505 before 050, 010 before 01).
PHONE_PREFIXES: dict[str, tuple[frozenset[int], str]] = {
    "010": (frozenset({11}), "휴대폰 번호"),
    **{p: (frozenset({10, 11}), "휴대폰 번호") for p in ("011", "016", "017", "018", "019")},
    "02": (frozenset({9, 10}), "서울 지역번호"),
    **{p: (frozenset({10, 11}), "지역번호") for p in (
        "031", "032", "033", "041", "042", "043", "044", "051", "052", "053", "054", "055",
        "061", "062", "063", "064")},
    "070": (frozenset({11}), "인터넷전화 번호"),
    **{f"050{n}": (frozenset({11, 12}), "안심번호") for n in range(2, 9)},
    "080": (frozenset({10, 11}), "수신자부담 번호"),
    **{p: (frozenset({8}), "대표번호") for p in ("15", "16", "18")},
}


_PREFIX_LENGTHS = sorted({len(p) for p in PHONE_PREFIXES}, reverse=True)


def phone_prefix(d: str) -> str:
    """The known prefix ``d`` (digits only) starts with, or ""."""
    for n in _PREFIX_LENGTHS:               # longest first: 0505 before 050, 010 before 01
        if len(d) >= n and d[:n] in PHONE_PREFIXES:
            return d[:n]
    return ""


def is_phone_digits(d: str) -> bool:
    """True when ``d`` (digits only) is a whole Korean phone number: known prefix, right length."""
    p = phone_prefix(d)
    return bool(p) and len(d) in PHONE_PREFIXES[p][0]


def repair_phone(text: str) -> str:
    """A phone as text; restores the leading 0 a numeric cell lost (1012345678 -> 01012345678), but only when
    the 0 makes a valid number: an 8-digit 대표번호 (15881234) is kept as it is."""
    text = text.strip()
    if not text or text[0] == "0":           # nothing lost (most numbers): no digits to count
        return text
    d = digits(text)
    if (d and d == text and not d.startswith("0") and 8 <= len(d) <= 11
            and not is_phone_digits(d) and is_phone_digits("0" + d)):
        return "0" + d
    return text


def repair_zip(text: str) -> str:
    """A 5-digit zip as text; restores the leading 0 (6234 -> 06234). Old 6-digit zips keep their form."""
    text = text.strip()
    if text.isdigit() and len(text) < 5:
        return text.zfill(5)
    return text


# No long form starts another, so at most one fits an address: looked up by the address's first characters.
_PROVINCE_LENGTHS = sorted({len(long) for long in _PROVINCES})
_WHITESPACE = re.compile(r"\s+")


def address_key(address: str) -> str:
    """An address reduced for comparison: no spaces or punctuation, provinces in short form."""
    a = address.strip()
    for n in _PROVINCE_LENGTHS:
        short = _PROVINCES.get(a[:n])
        if short is not None:
            a = short + a[n:]
            break
    return _ADDRESS_NOISE.sub("", a).lower()


def recipient_key(r: Recipient) -> str:
    """Two parcels go to the same person when name, phone digits and address agree (EzAdmin's 합포 rule)."""
    return "|".join((_WHITESPACE.sub("", r.name), digits(r.phone), address_key(r.address)))
