"""chulgo (출고) — 주문 수집부터 송장 업로드 파일까지. 사용법: uv run run.py --help"""

from __future__ import annotations

import argparse
import difflib
import gc
import importlib
import os
import re
import sys
import traceback
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

try:
    from filelock import FileLock, Timeout  # noqa: E402

    from chulgo.model import ChulgoError  # noqa: E402
    from chulgo.runstate import clear_failure, record_failure  # noqa: E402
    from jobs.context import Context  # noqa: E402
except ModuleNotFoundError as missing:   # started as `python run.py` outside the project's environment
    sys.stderr.write(f"필요한 부품({missing.name})이 설치되어 있지 않습니다. 'uv run run.py {' '.join(sys.argv[1:])}'처럼 "
                     "uv run 으로 실행하세요 — uv가 필요한 것을 알아서 설치합니다.\n")
    sys.exit(1)

COMMANDS = {
    "demo": "예제 작업 폴더를 만들고 하루 전체를 돌려 봅니다",
    "daily": "할 일 전부: 수집 → 출고 → 운송장 → 송장 업로드 파일 → 현황",
    "collect": "inbox의 주문 파일을 장부에 넣습니다",
    "ship": "출고할 주문으로 피킹리스트와 택배 송장요청 파일을 만듭니다",
    "tracking": "inbox의 택배사 결과 파일에서 운송장번호를 붙입니다",
    "invoice": "채널별 송장 업로드 파일을 만듭니다",
    "status": "기다리는 것, 늦은 것, 매핑 없는 것을 보여주고 현황.xlsx를 씁니다",
    "uploaded": "송장 업로드 파일을 판매자센터에 올렸다고 표시합니다 (이름 없이 실행하면 올릴 파일 목록)",
    "cancelled": "출력 후 취소(포장에서 뺐거나 회수함)나 채널 목록에서 사라진 주문을 취소로 정리합니다",
    "schedule": "Windows 작업 스케줄러의 매일 자동 실행: install(등록) | show(보기) | remove(삭제) | xml(작업 XML)",
    "excel": "엑셀 실행 버튼 파일(출고.xlsx + 출고.py)을 만듭니다 — xlwings 추가 기능의 'Run main'으로 실행 (선택 사항)",
    "purge": "보관 기간([privacy] keep_days)이 지난 받는분 개인정보를 장부·보관함·outbox에서 지웁니다",
    "returns": "돌아온 반품: 목록(이름 없이) | 입고 주문번호… (재고에 더함) | 불량 주문번호… (더하지 않음)",
    "sheets": "구글 시트를 매핑·현황 화면으로: init — 공유한 빈 시트에 도구의 시트(상품·매핑·세트·미매핑·현황)를 만듭니다",
    "login": "카페24 API를 처음 쓸 때 한 번: 앱을 승인하고 토큰을 이 PC의 자격 증명 저장소에 보관합니다",
}


DESCRIPTIONS = {
    "daily": "하루 일을 순서대로 모두 합니다:\n"
             "  1. collect  — inbox/의 주문 엑셀을 장부에 넣습니다\n"
             "  2. ship     — 출고할 주문으로 피킹리스트와 택배 송장요청 파일을 만듭니다 (outbox/날짜/)\n"
             "  3. tracking — inbox/의 택배사 결과 파일에서 운송장번호를 붙입니다\n"
             "  4. invoice  — 채널마다 그대로 올릴 송장 업로드 파일을 만듭니다\n"
             "  5. status   — 남은 일을 현황.xlsx에 씁니다\n"
             "  6. purge    — 보관 기간이 지난 받는분 개인정보를 지웁니다\n"
             "몇 번을 돌려도 같은 주문을 두 번 출고하거나 두 번 올리지 않습니다.",
}


class KoreanFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "사용법: " if prefix is None else prefix)


class KoreanParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", KoreanFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "명령"
        self._optionals.title = "옵션"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="이 도움말을 보여 줍니다")

    def error(self, message: str) -> None:  # usage errors: exit 2, Korean hint
        self.print_usage(sys.stderr)
        hint = ""
        typed = re.search(r"invalid choice: '([^']*)'", message)
        if typed:
            close = difflib.get_close_matches(typed[1], list(COMMANDS), n=1, cutoff=0.5)
            message = f"'{typed[1]}'은(는) 없는 명령입니다"
            hint = f" 혹시 {close[0]}?" if close else ""
        message = (message.replace("the following arguments are required", "꼭 필요한 값이 없습니다")
                   .replace("unrecognized arguments", "모르는 옵션").replace("expected one argument", "값이 하나 필요합니다"))
        print(f"사용법이 잘못되었습니다: {message}.{hint}\n명령 목록: uv run run.py --help", file=sys.stderr)
        sys.exit(2)


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--workspace", type=Path, default=argparse.SUPPRESS, help="작업 폴더 (기본: 이 폴더)")
    common.add_argument("--dry-run", action="store_true", default=argparse.SUPPRESS,
                        help="장부에 아무것도 쓰지 않고, 결과 파일은 outbox/_dryrun/ 에만 씁니다")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="오류 때 자세한 추적 정보")
    p = KoreanParser(prog="run.py", description="chulgo (출고) — 주문 수집부터 송장 업로드까지", parents=[common])
    sub = p.add_subparsers(dest="command", metavar="명령", parser_class=KoreanParser)
    for name, help_text in COMMANDS.items():
        c = sub.add_parser(name, help=help_text, description=DESCRIPTIONS.get(name, help_text), parents=[common])
        if name == "demo":
            c.add_argument("--dir", type=Path, default=Path("chulgo-demo"), help="예제 작업 폴더 (기본: ./chulgo-demo)")
            c.add_argument("--api", action="store_true",
                           help="스마트스토어·쿠팡·카페24 주문을 파일 대신 내장 가짜 API(127.0.0.1)로 받고 송장도 API로 보냅니다")
        if name == "returns":
            c.add_argument("action", nargs="?", choices=["입고", "불량", "good", "defect"], metavar="입고|불량",
                           help="입고: 멀쩡해서 다시 팔 수 있음(재고 +) · 불량: 재고에 넣지 않음")
            c.add_argument("keys", nargs="*", metavar="주문번호", help="주문 줄 번호, 주문번호 또는 우리 송장번호")
        if name == "sheets":
            c.add_argument("action", choices=["init"], metavar="동작", help="init (도구의 시트 만들기)")
        if name == "login":
            c.add_argument("channel", choices=["cafe24"], metavar="채널", help="cafe24")
            c.add_argument("--mall", help="카페24 쇼핑몰 아이디 (여럿일 때)")
            c.add_argument("--code", help="승인 뒤 받은 code (또는 열린 주소 전체) — 없으면 물어봅니다")
        if name == "schedule":
            c.add_argument("action", choices=["install", "show", "remove", "xml"], metavar="동작",
                           help="install(등록) | show(등록된 작업 보기) | remove(삭제) | xml(작업 XML 보기, Windows 아니어도 됨)")
        if name == "daily":
            c.add_argument("--slot", metavar="HH:MM",
                           help="작업 스케줄러의 예약 실행 시각 — 예약 요일이 아니거나 공휴일이면 아무것도 하지 않고 끝냅니다")
        if name == "cancelled":
            c.add_argument("keys", nargs="+", metavar="주문번호", help="주문 줄 번호, 주문번호 또는 우리 송장번호 (여러 개 가능)")
        if name == "uploaded":
            c.add_argument("what", nargs="*", metavar="파일이름|채널", help="올린 파일 이름(일부도 됨) 또는 채널 (예: 쿠팡)")
        if name == "ship":
            c.add_argument("--courier", help="이번 출고만 다른 택배사로 (cj, lotte, hanjin, epost, logen)")
            c.add_argument("--now", action="store_true", help="마감 시각([shipping] cutoff) 뒤에 들어온 주문도 지금 출고")
            c.add_argument("--reprint", metavar="날짜_N차",
                           help="이 출고 묶음(파일 이름의 날짜_차수, 예: 20261124_1차; 오늘 것은 1)을 무효로 하고 새 번호로 다시 발행")
    return p


# A command's extra arguments for its job (the others take the context alone).
JOB_ARGS = {"ship": lambda a: (a.courier, a.reprint), "returns": lambda a: (a.action, a.keys),
            "uploaded": lambda a: (" ".join(a.what),), "cancelled": lambda a: (a.keys,)}


def run_job(ctx: Context, args: argparse.Namespace) -> None:
    """The command's job, ``jobs/<command>.py``'s function of that name; only its own module is imported (each step
    is a process of its own: every module it does not need is start-up time on every run)."""
    job = getattr(importlib.import_module(f"jobs.{args.command}"), args.command)
    job(ctx, *JOB_ARGS.get(args.command, lambda a: ())(args))


STEP_KEPT = "멈춘 단계가 장부에 쓰던 것은 모두 취소했고, 앞서 끝난 단계는 그대로 둡니다 — 다시 실행하면 이어서 합니다."


