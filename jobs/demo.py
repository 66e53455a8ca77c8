"""demo: build a sample workspace with made-up exports from several channels and run a whole day."""

from __future__ import annotations

import dataclasses
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

from chulgo import samples
from chulgo.files import read_tables
from chulgo.model import ChulgoError
from chulgo.settings import DEFAULT_SETTINGS
from chulgo.states import INVOICED
from jobs.collect import collect
from jobs.context import Context
from jobs.invoice import invoice
from jobs.returns import returns
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
DROPSHIP = 0.12         # a few products a supplier ships for us (위탁): their orders go out on a 발주서
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


def _order_day(today: date) -> date:
    """The day the made-up orders were placed: yesterday, so the demo ships them at any hour (today's orders carry
    daytime order times: run just after midnight they would still be too fresh to ship)."""
    return today - timedelta(days=1)


def _step(title: str, ctx: Context) -> None:
    print(f"\n■ {title}")
    text = ctx.report.text(ctx.workspace)
    print(text if text else "  (할 일 없음)")
    ctx.report.__init__()


def demo(directory: Path, lines: int = 40, seed: int = 7, api: bool = False) -> int:
    if api:
        return demo_api(directory, lines, seed)
    started = time.perf_counter()
    prepare(directory)
    today = date.today()
    ordered = _order_day(today)
    day = samples.generate_day(seed=seed, lines=lines, day=ordered, dropship=DROPSHIP)
    more = {cid: samples.generate_channel_rows(cid, seed, 4, day=ordered, gifts_without_address=int(cid == "kakao-gift"))
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
    _run_day(ctx, inbox, seed)
    print(f"\n끝났습니다 ({time.perf_counter() - started:.1f}초). 결과는 {ctx.out_dir} 에 있습니다.")
    print("해 볼 것: mappings/상품매핑.xlsx 의 '미매핑' 시트에 SKU를 적고 저장한 뒤")
    print(f"  uv run run.py --workspace {directory} daily")
    print("를 실행하면 기다리던 주문이 출고됩니다.")
    return 0


def _run_day(ctx: Context, inbox: Path, seed: int) -> None:
    """collect → ship → (the couriers answer) → tracking → invoice → status, each step's report printed."""
    collect(ctx)
    _step("1. 주문 수집 (uv run run.py collect)", ctx)
    ship(ctx)
    waybills = [p for p in ctx.report.outputs if not p.name.startswith(("피킹리스트", "포장목록", "피킹합계", "발주서"))]
    order_sheets = [p for p in ctx.report.outputs if p.name.startswith("발주서")]
    _step("2. 출고: 피킹리스트 + 택배사별 송장요청 + 공급사 발주서 (uv run run.py ship)", ctx)

    # Play the couriers: results come back re-sorted, CJ phones as numbers and one row without our id.
    for waybill in waybills:
        result = inbox / f"결과_{waybill.name}"
        courier_id = next(cid for cid, c in ctx.couriers.items() if waybill.name.startswith(c.waybill["file"]))
        first_id = _first_parcel_id(waybill) if courier_id == "cj" else ""
        samples.write_courier_result(waybill, result, courier_id=courier_id, seed=seed,
                                     drop_order_ref={first_id} if first_id else set())
        print(f"\n(택배사 역할: {result.name} 을(를) inbox에 넣었습니다)")
    for n, order_sheet in enumerate(order_sheets, start=1):   # play the suppliers: the 발주서 back with numbers
        answer = samples.write_supplier_answer(order_sheet, inbox / f"답장_{order_sheet.name}", seed=seed + n)
        print(f"(공급사 역할: {answer.name} — 택배사·송장번호를 채운 발주서를 inbox에 넣었습니다)")
    tracking(ctx)
    _step("3. 운송장번호 붙이기 (uv run run.py tracking)", ctx)
    invoice(ctx)
    _step("4. 채널별 송장 업로드 파일 (uv run run.py invoice)", ctx)
    if _one_return(ctx, inbox):
        collect(ctx)
        _step("5. 반품 요청 목록 읽기 (uv run run.py collect)", ctx)
        key = ctx.ledger.returns()[0].line.line_key
        returns(ctx, "입고", [key])
        _step(f"6. 반품 물건 입고 (uv run run.py returns 입고 {key})", ctx)
    status(ctx)
    _step("현황 (uv run run.py status)", ctx)


def _one_return(ctx: Context, inbox: Path) -> bool:
    """Play G마켓: its 반품관리 list with one uploaded order the buyer sends back (단순변심, 회수 송장 known)."""
    uploaded = ctx.ledger.line_keys_in_state("esm", INVOICED, limit=1)
    if not uploaded:
        return False
    path = samples.write_claim_list(inbox / f"반품관리_{ctx.stamp}.xlsx", [{
        "주문번호": uploaded[0], "반품사유": "구매의사 취소(단순변심)", "반품수거택배사명": "CJ대한통운",
        "반품송장번호": samples.tracking_numbers("cj", 1, seed=99)[0], "반품배송비지불주체": "구매자",
        "반품배송비금액": "6000"}], samples.ESM_RETURN_HEADERS)
    print(f"\n(G마켓 역할: 반품 요청 목록 {path.name} 을(를) inbox에 넣었습니다)")
    return True



# -- demo --api: the same day through the channel APIs, served by the built-in fakes on 127.0.0.1 --------------

DEMO_MALL = "harudemo"


def _api_settings(urls: dict[str, str]) -> str:
    return DEFAULT_SETTINGS.replace("[channels.smartstore]\n", f"""[channels.smartstore]
api = {{ client_id = "demo-naver-app", base_url = "{urls['naver']}/external" }}
""") + f"""
[channels.coupang]
api = {{ vendor_id = "A00012345", access_key = "demo-coupang-key", base_url = "{urls['coupang']}" }}

[channels.cafe24]
shops = [{{ mall_id = "{DEMO_MALL}", shop_no = 1, client_id = "demo-cafe24-app", base_url = "{urls['cafe24']}/api/v2", redirect_uri = "http://127.0.0.1/callback" }}]
"""


def demo_api(directory: Path, lines: int = 40, seed: int = 7) -> int:
    """A whole day with 스마트스토어, 쿠팡 and 카페24 orders coming in (and tracking numbers going out) through their
    APIs. The APIs are the in-repo fakes, served on 127.0.0.1; secrets live in this process's memory only."""
    import bcrypt
    import keyring

    from chulgo import secrets
    from chulgo.api.accounts import cafe24_secret_name, coupang_secret_name, naver_secret_name
    from chulgo.fakeapi import serve
    from chulgo.fakeapi.cafe24 import FakeCafe24
    from chulgo.fakeapi.coupang import FakeCoupang
    from chulgo.fakeapi.naver import FakeNaver
    from chulgo.fakeapi.orders import cafe24_orders, coupang_sheets, naver_orders
    from jobs.login import login

    started = time.perf_counter()
    day = samples.generate_day(seed=seed, lines=lines, day=_order_day(date.today()))
    naver_secret = bcrypt.gensalt(4).decode()
    fakes = {
        "naver": FakeNaver("demo-naver-app", naver_secret, orders=naver_orders(day.smartstore)),
        "coupang": FakeCoupang("A00012345", "demo-coupang-key", "demo-coupang-secret", sheets=coupang_sheets(day.coupang)),
        "cafe24": FakeCafe24(DEMO_MALL, "demo-cafe24-app", "demo-cafe24-secret", orders=cafe24_orders(day.cafe24),
                             redirect_uri="http://127.0.0.1/callback"),
    }
    urls, stop = serve(fakes)
    keyring.set_keyring(secrets.MemoryKeyring())       # the demo's keys never reach the PC's credential store
    secrets.store(naver_secret_name("demo-naver-app"), naver_secret)
    secrets.store(coupang_secret_name("demo-coupang-key"), "demo-coupang-secret")
    secrets.store(cafe24_secret_name(DEMO_MALL), "demo-cafe24-secret")
    try:
        prepare(directory)
        (directory / "settings.toml").write_text(_api_settings(urls), encoding="utf-8")
        samples.write_mapping_workbook(directory / "mappings" / "상품매핑.xlsx", day.products, day.mappings, day.sets)
        print(f"예제 작업 폴더: {directory}")
        print(f"가짜 채널 API를 띄웠습니다: 스마트스토어 {urls['naver']}, 쿠팡 {urls['coupang']}, 카페24 {urls['cafe24']}")
        print(f"(주문 {len(day.smartstore)}+{len(day.coupang)}+{len(day.cafe24)}줄이 파일 대신 API로 들어옵니다. "
              "inbox는 비어 있습니다)")
        ctx = Context(directory)
        login(ctx, "cafe24", DEMO_MALL, code=fakes["cafe24"].issue_code())
        _step("0. 카페24 로그인 (uv run run.py login cafe24) — 승인 코드를 토큰으로 바꿔 자격 증명 저장소에", ctx)
        _run_day(ctx, directory / "inbox", seed)
        pushed = {"스마트스토어": sum(fakes["naver"].dispatch_count.values()),
                  "쿠팡": sum(fakes["coupang"].invoice_count.values()),
                  "카페24": sum(fakes["cafe24"].shipment_count.values())}
        print("\n■ 가짜 API가 받은 송장: " + ", ".join(f"{name} {n}줄" for name, n in pushed.items()))
    finally:
        stop()
    print(f"\n끝났습니다 ({time.perf_counter() - started:.1f}초). 결과는 {ctx.out_dir} 에 있습니다.")
    return 0 if all(pushed.values()) else 1
