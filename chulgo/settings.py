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
class SupplierSettings:
    """Suppliers who ship for us (위탁): trust is the share of their last ``window`` orders shipped by the deadline
    (at least ``share`` to be trusted); ``trusted`` overrides it per supplier; ``days``: business days a supplier
    has to answer with a tracking number when the channel gives no earlier deadline."""

    window: int = 20
    share: float = 0.9
    days: int = 1
    trusted: dict[str, bool] = field(default_factory=dict)
    own_days: dict[str, int] = field(default_factory=dict)

    def days_for(self, supplier: str) -> int:
        return self.own_days.get(supplier, self.days)


@dataclass(frozen=True)
class Seller:
    name: str
    phone: str
    zip: str
    address: str


@dataclass(frozen=True)
class Schedule:
    """[schedule]: when Windows Task Scheduler runs `daily`."""

    slots: tuple[str, ...] = ("09:00", "13:00")
    days: tuple[str, ...] = ("월", "화", "수", "목", "금")
    holidays: bool = True            # skip Korean public holidays (and [calendar] extra_holidays)
    time_limit_minutes: int = 60


WEEKDAY_NAMES = ("월", "화", "수", "목", "금", "토", "일")


@dataclass(frozen=True)
class NaverApiSetting:
    """[channels.smartstore] api = { client_id, client_secret_env }: the Naver Commerce API."""

    client_id: str
    secret_env: str = "CHULGO_NAVER_SECRET"
    base_url: str = ""


@dataclass(frozen=True)
class CoupangApiSetting:
    """[channels.coupang] api = { vendor_id, access_key, secret_env }: the Coupang Open API."""

    vendor_id: str
    access_key: str
    secret_env: str = "CHULGO_COUPANG_SECRET"
    base_url: str = ""


@dataclass(frozen=True)
class Cafe24Shop:
    """One entry of [channels.cafe24] shops: a mall (mall_id) and one of its shops (shop_no)."""

    mall_id: str
    client_id: str
    shop_no: int = 1
    secret_env: str = "CHULGO_CAFE24_SECRET"
    redirect_uri: str = ""
    base_url: str = ""


@dataclass(frozen=True)
class SheetsSetting:
    """[sheets]: a shared Google Sheet holds the mapping (and gets the dashboard), through a service account."""

    spreadsheet: str                 # the sheet's URL or id
    credentials: Path                # the service account's JSON key


