"""`suanli token create|list|revoke` through CliRunner, and a CLI-made token opening the team-mode app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from suanli.cli import cli
from suanli.web import WebOptions, create_app
from webcorpus import BASE_URL, TestClient, web_settings

TOKEN_PREFIX = "sl_"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # The same data folder as web_settings(tmp_path), so the app reads the tokens the CLI writes.
    monkeypatch.setenv("SUANLI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUANLI_CONFIG", str(tmp_path / "none.toml"))
    return CliRunner()


def _create(runner: CliRunner, name: str) -> str:
    result = runner.invoke(cli, ["token", "create", name])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_create_prints_the_token_once_with_a_reminder(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["token", "create", "alice"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(TOKEN_PREFIX) and len(result.stdout.strip().splitlines()) == 1
    assert "Store it now; it is not shown again" in result.stderr
    assert "Store it now" not in result.stdout


def test_list_shows_names_and_ids_but_never_the_token(runner: CliRunner, tmp_path: Path) -> None:
    token = _create(runner, "alice")
    token_id = token.split("_")[1]
    result = runner.invoke(cli, ["token", "list"])
    assert result.exit_code == 0, result.output
    assert "alice" in result.output and token_id in result.output
    assert token not in result.output and token.rsplit("_", 1)[1] not in result.output

    rows = json.loads(runner.invoke(cli, ["token", "list", "--json"]).stdout)
    assert [(r["name"], r["token_id"]) for r in rows] == [("alice", token_id)]
    assert set(rows[0]) == {"name", "token_id", "created_at"}
    assert token not in (tmp_path / "data" / "web_tokens.json").read_text(encoding="utf-8")


def test_list_without_tokens_says_how_to_create_one(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["token", "list"])
    assert result.exit_code == 0
    assert "suanli token create NAME" in result.output
    assert json.loads(runner.invoke(cli, ["token", "list", "--json"]).stdout) == []


def test_revoke_by_name_or_id_removes_the_token(runner: CliRunner) -> None:
    _create(runner, "alice")
    bob_id = _create(runner, "bob").split("_")[1]
    result = runner.invoke(cli, ["token", "revoke", "alice"])
    assert result.exit_code == 0 and "Revoked token 'alice'" in result.output
    assert runner.invoke(cli, ["token", "revoke", bob_id]).exit_code == 0
    assert json.loads(runner.invoke(cli, ["token", "list", "--json"]).stdout) == []


def test_revoking_an_unknown_token_is_a_clear_error(runner: CliRunner) -> None:
    _create(runner, "alice")
    result = runner.invoke(cli, ["token", "revoke", "erin"])
    assert result.exit_code == 1
    assert "Error: No token named 'erin'; known tokens: alice" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", ["bad name!", "alice"])
def test_bad_or_taken_names_are_refused_with_exit_1(runner: CliRunner, name: str) -> None:
    _create(runner, "alice")
    result = runner.invoke(cli, ["token", "create", name])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and f"'{name}'" in result.stderr
    assert result.stdout == ""


def test_a_created_token_opens_the_team_app_until_revoked(runner: CliRunner, tmp_path: Path) -> None:
    token = _create(runner, "ci-bot")
    app = create_app(web_settings(tmp_path), options=WebOptions(auth=True))
    with TestClient(app, base_url=BASE_URL) as client:
        auth = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/stats").status_code == 401
        assert client.get("/api/stats", headers=auth).status_code == 200
        assert runner.invoke(cli, ["token", "revoke", "ci-bot"]).exit_code == 0
        assert client.get("/api/stats", headers=auth).status_code == 401
