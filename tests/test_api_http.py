"""The kept HTTP client of the channel APIs: bounded retries that honour 429/Retry-After, Korean failures."""

from __future__ import annotations

import httpx
import pytest

from chulgo.api.http import TRIES, ApiError, Http


def _client(answers: list, slept: list[float]) -> tuple[Http, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return Http("스마트스토어", "http://api.test", httpx.MockTransport(handler), sleep=slept.append), seen


def test_a_429_is_waited_out_as_retry_after_says_then_the_call_goes_through():
    slept: list[float] = []
    http, seen = _client([httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json={"ok": 1})],
                         slept)
    response = http.request("GET", "/v1/x", params={"a": "1"})
    assert response.json() == {"ok": 1}
    assert slept == [7.0]
    assert [str(r.url) for r in seen] == ["http://api.test/v1/x?a=1"] * 2


def test_a_rate_limit_that_asks_for_hours_is_not_waited_for():
    """gspread's lesson: a permanent 429 must not keep a scheduled run busy for hours."""
    slept: list[float] = []
    http, seen = _client([httpx.Response(429, headers={"Retry-After": "3600"})], slept)
    with pytest.raises(ApiError, match="호출 한도") as e:
        http.request("GET", "/v1/x")
    assert e.value.kind == "rate" and slept == [] and len(seen) == 1


def test_server_errors_and_timeouts_are_tried_a_bounded_number_of_times():
    slept: list[float] = []
    http, seen = _client([httpx.ConnectTimeout("slow"), httpx.Response(502), httpx.Response(503)], slept)
    with pytest.raises(ApiError, match="서버 오류") as e:
        http.request("GET", "/v1/y")
    assert e.value.kind == "down" and len(seen) == TRIES and len(slept) == TRIES - 1


def test_a_write_that_may_have_landed_is_not_sent_blindly_again():
    """A POST that timed out or got a 5xx may have reached the channel: the caller asks before sending again."""
    for answer in (httpx.ReadTimeout("slow"), httpx.Response(503)):
        slept: list[float] = []
        http, seen = _client([answer, httpx.Response(200)], slept)
        with pytest.raises(ApiError) as e:
            http.request("POST", "/v1/dispatch", json={})
        assert e.value.kind == "down" and len(seen) == 1 and slept == []
    slept = []
    http, seen = _client([httpx.ConnectError("refused"), httpx.Response(200)], slept)    # never reached the channel
    assert http.request("POST", "/v1/dispatch", json={}).status_code == 200 and len(seen) == 2


def test_a_refusal_is_returned_to_the_channel_client_untouched():
    slept: list[float] = []
    http, _ = _client([httpx.Response(403, json={"code": "GW.IP_NOT_ALLOWED"})], slept)
    assert http.request("GET", "/v1/z").status_code == 403 and slept == []


def test_a_signed_request_is_signed_again_on_every_try_over_the_query_it_sends():
    slept: list[float] = []
    signed: list[tuple[str, str, str]] = []
    http, seen = _client([httpx.Response(500), httpx.Response(200)], slept)

    def sign(method: str, path: str, query: str) -> dict[str, str]:
        signed.append((method, path, query))
        return {"Authorization": f"sig{len(signed)}"}

    http.request("GET", "/v5/sheets", params={"status": "ACCEPT", "nextToken": None, "from": "2026-11-23"}, sign=sign)
    assert signed == [("GET", "/v5/sheets", "status=ACCEPT&from=2026-11-23")] * 2
    assert [r.headers["Authorization"] for r in seen] == ["sig1", "sig2"]
    assert seen[0].url.query == b"status=ACCEPT&from=2026-11-23"