@dataclass(frozen=True)
class Apis:
    """The channel APIs the seller turned on, and how far back a sync reads."""

    naver: NaverApiSetting | None = None
    coupang: CoupangApiSetting | None = None
    cafe24: tuple[Cafe24Shop, ...] = ()
    days: int = 3                    # 일일수집범위: how far back the first sync (and a long pause) reads
    overlap_minutes: int = 60        # 재수집: each sync reads this much of the previous one again

    def __bool__(self) -> bool:
        return bool(self.naver or self.coupang or self.cafe24)


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
    schedule: Schedule = field(default_factory=lambda: Schedule())
    min_age_minutes: int = 10        # orders paid more recently wait for the next run (buyers cancel early)
    cutoff: str = ""                 # "15:00": orders collected after it ship the next business day ('' = none)
    extra_holidays: tuple[str, ...] = ()     # YYYY-MM-DD days off besides the public holidays
    courier_off_days: tuple[str, ...] = ()   # 택배 없는 날: no pick-up
    watch: tuple[Path, ...] = ()     # folders (Downloads) whose recognised files are moved into inbox/
    apis: Apis = field(default_factory=lambda: Apis())
    sheets: SheetsSetting | None = None     # the mapping and dashboard in a shared Google Sheet
    suppliers: SupplierSettings = field(default_factory=lambda: SupplierSettings())

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
            if path.name.startswith("_"):        # a piece other templates include (chulgo.template), not a template
                continue
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

    known = {"seller", "courier", "channels", "shipping", "mapping", "ledger", "privacy", "schedule", "collect",
             "calendar", "inbox", "suppliers", "sheets"}
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
    _only(shipping, "shipping", ("merge", "partial_bundles", "parcel_code", "ship_days", "cutoff"))
    cutoff = _time(shipping, "shipping", "cutoff") if "cutoff" in shipping else ""
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
    _only(privacy, "privacy", ("keep_days",))
    keep_days = privacy.get("keep_days", 90)
    if not isinstance(keep_days, int) or isinstance(keep_days, bool) or keep_days < 7:
        raise _bad("[privacy] keep_days", "7 이상의 정수(일)여야 합니다 (예: keep_days = 90).")

    schedule = _schedule(doc.get("schedule", {}))
    collect = doc.get("collect", {})
    _only(collect, "collect", ("min_age_minutes", "api_days", "api_overlap_minutes"))
    min_age = _int(collect, "collect", "min_age_minutes", 10, 0, 240, "분")
    api_days = _int(collect, "collect", "api_days", 3, 1, 30, "일")
    overlap = _int(collect, "collect", "api_overlap_minutes", 60, 0, 24 * 60, "분")
    calendar = doc.get("calendar", {})
    _only(calendar, "calendar", ("extra_holidays", "courier_off_days"))
    extra = _days(calendar, "extra_holidays")
    off = _days(calendar, "courier_off_days")
    inbox_t = doc.get("inbox", {})
    _only(inbox_t, "inbox", ("watch",))
    watch = inbox_t.get("watch", None)
    if watch is None:
        downloads = Path.home() / "Downloads"
        watch_dirs = (downloads,) if os.name == "nt" and downloads.is_dir() else ()
    elif isinstance(watch, list) and all(isinstance(w, str) for w in watch):
        watch_dirs = tuple(Path(os.path.expandvars(os.path.expanduser(w))) for w in watch if w.strip())
    else:
        raise _bad("[inbox] watch", '폴더 목록이어야 합니다 (예: watch = ["C:/Users/나/Downloads"], 끄려면 watch = []).')

    channels = doc.get("channels", {})
    for cid, opts in channels.items():
        _choice(cid, "channels", cid, channel_ids, "채널")
        if not isinstance(opts, dict):
            raise _bad(f"[channels.{cid}]", "구역이어야 합니다 (예: [channels.smartstore] 다음 줄에 password = \"1234\").")
        section = f"channels.{cid}"
        _only(opts, section, ("password", "courier", "gift_days") + API_KEYS.get(cid, ()))
        if "password" in opts:
            _text(opts, section, "password", required=False)
        if "courier" in opts:
            _choice(_text(opts, section, "courier"), section, "courier", couriers, "택배사")
        if "gift_days" in opts and (not isinstance(opts["gift_days"], int) or isinstance(opts["gift_days"], bool)
                                    or opts["gift_days"] < 1):
            raise _bad(f"[{section}] gift_days", "1 이상의 정수여야 합니다 (예: gift_days = 7).")

    apis = Apis(_naver_api(channels.get("smartstore", {})), _coupang_api(channels.get("coupang", {})),
                _cafe24_shops(channels.get("cafe24", {})), api_days, overlap)
    suppliers = _suppliers(doc.get("suppliers", {}))
    sheets = None
    if "sheets" in doc:
        t = doc["sheets"]
        _only(t, "sheets", ("spreadsheet", "credentials"))
        sheets = SheetsSetting(_text(t, "sheets", "spreadsheet"),
                               workspace / _text(t, "sheets", "credentials", required=False, default="service-account.json"))
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
        schedule=schedule,
        min_age_minutes=min_age,
        cutoff=cutoff,
        extra_holidays=extra,
        courier_off_days=off,
        watch=watch_dirs,
        apis=apis,
        suppliers=suppliers,
        sheets=sheets,
    )


API_KEYS = {"smartstore": ("api",), "coupang": ("api",), "cafe24": ("shops",)}


