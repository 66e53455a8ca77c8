"""Match courier result rows back to our parcels: by our parcel id first; only when the courier dropped it,
by name + phone digits + address, and only when exactly one untracked parcel fits. Never a guess."""

from __future__ import annotations

import re

from chulgo.model import Recipient, Shipment, TrackingResult
from chulgo.normalise import address_key, digits


_SPACE = re.compile(r"\s+")
_MASK = re.compile(r"\*+")


def _phone_fits(result_phone: str, parcel_phones: list[str]) -> bool:
    """Masked (`010-12**-5678`) or zero-less phones: the digits the courier kept must sit in ours."""
    if not result_phone:
        return True
    visible = [kept for kept in map(digits, _MASK.split(result_phone)) if kept]
    for phone in parcel_phones:
        ours = digits(phone)
        if ours and all(kept in ours for kept in visible):
            return True
    return False


def _name_fits(result_name: str, parcel_name: str) -> bool:
    """Names compared without spaces; a masked name (`홍*동`, `홍**`) fits when its visible letters sit in place."""
    a, b = _SPACE.sub("", result_name), _SPACE.sub("", parcel_name)
    if "*" not in a:
        return a == b
    return re.fullmatch("".join("." if ch == "*" else re.escape(ch) for ch in a), b) is not None


def recipient_mismatch(result: TrackingResult, parcel: Recipient) -> str:
    """'' when a result row that names our parcel id also names its recipient (or names nobody), else why not.

    Two shops on one courier account, or a file from another workspace, can carry ids that look like ours."""
    r = parcel
    if result.name and not _name_fits(result.name, r.name):
        return f"받는분이 다릅니다 (결과 파일 {result.name}, 우리 송장 {r.name})"
    if result.phone and not _phone_fits(result.phone, [r.phone, r.phone2]):
        return "받는분 전화번호가 우리 송장과 다릅니다"
    return ""


def _address_fits(result_address: str, parcel_address: str) -> bool:
    a, b = address_key(result_address), address_key(parcel_address)
    return bool(a) and (a == b or a.startswith(b) or b.startswith(a))


NO_FIT = "이름·연락처·주소가 맞는 송장이 없습니다"


class Candidates:
    """The parcels a result row without our id may go to, indexed by the recipient name ``_name_fits`` compares
    (spaces removed): a row is checked against the parcels its name, masked or not, can fit — never against
    every parcel (a file without ids, as 로젠's, would cost rows × parcels checks). Every parcel
    ``fallback_match`` accepts is among ``near``: an unmasked name fits only the same name; a masked one (`홍*동`)
    only names of its length with its visible letters in place."""

    def __init__(self, parcels: list[Shipment]) -> None:
        self.parcels = parcels
        self._by_name: dict[str, list[int]] = {}
        self._by_letter: dict[tuple[int, int, str], list[int]] = {}     # (length, position, letter)
        self._by_length: dict[int, list[int]] = {}
        for i, s in enumerate(parcels):
            name = _SPACE.sub("", s.recipient.name)
            self._by_name.setdefault(name, []).append(i)
            self._by_length.setdefault(len(name), []).append(i)
            for pos, letter in enumerate(name):
                self._by_letter.setdefault((len(name), pos, letter), []).append(i)

    def near(self, name: str) -> list[Shipment]:
        """The parcels (in their order) whose recipient a result row naming ``name`` can fit."""
        a = _SPACE.sub("", name)
        if "*" not in a:
            found = self._by_name.get(a, [])
        else:
            shown = [self._by_letter.get((len(a), pos, letter), []) for pos, letter in enumerate(a) if letter != "*"]
            found = min(shown, key=len) if shown else self._by_length.get(len(a), [])
        return [self.parcels[i] for i in found]


def fallback_match(result: TrackingResult, candidates: list[Shipment]) -> tuple[Shipment | None, str]:
    """(the one parcel this row fits, "") or (None, why not)."""
    if not re.sub(r"\s+", "", result.name):
        return None, "고객주문번호도 받는분 이름도 없어 맞출 수 없습니다"
    fits = [s for s in candidates
            if _name_fits(result.name, s.recipient.name)
            and _phone_fits(result.phone, [s.recipient.phone, s.recipient.phone2])
            and (not result.address or _address_fits(result.address, s.recipient.address))]
    if len(fits) == 1:
        return fits[0], ""
    if not fits:
        return None, NO_FIT
    return None, f"이름·연락처·주소가 같은 송장이 {len(fits)}건이라 어느 것인지 정할 수 없습니다"
