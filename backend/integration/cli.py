"""``flask integration …``: run the relay or the DVCQG sync once, register a client system."""

from __future__ import annotations

import click
from flask.cli import AppGroup

integration_cli = AppGroup("integration", help="Webhooks, the one-stop API, DVCQG sync.")


@integration_cli.command("relay")
def relay() -> None:
    """Deliver due outbox events now (what the beat task does every 15 seconds)."""
    from backend.integration.tasks import relay_outbox

    click.echo(relay_outbox())


@integration_cli.command("sync-dvcqg")
def sync_dvcqg() -> None:
    """Push unsynced dossiers to the National Public Service Portal now."""
    from backend.integration.tasks import sync_dvcqg as task

    click.echo(task())


@integration_cli.command("create-client")
@click.option("--name", required=True, help="e.g. Hệ thống một cửa điện tử tỉnh")
@click.option("--agency", "agency_code", required=True, help="Agency of its service account")
def create_client(name: str, agency_code: str) -> None:
    """Register a client system of the inbound API; prints its key id and secret once."""
    from backend.core.errors import AppError
    from backend.core.transaction import task_transaction
    from backend.integration import inbound

    try:
        with task_transaction():
            client = inbound.create_client(actor=None, name=name, agency_code=agency_code)
    except AppError as exc:
        raise click.ClickException(f"refused: {exc.errors or exc}") from exc
    click.echo(f"key id: {client.key_id}\nsecret: {client.secret}")