def _int(table: dict, section: str, key: str, default: int, low: int, high: int, unit: str) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _bad(f"[{section}] {key}", f"{low}~{high} 사이의 정수({unit})여야 합니다 (예: {key} = {default}).")
    return value


def _api_table(value: object, key: str, keys: tuple[str, ...], required: tuple[str, ...], example: str) -> dict:
    if not isinstance(value, dict):
        raise _bad(key, f"표여야 합니다 (예: {example}).")
    _only(value, key.strip("[]"), keys)
    for k in required:
        _text(value, key.strip("[]"), k)
    for k, v in value.items():
        if k != "shop_no" and not isinstance(v, str):
            raise _bad(f"{key} {k}", f'따옴표로 감싼 글자여야 합니다 (예: {example}).')
        if k.endswith("_env") and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(v)):
            raise _bad(f"{key} {k}", f'"{v}"은(는) 환경변수 이름이 아닙니다. 비밀 값은 settings.toml에 적지 말고 환경변수나 '
                       "자격 증명 저장소에 두세요.")
    return value


def _naver_api(opts: dict) -> NaverApiSetting | None:
    if "api" not in opts:
        return None
    t = _api_table(opts["api"], "[channels.smartstore] api", ("client_id", "client_secret_env", "base_url"),
                   ("client_id",), 'api = { client_id = "…", client_secret_env = "CHULGO_NAVER_SECRET" }')
    return NaverApiSetting(t["client_id"].strip(), t.get("client_secret_env", NaverApiSetting.secret_env),
                           t.get("base_url", ""))


def _coupang_api(opts: dict) -> CoupangApiSetting | None:
    if "api" not in opts:
        return None
    t = _api_table(opts["api"], "[channels.coupang] api", ("vendor_id", "access_key", "secret_env", "base_url"),
                   ("vendor_id", "access_key"), 'api = { vendor_id = "A00012345", access_key = "…", secret_env = '
                   '"CHULGO_COUPANG_SECRET" }')
    return CoupangApiSetting(t["vendor_id"].strip(), t["access_key"].strip(),
                             t.get("secret_env", CoupangApiSetting.secret_env), t.get("base_url", ""))


def _cafe24_shops(opts: dict) -> tuple[Cafe24Shop, ...]:
    shops = opts.get("shops", [])
    example = 'shops = [{ mall_id = "mymall", shop_no = 1, client_id = "…", secret_env = "CHULGO_CAFE24_SECRET" }]'
    if not isinstance(shops, list):
        raise _bad("[channels.cafe24] shops", f"목록이어야 합니다 (예: {example}).")
    out = []
    for n, shop in enumerate(shops, start=1):
        key = f"[channels.cafe24] shops {n}번째"
        t = _api_table(shop, key, ("mall_id", "shop_no", "client_id", "secret_env", "redirect_uri", "base_url"),
                       ("mall_id", "client_id"), example)
        shop_no = t.get("shop_no", 1)
        if not isinstance(shop_no, int) or isinstance(shop_no, bool) or shop_no < 1:
            raise _bad(f"{key} shop_no", "1 이상의 정수여야 합니다 (기본 쇼핑몰은 1).")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", t["mall_id"].strip()):
            raise _bad(f"{key} mall_id", f'"{t["mall_id"]}" — 카페24 쇼핑몰 아이디(영문 소문자·숫자)여야 합니다.')
        entry = Cafe24Shop(t["mall_id"].strip(), t["client_id"].strip(), shop_no,
                           t.get("secret_env", Cafe24Shop.secret_env), t.get("redirect_uri", ""), t.get("base_url", ""))
        if any((s.mall_id, s.shop_no) == (entry.mall_id, entry.shop_no) for s in out):
            raise _bad(key, f"{entry.mall_id} {entry.shop_no}번 쇼핑몰이 두 번 있습니다.")
        out.append(entry)
    return tuple(out)


