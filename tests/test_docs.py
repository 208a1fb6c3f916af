"""Every command, setting and public name is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import suanli
from suanli.cli import cli
from suanli.config import setting_help

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_and_a_docs_entry(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert cli.commands[name].help
    assert f"`suanli {name}" in (DOCS / "usage.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(setting_help()))
def test_every_setting_has_help_and_a_docs_entry(name: str) -> None:
    assert setting_help()[name]
    assert f"| `{name}` |" in (DOCS / "settings.md").read_text(encoding="utf-8")


def test_public_api_names_exist() -> None:
    for name in suanli.__all__:
        assert hasattr(suanli, name), name
