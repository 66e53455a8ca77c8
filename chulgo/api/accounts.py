"""The channel API accounts settings.toml turns on, each with its secret (environment or credential store)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from chulgo import secrets
from chulgo.api import ChannelApi, coupang, naver
from chulgo.api.cafe24 import Cafe24Api, Cafe24Auth, base_url as cafe24_base_url, refresh_token_name
from chulgo.api.http import Http
from chulgo.model import ChulgoError
from chulgo.settings import Cafe24Shop, Settings

Transport = Callable[[str], "httpx.BaseTransport | None"]      # base URL -> transport (tests: the fake servers)


def naver_secret_name(client_id: str) -> str:
    return f"smartstore:{client_id}"


def coupang_secret_name(access_key: str) -> str:
    return f"coupang:{access_key}"


def cafe24_secret_name(mall_id: str) -> str:
    return f"cafe24:{mall_id}:client_secret"


def connect(settings: Settings, transport: Transport | None = None) -> tuple[list[ChannelApi], list[str]]:
    """Every configured account ready to call, and a Korean note for each that cannot be used (no secret)."""
    accounts: list[ChannelApi] = []
    notes: list[str] = []

    def http(name: str, url: str) -> Http:
        return Http(name, url, transport(url) if transport else None)

    apis = settings.apis
    if apis.naver:
        s = apis.naver
        secret = secrets.secret(s.secret_env, naver_secret_name(s.client_id))
        if secret:
            accounts.append(naver.NaverApi(s.client_id, secret, http("스마트스토어", s.base_url or naver.BASE_URL)))
        else:
            notes.append(str(secrets.missing_secret("스마트스토어 API 애플리케이션 시크릿", s.secret_env,
                                                    naver_secret_name(s.client_id))))
    if apis.coupang:
        s = apis.coupang
        secret = secrets.secret(s.secret_env, coupang_secret_name(s.access_key))
        if secret:
            accounts.append(coupang.CoupangApi(s.vendor_id, s.access_key, secret,
                                               http("쿠팡", s.base_url or coupang.BASE_URL)))
        else:
            notes.append(str(secrets.missing_secret("쿠팡 Open API secret key", s.secret_env,
                                                    coupang_secret_name(s.access_key))))
    auths: dict[str, Cafe24Auth] = {}
    first_mall = apis.cafe24[0].mall_id if apis.cafe24 else ""
    for shop in apis.cafe24:
        try:
            auth = auths.get(shop.mall_id) or cafe24_auth(shop, transport)
        except ChulgoError as e:
            notes.append(str(e))
            continue
        auths[shop.mall_id] = auth
        name = f"카페24 {shop.mall_id}" + (f" {shop.shop_no}번 쇼핑몰" if shop.shop_no != 1 else "")
        accounts.append(Cafe24Api(auth, shop.shop_no, http(name, shop.base_url or cafe24_base_url(shop.mall_id)),
                                  "" if shop.mall_id == first_mall else f"{shop.mall_id}/"))
    return accounts, notes


def cafe24_auth(shop: Cafe24Shop, transport: Transport | None = None) -> Cafe24Auth:
    """The OAuth side of one mall (shared by its shops)."""
    secret = secrets.secret(shop.secret_env, cafe24_secret_name(shop.mall_id))
    if not secret:
        raise secrets.missing_secret(f"카페24 {shop.mall_id} 앱의 client secret", shop.secret_env,
                                     cafe24_secret_name(shop.mall_id))
    url = shop.base_url or cafe24_base_url(shop.mall_id)
    return Cafe24Auth(shop.mall_id, shop.client_id, secret, Http(f"카페24 {shop.mall_id}", url,
                                                                 transport(url) if transport else None),
                      shop.redirect_uri)


def known_secrets(settings: Settings) -> list[str]:
    """Every API secret this workspace uses, so a log line that happens to carry one can blank it out."""
    apis = settings.apis
    found = []
    if apis.naver:
        found.append(secrets.secret(apis.naver.secret_env, naver_secret_name(apis.naver.client_id)))
    if apis.coupang:
        found.append(secrets.secret(apis.coupang.secret_env, coupang_secret_name(apis.coupang.access_key)))
    for shop in apis.cafe24:
        found.append(secrets.secret(shop.secret_env, cafe24_secret_name(shop.mall_id)))
        found.append(secrets.secret("", refresh_token_name(shop.mall_id)))
    return [s for s in found if s]
