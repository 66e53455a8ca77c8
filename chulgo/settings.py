"""settings.toml -> typed settings, with Korean messages that name the key and say what to do."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from chulgo.model import ChulgoError

CHANNEL_IDS = ("smartstore", "coupang", "cafe24", "11st", "esm", "kakao-gift", "ohouse", "toss", "lotteon")
COURIER_IDS = ("cj", "lotte", "hanjin", "epost", "logen")
MERGE_SCOPES = ("off", "channel", "all")

DEFAULT_SETTINGS = """\
# chulgo 설정 — 값을 고친 뒤 저장하면 다음 실행부터 적용됩니다.

[seller]                 # 송장의 보내는분
name = "하루상점"
phone = "02-1234-5678"
zip = "06236"
address = "서울특별시 강남구 테헤란로 123"

[courier]
id = "cj"                # cj | lotte | hanjin | epost | logen

[channels.smartstore]
password = "1234"        # 스마트스토어 엑셀 다운로드 비밀번호 (환경변수 CHULGO_SMARTSTORE_PASSWORD 도 됩니다)

[shipping]
merge = "all"            # off | channel | all  (합포장: 안 함 / 같은 채널끼리 / 채널 상관없이)
partial_bundles = false  # true: 채널 묶음배송 중 준비된 줄만 먼저 보냄 (분리배송). false: 묶음 전체가 준비될 때까지 기다림

[privacy]
keep_days = 90           # 끝난 주문의 받는분 이름·연락처·주소를 장부·보관함에서 지우기까지의 날수
"""


@dataclass(frozen=True)
class Seller:
    name: str
    phone: str
    zip: str
    address: str


@dataclass(frozen=True)
class Settings:
    workspace: Path
    seller: Seller
    courier: str
    merge: str
    channel_options: dict[str, dict] = field(default_factory=dict)
    courier_layout: str = ""
    mapping_path: Path = Path()
    ledger_path: Path = Path()
    partial_bundles: bool = False    # ship the ready lines of a channel bundle while others wait (분리배송)
    parcel_code: str = ""            # the workspace's code in parcel ids ('' = the ledger's own random code)
    keep_days: int = 90              # personal data of finished lines is purged after this many days
    ship_days: int = 2               # business days to ship when a channel's export gives no deadline

    @property
    def inbox(self) -> Path:
        return self.workspace / "inbox"

    @property
    def outbox(self) -> Path:
        return self.workspace / "outbox"

    @property
    def archive(self) -> Path:
        return self.workspace / "archive"

    @property
    def data(self) -> Path:
        return self.workspace / "data"

    def courier_for(self, channel: str) -> str:
        """The courier a channel's parcels go with: [channels.<id>] courier, else [courier] id."""
        return str(self.channel_options.get(channel, {}).get("courier", "") or self.courier)

    def gift_days(self, channel: str, default: int) -> int:
        """Days a gift may wait for its address before the channel cancels it ([channels.<id>] gift_days)."""
        return int(self.channel_options.get(channel, {}).get("gift_days", default))

    def password(self, channel: str) -> str:
        """The channel's download password: env CHULGO_<CHANNEL>_PASSWORD wins over settings.toml."""
        env = os.environ.get(password_env_var(channel))
        if env:
            return env
        return str(self.channel_options.get(channel, {}).get("password", "") or "")

    def password_source(self, channel: str) -> str:
        """Where ``password(channel)`` comes from: 'env', 'settings', or '' when there is none."""
        if os.environ.get(password_env_var(channel)):
            return "env"
        return "settings" if self.channel_options.get(channel, {}).get("password") else ""


def password_env_var(channel: str) -> str:
    """The environment variable that overrides a channel's settings.toml password."""
    return f"CHULGO_{channel.upper().replace('-', '_')}_PASSWORD"


def _bad(key: str, msg: str) -> ChulgoError:
    return ChulgoError(f"settings.toml {key}: {msg}")


def _text(table: dict, section: str, key: str, *, required: bool = True, default: str = "") -> str:
    value = table.get(key, None)
    if value is None or value == "":
        if required:
            raise _bad(f"[{section}] {key}", "값이 비어 있습니다. 채워 넣고 다시 실행하세요.")
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise _bad(f"[{section}] {key}", f'숫자 {value}가 아니라 따옴표로 감싼 글자여야 합니다 (예: {key} = "{value}").')
    if not isinstance(value, str):
        raise _bad(f"[{section}] {key}", "글자(따옴표로 감싼 값)여야 합니다.")
    return value.strip()


def _choice(value: str, section: str, key: str, choices: tuple[str, ...], what: str) -> str:
    if value not in choices:
        raise _bad(f"[{section}] {key}", f'"{value}"는 없는 {what}입니다. {", ".join(choices)} 중 하나를 쓰세요.')
    return value


def _own_template_ids(workspace: Path) -> tuple[set[str], set[str]]:
    """Ids of the channel and courier templates the seller added to the workspace's templates/ folder."""
    found: list[set[str]] = []
    for kind in ("channels", "couriers"):
        ids = set()
        for path in sorted((workspace / "templates" / kind).glob("*.toml")):
            try:
                ids.add(str(tomllib.loads(path.read_text(encoding="utf-8-sig")).get("id", path.stem)))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
                raise ChulgoError(f"템플릿 {path} 형식이 잘못되었습니다: {e}") from None
        found.append(ids)
    return found[0], found[1]


