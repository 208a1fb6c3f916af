"""Team mode: hashed API tokens, sessions, every route refusing strangers, and the Origin check."""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount

from suanli.errors import ConfigError, NotFoundError
from suanli.stages.segment import Segmenter
from suanli.web import WebOptions, create_token, list_tokens, revoke_token
from suanli.web.auth import TokenVerifier, ensure_first_token, token_path
from suanli.web.security import SESSION_COOKIE
from webcorpus import BASE_URL, Site, TestClient, site, web_settings

SAME_ORIGIN = {"Origin": BASE_URL}
OPEN = {("GET", "/login"), ("GET", "/static/app.css")}


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter) -> Iterator[tuple[Site, str]]:
    folder = tmp_path_factory.mktemp("web_auth")
    token = create_token(web_settings(folder), "alice")
    with site(folder, segmenter, options=WebOptions(auth=True)) as running:
        yield running, token


def _fresh_client(web: Site) -> TestClient:
    """A client with its own cookie jar, so sessions do not leak between tests."""
    return TestClient(web.client.app, base_url=BASE_URL)


def _route_requests(web: Site) -> list[tuple[str, str]]:
    """One request per method of every route of the app, path parameters filled in."""
    requests = []
    for route in web.client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Mount):
            requests.append(("GET", f"{route.path}/app.css"))
            continue
        methods = sorted((route.methods or set()) - {"HEAD"})
        path = re.sub(r"\{[^}]+\}", "abcd", route.path)
        requests.extend((method, path) for method in methods)
    return requests


def test_every_route_refuses_a_request_without_token(team: tuple[Site, str]) -> None:
    web, _ = team
    requests = _route_requests(web)
    paths = {path for _, path in requests}
    assert {
        "/",
        "/articles/abcd",
        "/entities",
        "/add",
        "/api/search",
        "/api/add",
        "/api/openapi.json",
    } <= paths
    assert len(requests) >= 20
    client = _fresh_client(web)
    for method, path in requests:
        response = client.request(method, path, follow_redirects=False)
        if (method, path) in OPEN:
            assert response.status_code == 200, path
            assert "寒武纪" not in response.text  # the open paths carry no articles
            continue
        assert response.status_code == 401, f"{method} {path} answered {response.status_code}"
        if path.startswith("/api/"):
            body = response.json()
            assert body["ok"] is False and body["status"] == 401 and "needs an API token" in body["error"]
            assert response.headers["www-authenticate"].startswith("Bearer")
        else:
            assert 'action="/login"' in response.text  # the error page offers the login form


def test_all_api_routes_are_covered_by_the_enumeration(team: tuple[Site, str]) -> None:
    web, _ = team
    enumerated = {path for _, path in _route_requests(web)}
    api_paths = {r.path for r in web.client.app.routes if isinstance(r, APIRoute)}  # type: ignore[attr-defined]
    assert {re.sub(r"\{[^}]+\}", "abcd", p) for p in api_paths} <= enumerated


def test_a_bearer_token_opens_the_api_and_pages(team: tuple[Site, str]) -> None:
    web, token = team
    client = _fresh_client(web)
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/search", params={"q": "算力"}, headers=auth).json()["total"] >= 4
    assert client.get(f"/articles/{web.ids['rally']}", headers=auth).status_code == 200


@pytest.mark.parametrize(
    "value",
    ["Bearer sl_00000000_" + "a" * 43, "Bearer not-a-token", "Basic YWxpY2U6c2VjcmV0", "Bearer "],
)
def test_wrong_tokens_are_refused(team: tuple[Site, str], value: str) -> None:
    web, _ = team
    response = _fresh_client(web).get("/api/stats", headers={"Authorization": value})
    assert response.status_code == 401