def _print_partial(ctx: Context | None) -> None:
    """What the steps before a failure did (a daily run may have shipped before invoice failed)."""
    if ctx is not None:
        text = ctx.report.text(ctx.workspace)
        if text:
            print(text)


def _clock() -> tuple[date, datetime | None]:
    """The business day and moment: now, or CHULGO_TODAY=YYYY-MM-DD (to redo a missed day's run) or
    CHULGO_NOW=YYYY-MM-DDTHH:MM (a simulated clock for tests)."""
    moment = os.environ.get("CHULGO_NOW", "")
    if moment:
        try:
            at = datetime.fromisoformat(moment)
        except ValueError:
            raise ChulgoError(f"환경변수 CHULGO_NOW={moment!r} 는 시각(YYYY-MM-DDTHH:MM)이 아닙니다. 지우거나 고치세요.") from None
        return at.date(), at
    value = os.environ.get("CHULGO_TODAY", "")
    if not value:
        return date.today(), None
    try:
        return date.fromisoformat(value), None
    except ValueError:
        raise ChulgoError(f"환경변수 CHULGO_TODAY={value!r} 는 날짜(YYYY-MM-DD)가 아닙니다. 지우거나 고치세요.") from None


def _failed(ctx: Context | None, args: argparse.Namespace, reason: str) -> None:
    """A run that stopped: remember why, and mark 현황 so the seller does not trust a stale dashboard."""
    if ctx is None or ctx.dry_run or args.command in ("demo", "schedule", "excel", "uploaded", "cancelled", "login",
                                                          "sheets"):
        return                                # these touch no orders: a typo there is not a failed day
    try:
        record_failure(ctx.settings.data, f"{args.command}: {reason}", ctx.now())
        from jobs.status import status
        with FileLock(str(ctx.settings.data / "run.lock"), timeout=0):
            status(Context(ctx.workspace, today=ctx.today, at=ctx.at))
    except Exception:  # noqa: BLE001 — the failure is already reported; the dashboard is a best effort
        pass


# A step builds a few million objects that live until it ends (lines, rows, parcels, cells) and frees nearly all
# of them by reference counting. With the default thresholds the collector scans the whole heap each time it has
# grown by a quarter: 14-16 full collections in a 100,000-line step, 2-6 s of it. Young collections still run as
# before (cycles die young); a full one waits for a thousand of them instead of ten.
FULL_COLLECTION_AFTER = 1000


def main(argv: list[str] | None = None) -> int:
    started = datetime.now()
    state: dict = {}
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], max(thresholds[2], FULL_COLLECTION_AFTER))
    try:
        code = _main(argv, state)
        _after_run(state.get("ctx"), state.get("command", ""), code, state.get("error", ""), started)
    finally:
        gc.set_threshold(*thresholds)      # a host process (the Excel button's) keeps its own settings
    return code


def _after_run(ctx: Context | None, command: str, code: int, error: str, started: datetime) -> None:
    """Every real run leaves a line in data/logs/ (no phone numbers, no passwords); a scheduled `daily` that needs
    the seller shows a Windows notification."""
    if ctx is None or ctx.dry_run or command in ("", "demo"):
        return
    from chulgo.notify import notify, run_message
    from chulgo.runlog import write_run_log
    try:
        secrets = [ctx.settings.password(c) for c in ctx.channels]
        if ctx.settings.apis:     # API secrets: only a workspace with API accounts loads httpx and keyring for them
            from chulgo.api.accounts import known_secrets
            secrets += known_secrets(ctx.settings)
    except Exception:  # noqa: BLE001 — the settings may be what failed
        secrets = []
    write_run_log(ctx.workspace / "data" / "logs", ctx.today, command, code, ctx.report.text(ctx.workspace), started,
                  datetime.now(), error=error, secrets=secrets)
    if command == "daily":
        message = run_message(error=error, problems=len(ctx.report.problems), new_files=len(ctx.report.outputs),
                              waiting=len(ctx.report.waiting))
        if message:
            notify(*message)


