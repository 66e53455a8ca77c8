"""One fixed-seed file in every repo channel template's own layout, for the template contract tests
(tests/test_contracts.py): each channel's order export (both 스마트스토어 layouts; 오늘의집 also locked), and the
mapping workbook that maps all of them. A courier's fixture is its result for our waybill request, played by
``write_courier_result``. A workspace's own template brings its own file instead (see tests/test_contracts.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chulgo.samples import exports as ex
from chulgo.samples.more_channels import generate_channel_rows
from chulgo.samples.orders import generate_day

PASSWORDS = {"smartstore": "1234", "ohouse": "oh-2580"}     # the passwords the locked fixtures are saved with
SEED = 3
CORE_LINES = 16          # 스마트스토어, 쿠팡, 카페24 lines of the day
CHANNEL_LINES = 10       # lines of each other channel

MORE_WRITERS: dict[str, Callable[..., Path]] = {
    "11st": ex.write_11st_export, "esm": ex.write_esm_export, "toss": ex.write_toss_export, "ohouse": ex.write_ohouse_export,
    "lotteon": ex.write_lotteon_export, "kakao-gift": ex.write_kakao_gift_export,
}


# fixture name -> the channel template that must claim it (each name is its golden files' name too)
CHANNEL_FIXTURES = {"smartstore": "smartstore", "smartstore_short": "smartstore", "coupang": "coupang",
                    "cafe24": "cafe24", **{cid: cid for cid in MORE_WRITERS}, "ohouse_locked": "ohouse"}
SAME_ROWS = {"ohouse_locked": "ohouse"}     # a fixture of another's rows (saved locked): it reads to that golden


@dataclass(frozen=True)
class ChannelFixture:
    name: str            # the fixture's name, and its golden files' (tests/golden/<name>.lines.tsv, .invoice.tsv)
    channel: str         # the template that must claim it
    path: Path


def channel_rows(channel_id: str, seed: int = SEED, n: int = CHANNEL_LINES) -> tuple[list[dict], list[dict]]:
    """(export rows, mapping rows) of a channel beyond the core three: one cancelled line, and on 카카오톡 선물하기
    two gifts still without an address."""
    return generate_channel_rows(channel_id, seed, n, gifts_without_address=2 if channel_id == "kakao-gift" else 0,
                                 cancelled=1)


def write_channel_fixtures(folder: Path) -> tuple[list[ChannelFixture], Path]:
    """Every fixture export in ``folder``, and the mapping workbook that maps every listing in them."""
    day = generate_day(seed=SEED, lines=CORE_LINES)
    out = [
        ChannelFixture("smartstore", "smartstore",
                       ex.write_smartstore_export(folder / "smartstore.xlsx", day.smartstore,
                                               password=PASSWORDS["smartstore"])),
        ChannelFixture("smartstore_short", "smartstore",
                       ex.write_smartstore_export(folder / "smartstore_short.xlsx", day.smartstore, password=None,
                                               headers=ex.SMARTSTORE_SHORT_HEADERS)),
        ChannelFixture("coupang", "coupang", ex.write_coupang_export(folder / "coupang.xlsx", day.coupang)),
        ChannelFixture("cafe24", "cafe24", ex.write_cafe24_export(folder / "cafe24.xlsx", day.cafe24)),
    ]
    mappings = list(day.mappings)
    for cid, writer in MORE_WRITERS.items():
        rows, maps = channel_rows(cid)
        out.append(ChannelFixture(cid, cid, writer(folder / f"{cid}.xlsx", rows)))
        mappings += maps
    out.append(ChannelFixture("ohouse_locked", "ohouse",
                              ex.write_ohouse_export(folder / "ohouse_locked.xlsx", channel_rows("ohouse")[0],
                                                  password=PASSWORDS["ohouse"])))
    mapping = ex.write_mapping_workbook(folder / "상품매핑.xlsx", day.products, mappings, day.sets)
    assert {f.name: f.channel for f in out} == CHANNEL_FIXTURES
    return out, mapping
