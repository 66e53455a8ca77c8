"""demo: build a sample workspace with made-up exports from several channels and run a whole day."""

from __future__ import annotations

import dataclasses
import shutil
import time
from datetime import date
from pathlib import Path

from chulgo import courier_samples, samples
from chulgo.files import read_tables
from chulgo.model import ChulgoError
from chulgo.settings import DEFAULT_SETTINGS
from jobs.collect import collect
from jobs.context import Context
from jobs.invoice import invoice
from jobs.ship import ship
from jobs.status import status
from jobs.tracking import tracking

MARKER = ".chulgo-demo"
DEMO_SETTINGS = DEFAULT_SETTINGS + """
[channels.ohouse]
password = "0000"        # 오늘의집 파일 비밀번호

[channels.coupang]
courier = "lotte"        # 쿠팡 주문만 롯데택배로 보냅니다 (채널별 택배사)
"""
MORE_CHANNELS = {   # channel id -> (sample writer, extra keyword arguments)
    "11st": (samples.write_11st_export, {}),
    "esm": (samples.write_esm_export, {}),
    "toss": (samples.write_toss_export, {}),
    "ohouse": (samples.write_ohouse_export, {"password": "0000"}),
    "lotteon": (samples.write_lotteon_export, {}),
    "kakao-gift": (samples.write_kakao_gift_export, {}),
}


def prepare(directory: Path) -> None:
    """An empty demo folder; an earlier demo there is replaced, anything else is refused."""
    if directory.exists() and any(directory.iterdir()):
        if not (directory / MARKER).exists():
            raise ChulgoError(f"{directory} 폴더가 비어 있지 않아 예제를 만들지 않습니다. --dir 로 빈 폴더를 지정하세요.")
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text("chulgo demo workspace\n", encoding="utf-8")
    (directory / "settings.toml").write_text(DEMO_SETTINGS, encoding="utf-8")


def _first_parcel_id(waybill: Path) -> str:
    rows = read_tables(waybill, {})[0].rows
    col = rows[0].index("고객주문번호")
    return rows[1][col] if len(rows) > 1 else ""


def _step(title: str, ctx: Context) -> None:
    print(f"\n■ {title}")
    text = ctx.report.text(ctx.workspace)
    print(text if text else "  (할 일 없음)")
    ctx.report.__init__()


def demo(directory: Path, lines: int = 40, seed: int = 7) -> int:
    started = time.perf_counter()
    prepare(directory)
    today = date.today()
    day = samples.generate_day(seed=seed, lines=lines, day=today)
    more = {cid: samples.generate_channel_rows(cid, seed, 4, day=today, gifts_without_address=int(cid == "kakao-gift"))
            for cid in MORE_CHANNELS}
    day = dataclasses.replace(day, mappings=day.mappings + [m for _, maps in more.values() for m in maps])
    inbox = directory / "inbox"
    exports = samples.write_day(day, inbox, directory / "mappings" / "상품매핑.xlsx", password="1234")
    for n, (cid, (write, options)) in enumerate(MORE_CHANNELS.items(), start=1):
        exports.append(write(inbox / f"주문_{n}_{today:%Y%m%d}.xlsx", more[cid][0], **options))
    print(f"예제 작업 폴더: {directory}")
    print(f"inbox에 넣은 주문 파일 {len(exports)}개: " + ", ".join(p.name for p in exports))
    print("(스마트스토어 파일은 비밀번호 1234, 오늘의집 파일은 0000으로 잠겨 있습니다 — settings.toml [channels.*] password)")
    print("(쿠팡 주문은 롯데택배, 나머지는 CJ대한통운으로 보냅니다 — settings.toml [channels.coupang] courier)")

    ctx = Context(directory)
    collect(ctx)
    _step("1. 주문 수집 (uv run run.py collect)", ctx)
    ship(ctx)
    waybills = [p for p in ctx.report.outputs if not p.name.startswith(("피킹리스트", "피킹합계"))]
    _step("2. 출고: 피킹리스트 + 택배사별 송장요청 (uv run run.py ship)", ctx)

    # Play the couriers: results come back re-sorted, CJ phones as numbers and one row without our id.
    for waybill in waybills:
        result = inbox / f"결과_{waybill.name}"
        if waybill.name.startswith("CJ"):
            first_id = _first_parcel_id(waybill)
            samples.write_courier_result(waybill, result, seed=seed, drop_order_ref={first_id} if first_id else set())
        else:
            courier_id = next(cid for cid, c in ctx.couriers.items() if waybill.name.startswith(c.waybill["file"]))
            courier_samples.write_result(courier_id, waybill, result, seed=seed)
        print(f"\n(택배사 역할: {result.name} 을(를) inbox에 넣었습니다)")
    tracking(ctx)
    _step("3. 운송장번호 붙이기 (uv run run.py tracking)", ctx)
    invoice(ctx)
    _step("4. 채널별 송장 업로드 파일 (uv run run.py invoice)", ctx)
    status(ctx)
    _step("5. 현황 (uv run run.py status)", ctx)

    print(f"\n끝났습니다 ({time.perf_counter() - started:.1f}초). 결과는 {ctx.out_dir} 에 있습니다.")
    print("해 볼 것: mappings/상품매핑.xlsx 의 '미매핑' 시트에 SKU를 적고 저장한 뒤")
    print(f"  uv run run.py --workspace {directory} daily")
    print("를 실행하면 기다리던 주문이 출고됩니다.")
    return 0
