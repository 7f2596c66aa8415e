"""Forget the secrets the database kept by mistake; account e-mails go out first.

- The outbox: a sent (or given up) message keeps no context, whatever its keys (before, only
  some links were blanked, and an e-mail change link stayed readable and working); each value of
  such messages becomes « [effacé après envoi] ». A new column ``urgent`` marks the messages
  sent before the others (a family's account).
- The audit trail: a failed login on an identifier that names no account recorded what was
  typed, which may be a password typed in the wrong field; those entries now name « identifiant
  inconnu ».
- Login throttles keyed by an unkeyed hash of a typed identifier (``id:``, ``reset-id:``) are
  deleted: they are now keyed with the installation's secret key, and the old hashes could be
  reversed for a weak password by trying candidates.

The forgotten values cannot be brought back: downgrading only drops the column.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FORGOTTEN = "[effacé après envoi]"
UNKNOWN = "identifiant inconnu"

outbox = sa.table(
    "outbox", sa.column("id", sa.Integer), sa.column("status"), sa.column("context", sa.JSON)
)
audit_events = sa.table(
    "audit_events",
    sa.column("actor"),
    sa.column("summary"),
    sa.column("action"),
    sa.column("family_id"),
)
accounts = sa.table("accounts", sa.column("identifier"))
login_throttles = sa.table("login_throttles", sa.column("key"))


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    connection = op.get_bind()
    finished = connection.execute(
        sa.select(outbox.c.id, outbox.c.context).where(outbox.c.status.in_(["sent", "failed"]))
    )
    for message_id, context in finished.all():
        connection.execute(
            sa.update(outbox)
            .where(outbox.c.id == message_id)
            .values(context=dict.fromkeys(context or {}, FORGOTTEN))
        )
    connection.execute(
        sa.update(audit_events)
        .where(
            audit_events.c.action == "login.failure",
            audit_events.c.family_id.is_(None),
            audit_events.c.actor.not_in(sa.select(accounts.c.identifier)),
        )
        .values(actor=UNKNOWN, summary=f"Échec de connexion : {UNKNOWN}")
    )
    connection.execute(
        sa.delete(login_throttles).where(
            sa.or_(login_throttles.c.key.like("id:%"), login_throttles.c.key.like("reset-id:%"))
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("urgent")