def _main(argv: list[str] | None, state: dict) -> int:
    for stream in (sys.stdout, sys.stderr):   # a Windows console in cp949 must not crash on '✔'
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = parser().parse_args(argv)
    debug = getattr(args, "debug", False)
    if args.command is None:
        parser().print_help()
        return 2
    ctx = None
    try:
        if args.command == "demo":
            from jobs.demo import demo
            return demo(args.dir.resolve(), api=args.api)
        workspace = getattr(args, "workspace", ROOT).resolve()
        today, at = _clock()
        ctx = Context(workspace, dry_run=getattr(args, "dry_run", False), today=today, at=at,
                      ship_now=getattr(args, "now", False))
        state.update(ctx=ctx, command=args.command)
        ctx.settings  # validate settings before anything else
        if args.command == "excel":           # the optional Excel button: two files, no ledger
            from chulgo.excel_button import write_control_workbook
            book, module = write_control_workbook(workspace, ROOT)
            print(f"만든 파일: {book.name}, {module.name} ({workspace})\n엑셀에서 쓰려면 한 번만: uv sync --extra excel 후 "
                  f"uv run xlwings addin install. 그다음 {book.name}을 열고 xlwings 탭의 'Run main'을 누르세요.")
            return 0
        if args.command == "sheets":          # the shared sheet only: no ledger, no lock
            from jobs.sheets import sheets
            sheets(ctx, args.action)
            print(ctx.report.text(workspace))
            return 0
        if args.command == "login":           # the credential store only: no ledger, no lock
            from jobs.login import login
            login(ctx, args.channel, args.mall, args.code)
            print(ctx.report.text(workspace))
            return 0
        if args.command == "schedule":        # Task Scheduler only: no ledger, no lock
            from jobs.schedule import schedule
            schedule(ctx, args.action)
            print(ctx.report.text(workspace))
            return 1 if ctx.report.failed else 0
        if args.command == "daily" and getattr(args, "slot", None):
            from chulgo.schedule import day_off_message
            skip = day_off_message(ctx.settings, ctx.today, args.slot)
            if skip:                           # a scheduled run on a day off: nothing to do, exit 0
                print(skip)
                return 0
        check = args.command != "purge"       # deleting old personal data must not wait for a template fix
        if ctx.dry_run:
            if check:
                ctx.check_templates()
            # An in-memory copy of the ledger, no lock, nothing written but outbox/_dryrun/.
            with ctx.ledger.transaction(commit=False):   # every step sees the ones before; none is kept
                run_job(ctx, args)
        else:
            lock_path = ctx.settings.data / "run.lock"
            lock_path.parent.mkdir(parents=True, exist_ok=True)
            try:
                with FileLock(str(lock_path), timeout=0):
                    ctx.recover()                          # a killed run's outputs: finished or discarded
                    if check:                              # after recover: committed files reach outbox regardless
                        ctx.check_templates()
                    if args.command in ("daily", "collect", "tracking"):
                        ctx.pick_up_downloads()
                    clear_failure(ctx.settings.data)       # this run's 현황 speaks for itself; a failure records again
                    run_job(ctx, args)
            except Timeout:
                print("이미 다른 chulgo 작업이 실행 중입니다 — 이번 실행은 건너뜁니다.")
                return 0
        print(ctx.report.text(workspace))
        if ctx.dry_run:
            print("(미리보기: 장부는 바뀌지 않았고 파일은 outbox/_dryrun/ 에만 썼습니다)")
        return 1 if ctx.report.failed else 0
    except ChulgoError as e:
        if debug:
            traceback.print_exc()
        _print_partial(ctx)
        print(f"오류: {e}", file=sys.stderr)
        _failed(ctx, args, str(e))
        state["error"] = f"오류: {e}"
        return 1
    except PermissionError as e:
        _print_partial(ctx)
        what = f"{e.filename} 에 쓸 수 없습니다. 엑셀에서 열려 있으면 닫고 다시 실행하세요." if e.filename else str(e)
        print(f"오류: {what} {STEP_KEPT}", file=sys.stderr)
        _failed(ctx, args, what)
        state["error"] = what
        return 1
    except KeyboardInterrupt:
        _print_partial(ctx)
        print(f"중단했습니다. {STEP_KEPT}", file=sys.stderr)
        _failed(ctx, args, "중단됨")
        state["error"] = "중단했습니다"
        return 1
    except Exception as e:  # noqa: BLE001 — no traceback reaches a seller without --debug
        _print_partial(ctx)
        if debug:
            traceback.print_exc()
        else:
            print(f"예상하지 못한 오류로 멈췄습니다 ({type(e).__name__}: {e}). {STEP_KEPT} "
                  "'--debug'를 붙여 다시 실행한 출력과 함께 알려 주세요.", file=sys.stderr)
        _failed(ctx, args, f"예상하지 못한 오류 ({type(e).__name__}: {e})")
        state["error"] = f"예상하지 못한 오류 ({type(e).__name__}: {e})"
        return 1


if __name__ == "__main__":
    sys.exit(main())
