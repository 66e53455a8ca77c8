"""login cafe24: the one-time OAuth step. The seller approves the app in the browser; the code it hands back
becomes tokens, and the refresh token is kept in the OS credential store (rotated on every later refresh)."""

from __future__ import annotations

import secrets as random_tokens
import sys
import webbrowser
from urllib.parse import parse_qs, urlsplit

from chulgo.api.accounts import cafe24_auth
from chulgo.model import ChulgoError
from chulgo.settings import Cafe24Shop
from jobs.context import Context


def login(ctx: Context, channel: str, mall: str | None = None, code: str | None = None) -> None:
    if channel != "cafe24":
        raise ChulgoError(f"'{channel}' 은(는) 로그인 단계가 없습니다. 스마트스토어·쿠팡은 settings.toml의 키와 "
                          "환경변수(또는 자격 증명 저장소)의 시크릿만 있으면 됩니다.")
    shop = _shop(ctx.settings.apis.cafe24, mall)
    if not shop.redirect_uri:
        raise ChulgoError(f"settings.toml [channels.cafe24] shops 의 {shop.mall_id}에 redirect_uri 가 없습니다. 카페24 "
                          "개발자센터 > 앱 > Redirect URI(s)에 등록한 주소를 그대로 적으세요.")
    auth = cafe24_auth(shop, ctx.api_transport)
    state = random_tokens.token_urlsafe(12)
    if not code:
        url = auth.authorize_url(state)
        print(f"1. 브라우저에서 카페24 {shop.mall_id} 관리자로 로그인한 채 아래 주소를 열고 앱을 승인하세요:\n   {url}")
        try:
            webbrowser.open(url)
        except webbrowser.Error:
            pass
        if not sys.stdin.isatty():
            raise ChulgoError("승인 뒤 받은 code를 --code 로 넘겨 다시 실행하세요 (예: uv run run.py login cafe24 --code …).")
        code = input("2. 승인 뒤 열린 페이지의 주소 전체(또는 code 값)를 붙여 넣고 Enter: ").strip()
    auth.exchange_code(_code(code, state))
    ctx.report.done.append(f"카페24 {shop.mall_id} 로그인 완료 — 토큰을 이 PC의 자격 증명 저장소에 보관했습니다. "
                           "2주 넘게 실행하지 않으면 다시 로그인해야 합니다.")


def _shop(shops: tuple[Cafe24Shop, ...], mall: str | None) -> Cafe24Shop:
    if not shops:
        raise ChulgoError('settings.toml [channels.cafe24] shops 가 비어 있습니다. 예: shops = [{ mall_id = "mymall", '
                          'client_id = "…", redirect_uri = "https://…" }]')
    malls = list(dict.fromkeys(s.mall_id for s in shops))
    if mall is None:
        if len(malls) > 1:
            raise ChulgoError(f"카페24 쇼핑몰이 여럿입니다. --mall 로 고르세요: {', '.join(malls)}")
        mall = malls[0]
    for shop in shops:
        if shop.mall_id == mall:
            return shop
    raise ChulgoError(f"'{mall}' 은(는) settings.toml [channels.cafe24] shops 에 없습니다. {', '.join(malls)} 중 하나를 쓰세요.")


def _code(text: str, state: str) -> str:
    """The code from what the seller pasted: the redirected address (its state must be ours) or the code alone."""
    if "code=" not in text:
        return text.strip()
    query = parse_qs(urlsplit(text.strip()).query or text.split("?", 1)[-1])
    got_state = query.get("state", [""])[0]
    if got_state and got_state != state:
        raise ChulgoError("붙여 넣은 주소가 이번 로그인 요청의 것이 아닙니다 (state 불일치). 처음부터 다시 하세요.")
    return query.get("code", [""])[0]
