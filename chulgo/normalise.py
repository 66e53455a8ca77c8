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


def repair_phone(text: str) -> str:
    """A phone as text; restores the leading 0 a numeric cell lost (1012345678 -> 01012345678)."""
    text = text.strip()
    d = digits(text)
    if d and d == text and not d.startswith("0") and 8 <= len(d) <= 11:
        return "0" + d
    return text


def repair_zip(text: str) -> str:
    """A 5-digit zip as text; restores the leading 0 (6234 -> 06234). Old 6-digit zips keep their form."""
    text = text.strip()
    if text.isdigit() and len(text) < 5:
        return text.zfill(5)
    return text


def address_key(address: str) -> str:
    """An address reduced for comparison: no spaces or punctuation, provinces in short form."""
    a = address.strip()
    for long, short in _PROVINCES.items():
        if a.startswith(long):
            a = short + a[len(long):]
            break
    return _ADDRESS_NOISE.sub("", a).lower()


def recipient_key(r: Recipient) -> str:
    """Two parcels go to the same person when name, phone digits and address agree (EzAdmin's 합포 rule)."""
    return "|".join((re.sub(r"\s+", "", r.name), digits(r.phone), address_key(r.address)))
