"""Mapping rules a seller relies on: option text compared loosely, precedence, sets, 수량, bad rows named."""

from __future__ import annotations

from pathlib import Path

import pytest

from chulgo import samples
from chulgo.mapping import load_mapping, option_key
from chulgo.model import OrderLine, Recipient
from chulgo.samples.catalogue import FAMILIES, option_text, pick_products

ALIASES = {"smartstore": "smartstore", "스마트스토어": "smartstore", "coupang": "coupang"}


@pytest.mark.parametrize("a, b", [
    ("색상: 빨강 / 사이즈: L", "사이즈:L,색상:빨강"),
    ("색상: 빨강 / 사이즈: L", "색상=빨강, 사이즈=L"),
    ("색상 : 빨 강/사이즈 : l", "사이즈: L / 색상: 빨강"),
    ("빨강, L", "L / 빨강"),
    ("사이즈: 90/95 / 색상: 검정", "색상:검정, 사이즈:90/95"),
])
def test_equivalent_options_compare_equal(a, b):
    assert option_key(a) == option_key(b)


@pytest.mark.parametrize("a, b", [("색상: 빨강 / 사이즈: L", "색상: 빨강 / 사이즈: M"), ("사이즈: 90/95", "사이즈: 90")])
def test_different_options_stay_different(a, b):
    assert option_key(a) != option_key(b)


def line(**kw) -> OrderLine:
    base = dict(channel="smartstore", line_key="1", order_no="1", bundle_key="1", product_code="P1", option_code="",
                product_name="티셔츠", option_text="색상: 빨강 / 사이즈: L", quantity=2,
                recipient=Recipient("가나다", "010-1234-5678", "", "06236", "서울 강남구 테헤란로 1"),
                status="", status_class="", ordered_at="")
    return OrderLine(**{**base, **kw})


@pytest.fixture
def book(tmp_path: Path):
    products = [{"SKU": s, "상품명": n, "로케이션": loc} for s, n, loc in
                [("TEE-R-L", "티셔츠 빨강 L", "A-1"), ("TEE-R-M", "티셔츠 빨강 M", "A-2"), ("SOCK", "양말", "B-1"),
                 ("MUG", "머그컵", "C-1")]]
    mappings = [
        {"채널": "스마트스토어", "채널상품코드": "P1", "채널옵션": "사이즈:L,색상:빨강", "SKU": "TEE-R-L"},
        {"채널": "smartstore", "채널상품코드": "P1", "채널옵션": "", "SKU": "TEE-R-M"},     # any other option of P1
        {"채널": "smartstore", "채널옵션코드": "OPT-9", "SKU": "MUG"},                      # wins over product code
        {"채널": "smartstore", "채널상품명": "양말 3개입", "SKU": "SOCK", "수량": 3},
        {"채널": "smartstore", "채널상품코드": "GIFT", "SKU": "SET-1"},
        {"채널": "naver", "채널상품코드": "X", "SKU": "SOCK"},
        {"채널": "smartstore", "채널상품코드": "Y", "SKU": "NOPE"},
        {"채널": "smartstore", "채널상품코드": "Z", "SKU": "SOCK", "수량": "두개"},
    ]
    sets = [{"세트SKU": "SET-1", "구성SKU": "MUG", "수량": 1}, {"세트SKU": "SET-1", "구성SKU": "SOCK", "수량": 2}]
    path = samples.write_mapping_workbook(tmp_path / "m.xlsx", products, mappings, sets)
    return load_mapping(path, ALIASES)


def test_precedence_option_code_then_product_and_option_then_name(book):
    assert [(i.sku, i.quantity) for i in book.items_for(line())] == [("TEE-R-L", 2)]
    assert [i.sku for i in book.items_for(line(option_text="색상: 파랑 / 사이즈: S"))] == ["TEE-R-M"]
    assert [i.sku for i in book.items_for(line(option_code="OPT-9"))] == ["MUG"]
    assert book.items_for(line(product_code="P2", product_name="모르는 상품")) is None


def test_quantity_multiplies_and_sets_ship_their_components(book):
    socks = book.items_for(line(product_code="", product_name="양말  3개입", option_text="", quantity=2))
    assert [(i.sku, i.quantity, i.location) for i in socks] == [("SOCK", 6, "B-1")]
    gift = book.items_for(line(product_code="GIFT", option_text="", quantity=3))
    assert sorted((i.sku, i.quantity) for i in gift) == [("MUG", 3), ("SOCK", 6)]


def test_bad_mapping_rows_are_named_and_skipped(book):
    found = {(p.sheet, p.row, p.column, p.value) for p in book.problems}
    assert ("매핑", 7, "채널", "naver") in found
    assert ("매핑", 8, "SKU", "NOPE") in found
    assert ("매핑", 9, "수량", "두개") in found
    assert book.items_for(line(product_code="Y", option_text="")) is None


def test_suggestion_reads_like_the_listing(book):
    assert book.suggest(line(product_code="", product_name="티셔츠 (기획전)", option_text="색상: 빨강 / 사이즈: M")) == "TEE-R-M"