def test_a_known_token_id_with_a_wrong_secret_is_refused(team: tuple[Site, str]) -> None:
    web, token = team
    forged = token[: token.rindex("_") + 1] + "b" * 43
    assert (
        _fresh_client(web).get("/api/stats", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    )


def test_a_revoked_token_stops_working(team: tuple[Site, str]) -> None:
    web, _ = team
    bob = create_token(web.settings, "bob")
    client = _fresh_client(web)
    auth = {"Authorization": f"Bearer {bob}"}
    assert client.get("/api/stats", headers=auth).status_code == 200
    revoke_token(web.settings, "bob")
    assert client.get("/api/stats", headers=auth).status_code == 401


def test_login_sets_a_strict_http_only_session_and_logout_ends_it(team: tuple[Site, str]) -> None:
    web, token = team
    client = _fresh_client(web)
    response = client.post(
        "/login", data={"token": token, "next": "/entities"}, headers=SAME_ORIGIN, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/entities"
    cookie = response.headers["set-cookie"].lower()
    assert SESSION_COOKIE in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/").status_code == 200
    assert 'action="/logout"' in client.get("/").text
    assert client.post("/logout", headers=SAME_ORIGIN, follow_redirects=False).status_code == 303
    assert client.get("/").status_code == 401


def test_a_bad_login_is_refused_with_the_login_form(team: tuple[Site, str]) -> None:
    web, _ = team
    response = _fresh_client(web).post("/login", data={"token": "sl_12345678_wrong"}, headers=SAME_ORIGIN)
    assert response.status_code == 401
    assert "The API token is not valid" in response.text and 'action="/login"' in response.text


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(team: tuple[Site, str], target: str) -> None:
    web, token = team
    response = _fresh_client(web).post(
        "/login", data={"token": token, "next": target}, headers=SAME_ORIGIN, follow_redirects=False
    )
    assert response.headers["location"] == "/"


def test_state_changing_requests_with_a_session_need_the_same_origin(team: tuple[Site, str]) -> None:
    web, token = team
    client = _fresh_client(web)
    client.post("/login", data={"token": token}, headers=SAME_ORIGIN)
    body = {"urls": ["http://127.0.0.1:9/x.html"]}
    assert client.post("/api/add", json=body, headers={"Origin": "https://evil.example"}).status_code == 403
    no_origin = client.post("/api/add", json=body)
    assert no_origin.status_code == 403 and "without an Origin header" in no_origin.json()["error"]
    assert client.post("/api/add", json=body, headers=SAME_ORIGIN).status_code == 202
    cross_login = client.post("/login", data={"token": token}, headers={"Origin": "https://evil.example"})
    assert cross_login.status_code == 403


def test_scripts_with_a_bearer_token_need_no_origin(team: tuple[Site, str]) -> None:
    web, token = team
    response = _fresh_client(web).post(
        "/api/add", json={"urls": ["http://127.0.0.1:9/y.html"]}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 202


def test_token_file_holds_only_hashes_and_is_private(tmp_path: Path) -> None:
    settings = web_settings(tmp_path)
    token = create_token(settings, "carol")
    path = token_path(settings)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert token not in text and token.rsplit("_", 1)[1] not in text
    assert [t.name for t in list_tokens(settings)] == ["carol"]
    assert TokenVerifier(path).verify(token) == token.split("_")[1]


def test_token_names_are_checked(tmp_path: Path) -> None:
    settings = web_settings(tmp_path)
    create_token(settings, "dave")
    with pytest.raises(ConfigError, match="exists already"):
        create_token(settings, "dave")
    with pytest.raises(ConfigError, match="must be 1-40 letters"):
        create_token(settings, "bad name!")
    with pytest.raises(NotFoundError, match="known tokens: dave"):
        revoke_token(settings, "erin")


def test_first_team_start_writes_one_private_admin_token(tmp_path: Path) -> None:
    settings = web_settings(tmp_path)
    first = ensure_first_token(settings)
    assert first is not None and stat.S_IMODE(first.stat().st_mode) == 0o600
    token = first.read_text(encoding="utf-8").strip()
    assert TokenVerifier(token_path(settings)).verify(token) is not None
    assert [t.name for t in list_tokens(settings)] == ["admin"]
    assert ensure_first_token(settings) is None
