"""The ``suanli token`` commands: create, list and revoke the API tokens of team mode (``serve --auth``).

The web package (FastAPI and friends) is imported inside each command, so ``suanli --help`` and the other
commands do not pay for it. The token file is re-read by a running server whenever it changes, so tokens
created or revoked here take effect on the next request without a restart.
"""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from .context import CliContext


@click.group()
def token() -> None:
    """Create, list and revoke API tokens for team mode ('suanli serve --auth')."""


@token.command("create")
@click.argument("name")
@click.pass_obj
def token_create(obj: CliContext, name: str) -> None:
    """Create a token and print it once.

    NAME: 1-40 letters, digits, '.', '_' or '-', unique.
    """
    from suanli.web import create_token

    secret = create_token(obj.settings, name)
    # The notice goes to stderr so that `TOKEN=$(suanli token create ci)` captures the token alone.
    click.echo(f"Token '{name}' created. Store it now; it is not shown again:", err=True)
    click.echo(secret)


@token.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def token_list(obj: CliContext, as_json: bool) -> None:
    """List tokens: name, id, created.

    Tokens are never shown again, and only their hashes are stored.
    """
    from suanli.web import list_tokens

    tokens = list_tokens(obj.settings)
    if as_json:
        rows = [
            {"name": t.name, "token_id": t.token_id, "created_at": t.created_at.isoformat()} for t in tokens
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not tokens:
        click.echo("No tokens yet; create one with 'suanli token create NAME'")
        return
    table = Table("name", "id", "created")
    for t in tokens:
        table.add_row(t.name, t.token_id, t.created_at.strftime("%Y-%m-%d %H:%M %Z").strip())
    Console(highlight=False).print(table)


@token.command("revoke")
@click.argument("name_or_id")
@click.pass_obj
def token_revoke(obj: CliContext, name_or_id: str) -> None:
    """Revoke a token by name or id.

    A running server refuses it from the next request on.
    """
    from suanli.web import revoke_token

    revoke_token(obj.settings, name_or_id)
    click.echo(f"Revoked token '{name_or_id}'")