# -- suggestions (추천SKU) ----------------------------------------------------------------------------------

TEES = [("HR-TEE-BLU-S", "오가닉 코튼 티셔츠 파랑 S"), ("HR-TEE-BLU-XL", "오가닉 코튼 티셔츠 파랑 XL"),
        ("HR-TEE-RED-L", "오가닉 코튼 티셔츠 빨강 L"), ("HR-TEE-RED-M", "오가닉 코튼 티셔츠 빨강 M"),
        ("HR-TEE-BLU-L", "오가닉 코튼 티셔츠 파랑 L"), ("HR-SOCK-BLK", "데일리 양말 검정"),
        ("HR-SOCK-BLK-3P", "데일리 양말 검정 3개입")]


def tee_book(tmp_path: Path, products=TEES):
    path = samples.write_mapping_workbook(tmp_path / "m.xlsx", [{"SKU": s, "상품명": n} for s, n in products], [], [])
    return load_mapping(path, ALIASES)


def test_a_suggestion_respects_the_size_of_the_option(tmp_path):
    book = tee_book(tmp_path)
    assert book.suggest(line(product_code="C1", product_name="오가닉 코튼 티셔츠", option_text="파랑, XL")) == "HR-TEE-BLU-XL"


def test_a_shuffled_listing_name_with_a_promo_tag_still_finds_its_product(tmp_path):
    s = tee_book(tmp_path).suggestion(line(product_name="[무료배송] 빨강 티셔츠 코튼 오가닉", option_text="L"))
    assert s.sku == "HR-TEE-RED-L" and 80 <= s.confidence <= 100
    assert "상품명 일치" in s.why and "L" in s.why


@pytest.mark.parametrize("name, option, why", [
    ("오가닉 코튼 티셔츠", "색상: 빨강 / 사이즈: XL", "사이즈"),      # 빨강 XL is not in 상품: no 빨강 L, no 파랑 XL
    ("오가닉 코튼 티셔츠", "초록, L", "색상"),
    ("데일리 양말", "검정, 2개입", "수량"),                           # 3개입 is another pack
    ("오가닉 코튼 티셔츠 (기획전)", "", "가릴 수 없음"),                 # no option: five tees fit equally
])
def test_no_suggestion_beats_a_wrong_option(tmp_path, name, option, why):
    s = tee_book(tmp_path).suggestion(line(product_name=name, option_text=option))
    assert s.sku == "" and s.confidence == 0 and why in s.why


def test_suggestions_over_a_whole_catalogue_are_right_or_absent():
    """Every variant of the sample catalogue, listed in each channel's option style with shop words around the
    name, is suggested as itself; with that variant removed from 상품 nothing is suggested (a sibling would be
    another size, colour, 기종 …)."""
    import random

    from chulgo.mapping import MappingBook, Product
    catalogue = pick_products(random.Random(3), 400)
    family = {code: name for code, name, _, _ in FAMILIES}
    products = {p["SKU"]: Product(p["SKU"], p["상품명"], "", "", "", "", "") for p in catalogue}
    book = MappingBook(Path("m.xlsx"), products=products)
    for p in catalogue:
        base = family[p["_family"]]
        for style in ("smartstore", "alt", "cafe24", "coupang"):
            for name in (base, f"[무료배송] {base} 기획전", f"하루상점 {base} (시즌)"):
                opt = option_text(p["_combo"], style)
                assert book.suggest(line(product_name=name, option_text=opt)) == p["SKU"], (name, opt)
    for p in catalogue[::4]:
        without = MappingBook(Path("m.xlsx"), products={k: v for k, v in products.items() if k != p["SKU"]})
        opt = option_text(p["_combo"], "coupang")
        assert without.suggest(line(product_name=family[p["_family"]], option_text=opt)) == "", (p["SKU"], opt)


def test_skus_are_matched_without_case_or_spaces(tmp_path):
    products = [{"SKU": "HR-TEE-BLU-XL", "상품명": "티셔츠 파랑 XL"}, {"SKU": "MUG", "상품명": "머그컵"}]
    mappings = [{"채널": "smartstore", "채널상품코드": "P1", "SKU": "hr-tee-blu-xl "},
                {"채널": "smartstore", "채널상품코드": "P2", "SKU": "HR-TEE-BLU- XL"},
                {"채널": "smartstore", "채널상품코드": "GIFT", "SKU": "set-1"}]
    sets = [{"세트SKU": "SET-1", "구성SKU": "mug", "수량": 2}]
    book = load_mapping(samples.write_mapping_workbook(tmp_path / "m.xlsx", products, mappings, sets), ALIASES)
    assert book.problems == []
    for code in ("P1", "P2"):
        assert [i.sku for i in book.items_for(line(product_code=code, option_text=""))] == ["HR-TEE-BLU-XL"]
    assert [(i.sku, i.quantity) for i in book.items_for(line(product_code="GIFT", option_text="", quantity=1))] == \
        [("MUG", 2)]