def load_settings(workspace: Path) -> Settings:
    """Read and validate ``workspace/settings.toml``. Raises ChulgoError with a Korean message."""
    path = workspace / "settings.toml"
    if not path.exists():
        raise ChulgoError(f"{path} 가 없습니다. 작업 폴더가 맞는지 확인하거나 'uv run run.py demo'로 예제를 만들어 보세요.")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as e:
        raise ChulgoError(f"settings.toml 형식이 잘못되었습니다: {e}. 따옴표와 [구역] 이름을 확인하세요.") from None
    except UnicodeDecodeError:
        raise ChulgoError("settings.toml을 읽을 수 없습니다. UTF-8로 저장하세요 (메모장: 다른 이름으로 저장 → 인코딩 UTF-8).") from None

    known = {"seller", "courier", "channels", "shipping", "mapping", "ledger", "privacy"}
    for section, value in doc.items():
        if section not in known:
            raise _bad(f"[{section}]", f"모르는 구역입니다. 쓸 수 있는 구역: {', '.join(sorted(known))}.")
        if not isinstance(value, dict):
            raise _bad(section, f"구역이어야 합니다. '{section} = ...' 대신 [{section}] 줄 아래에 항목을 적으세요.")

    seller_t = doc.get("seller", {})
    seller = Seller(
        name=_text(seller_t, "seller", "name"),
        phone=_text(seller_t, "seller", "phone"),
        zip=_text(seller_t, "seller", "zip"),
        address=_text(seller_t, "seller", "address"),
    )
    own_channels, own_couriers = _own_template_ids(workspace)
    couriers = COURIER_IDS + tuple(sorted(own_couriers - set(COURIER_IDS)))
    channel_ids = CHANNEL_IDS + tuple(sorted(own_channels - set(CHANNEL_IDS)))
    courier_t = doc.get("courier", {})
    courier = _choice(_text(courier_t, "courier", "id"), "courier", "id", couriers, "택배사")
    layout = _text(courier_t, "courier", "layout", required=False)
    merge = _choice(_text(doc.get("shipping", {}), "shipping", "merge", required=False, default="all"),
                    "shipping", "merge", MERGE_SCOPES, "합포장 방식")

    shipping = doc.get("shipping", {})
    for key in shipping:
        if key not in ("merge", "partial_bundles", "parcel_code", "ship_days"):
            raise _bad(f"[shipping] {key}", "모르는 항목입니다. merge, partial_bundles, parcel_code, ship_days 중 하나를 쓰세요.")
    ship_days = shipping.get("ship_days", 2)
    if not isinstance(ship_days, int) or isinstance(ship_days, bool) or not 0 <= ship_days <= 30:
        raise _bad("[shipping] ship_days", "0~30 사이의 정수(영업일)여야 합니다 (예: ship_days = 2).")
    partial = shipping.get("partial_bundles", False)
    if not isinstance(partial, bool):
        raise _bad("[shipping] partial_bundles", "true 또는 false 여야 합니다 (따옴표 없이).")
    parcel_code = _text(shipping, "shipping", "parcel_code", required=False).upper()
    if parcel_code and not re.fullmatch(r"[A-Z0-9]{2,4}", parcel_code):
        raise _bad("[shipping] parcel_code", f'"{parcel_code}" — 영문 대문자·숫자 2~4자여야 합니다 (예: parcel_code = "HR").')
    privacy = doc.get("privacy", {})
    for key in privacy:
        if key != "keep_days":
            raise _bad(f"[privacy] {key}", "모르는 항목입니다. keep_days 만 쓸 수 있습니다.")
    keep_days = privacy.get("keep_days", 90)
    if not isinstance(keep_days, int) or isinstance(keep_days, bool) or keep_days < 7:
        raise _bad("[privacy] keep_days", "7 이상의 정수(일)여야 합니다 (예: keep_days = 90).")

    channels = doc.get("channels", {})
    for cid, opts in channels.items():
        _choice(cid, "channels", cid, channel_ids, "채널")
        if not isinstance(opts, dict):
            raise _bad(f"[channels.{cid}]", "구역이어야 합니다 (예: [channels.smartstore] 다음 줄에 password = \"1234\").")
        section = f"channels.{cid}"
        for key in opts:
            if key not in ("password", "courier", "gift_days"):
                raise _bad(f"[{section}] {key}", "모르는 항목입니다. password, courier, gift_days 중 하나를 쓰세요.")
        if "password" in opts:
            _text(opts, section, "password", required=False)
        if "courier" in opts:
            _choice(_text(opts, section, "courier"), section, "courier", couriers, "택배사")
        if "gift_days" in opts and (not isinstance(opts["gift_days"], int) or isinstance(opts["gift_days"], bool)
                                    or opts["gift_days"] < 1):
            raise _bad(f"[{section}] gift_days", "1 이상의 정수여야 합니다 (예: gift_days = 7).")

    mapping_rel = _text(doc.get("mapping", {}), "mapping", "path", required=False, default="mappings/상품매핑.xlsx")
    ledger_rel = _text(doc.get("ledger", {}), "ledger", "path", required=False, default="data/chulgo.sqlite")
    return Settings(
        workspace=workspace,
        seller=seller,
        courier=courier,
        merge=merge,
        channel_options={k: dict(v) for k, v in channels.items()},
        courier_layout=layout,
        mapping_path=workspace / mapping_rel,
        ledger_path=workspace / ledger_rel,
        partial_bundles=partial,
        parcel_code=parcel_code,
        keep_days=keep_days,
        ship_days=ship_days,
    )
