"""Made-up people: names are syllable combinations, phone numbers are random, addresses are real-looking
street names with random numbers (each district's zip range), delivery messages include the ones that look like
formulas (``=경비실``)."""

from __future__ import annotations

import random

_SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구"
_GIVEN = (
    "민서준우지하도윤수아예은현건시연채다온유나진호영재희성태경주원혜선동훈상미정빈소율가람찬솔"
    "보람승규나래한결다인세린"
)

# (road address prefix, district's zip range) — street names are real, numbers are random.
_ROADS: tuple[tuple[str, int, int], ...] = (
    ("서울특별시 강남구 테헤란로", 6100, 6250),
    ("서울특별시 강남구 봉은사로", 6000, 6200),
    ("서울특별시 서초구 서초대로", 6500, 6800),
    ("서울특별시 마포구 월드컵북로", 3900, 4100),
    ("서울특별시 송파구 올림픽로", 5500, 5700),
    ("서울특별시 종로구 세종대로", 3100, 3200),
    ("서울특별시 관악구 관악로", 8700, 8800),
    ("서울특별시 노원구 동일로", 1600, 1900),
    ("부산광역시 해운대구 해운대로", 48000, 48100),
    ("부산광역시 부산진구 중앙대로", 47200, 47300),
    ("대구광역시 수성구 달구벌대로", 42000, 42200),
    ("인천광역시 연수구 컨벤시아대로", 21900, 22100),
    ("광주광역시 서구 상무중앙로", 61900, 62000),
    ("대전광역시 유성구 대학로", 34100, 34200),
    ("울산광역시 남구 삼산로", 44600, 44800),
    ("경기도 성남시 분당구 판교역로", 13400, 13600),
    ("경기도 수원시 영통구 광교중앙로", 16500, 16600),
    ("경기도 고양시 일산동구 중앙로", 10300, 10500),
    ("경기도 용인시 수지구 포은대로", 16800, 16900),
    ("세종특별자치시 한누리대로", 30100, 30200),
    ("강원특별자치도 춘천시 중앙로", 24200, 24300),
    ("충청북도 청주시 상당구 상당로", 28500, 28600),
    ("전북특별자치도 전주시 완산구 팔달로", 54900, 55000),
    ("경상남도 창원시 성산구 중앙대로", 51400, 51500),
    ("제주특별자치도 제주시 연삼로", 63100, 63300),
)

DELIVERY_MESSAGES = (
    "부재시 문앞", "문 앞에 놓아주세요", "배송 전 연락 부탁드립니다", "경비실에 맡겨주세요",
    "택배함에 넣어주세요", "파손 주의 부탁드려요", "공동현관 비밀번호 #1234", "빠른 배송 부탁드립니다",
    "- 부재시 문앞", "=경비실", "+ 문앞 보관", "@택배함",
)


class Recipient:
    __slots__ = ("base", "detail", "name", "phone", "zip")

    def __init__(self, name: str, phone: str, zip_: str, base: str, detail: str) -> None:
        self.name = name
        self.phone = phone
        self.zip = zip_
        self.base = base
        self.detail = detail

    @property
    def full(self) -> str:
        return f"{self.base} {self.detail}".strip()


def phone_number(rng: random.Random, prefix: str = "010") -> str:
    return f"{prefix}-{rng.randrange(2000, 10000)}-{rng.randrange(0, 10000):04d}"


def person_name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN)


def make_recipient(rng: random.Random, phone_prefix: str = "010") -> Recipient:
    road, lo, hi = rng.choice(_ROADS)
    base = f"{road} {rng.randrange(1, 400)}"
    r = rng.random()
    if r < 0.35:
        detail = f"{rng.randrange(101, 120)}동 {rng.randrange(1, 25)}{rng.randrange(1, 5):02d}호"
    elif r < 0.6:
        detail = f"{rng.randrange(2, 15)}층"
    elif r < 0.85:
        detail = f"{rng.randrange(1, 6)}층 {rng.randrange(1, 6)}0{rng.randrange(1, 9)}호"
    else:
        detail = ""
    return Recipient(person_name(rng), phone_number(rng, phone_prefix), f"{rng.randrange(lo, hi):05d}", base, detail)


def respaced(rng: random.Random, base: str) -> str:
    """The same road address typed differently: a doubled space and/or no space before the number."""
    head, _, number = base.rpartition(" ")
    road_head, _, road = head.rpartition(" ")
    variant = rng.randrange(3)
    if variant == 0:
        return f"{road_head}  {road} {number}"
    if variant == 1:
        return f"{head}{number}"
    return f"{road_head}  {road}{number}"