def _suppliers(table: dict) -> SupplierSettings:
    """[suppliers]: how trust is scored (window, share, days), then one [suppliers."공급사"] table per supplier the
    seller sets by hand: trusted = true/false overrides the score, days = its own promised business days."""
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
    _only(scalars, "suppliers", ("window", "share", "days"))
    window = _int(scalars, "suppliers", "window", SupplierSettings.window, 1, 1000, "최근 발주 수")
    days = _int(scalars, "suppliers", "days", SupplierSettings.days, 0, 30, "영업일")
    share = scalars.get("share", SupplierSettings.share)
    if not isinstance(share, (int, float)) or isinstance(share, bool) or not 0 < share <= 1:
        raise _bad("[suppliers] share", "0보다 크고 1 이하인 수여야 합니다 (예: share = 0.9 → 90%).")
    trusted: dict[str, bool] = {}
    own_days: dict[str, int] = {}
    for name, opts in table.items():
        if not isinstance(opts, dict):
            continue
        section = f'suppliers."{name}"'
        _only(opts, section, ("trusted", "days"))
        if "trusted" in opts:
            if not isinstance(opts["trusted"], bool):
                raise _bad(f"[{section}] trusted", "true 또는 false 여야 합니다 (따옴표 없이).")
            trusted[name.strip()] = opts["trusted"]
        if "days" in opts:
            own_days[name.strip()] = _int(opts, section, "days", days, 0, 30, "영업일")
    return SupplierSettings(window, float(share), days, trusted, own_days)


def _only(table: dict, section: str, keys: tuple[str, ...]) -> None:
    """A key the section does not have is a typo: name it and the keys it can have."""
    for key in table:
        if key not in keys:
            allowed = f"{keys[0]} 만 쓸 수 있습니다" if len(keys) == 1 else f"{', '.join(keys)} 중 하나를 쓰세요"
            raise _bad(f"[{section}] {key}", f"모르는 항목입니다. {allowed}.")


def _time(table: dict, section: str, key: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value.strip()):
        raise _bad(f"[{section}] {key}", f'"HH:MM" 형식의 시각이어야 합니다 (예: {key} = "15:00").')
    return value.strip()


def _days(table: dict, key: str) -> tuple[str, ...]:
    values = table.get(key, [])
    if not isinstance(values, list):
        raise _bad(f"[calendar] {key}", '날짜 목록이어야 합니다 (예: {key} = ["2026-08-14"]).')
    out = []
    for v in values:
        text = v.isoformat() if hasattr(v, "isoformat") else str(v)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise _bad(f"[calendar] {key}", f'"{text}"은(는) 날짜(YYYY-MM-DD)가 아닙니다.')
        out.append(text)
    return tuple(out)


def _schedule(table: dict) -> Schedule:
    _only(table, "schedule", ("slots", "days", "holidays", "time_limit_minutes"))
    default = Schedule()
    slots = table.get("slots", list(default.slots))
    if not isinstance(slots, list) or not slots:
        raise _bad("[schedule] slots", '시각 목록이어야 합니다 (예: slots = ["09:00", "13:00"]).')
    slots = tuple(_time({"slots": s}, "schedule", "slots") for s in slots)
    days = table.get("days", "평일")
    if days == "평일":
        days = list(WEEKDAY_NAMES[:5])
    elif days == "매일":
        days = list(WEEKDAY_NAMES)
    if not isinstance(days, list) or not days or any(d not in WEEKDAY_NAMES for d in days):
        raise _bad("[schedule] days", '"평일", "매일" 또는 요일 목록이어야 합니다 (예: days = ["월", "수", "금"]).')
    holidays_off = table.get("holidays", True)
    if not isinstance(holidays_off, bool):
        raise _bad("[schedule] holidays", "true 또는 false 여야 합니다 (true: 공휴일에는 돌리지 않음).")
    limit = table.get("time_limit_minutes", default.time_limit_minutes)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 5 <= limit <= 720:
        raise _bad("[schedule] time_limit_minutes", "5~720 사이의 정수(분)여야 합니다.")
    return Schedule(slots, tuple(days), holidays_off, limit)
