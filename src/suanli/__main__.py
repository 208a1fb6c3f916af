"""``python -m suanli`` runs the command line."""

from .cli import cli

cli()
