"""The database schema as SQLAlchemy Core tables; Alembic migrations must produce exactly this.

The naming convention gives every constraint and index a predictable name, so that migrations can
drop or alter them on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

from adapters.persistence.types import UtcDateTime

SMA_CRITERIA = "residence,siblings_placed,request_date"

__all__ = [
    "absences",
    "accounts",
    "attendance_marks",
    "audit_events",
    "calendar_feeds",
    "change_requests",
    "children",
    "communes",
    "document_sequences",
    "establishments",
    "families",
    "invoices",
    "login_throttles",
    "menu_dishes",
    "metadata",
    "news_items",
    "one_time_tokens",
    "outbox",
    "payment_attempts",
    "payments",
    "place_locks",
    "planning_drafts",
    "portal_sessions",
    "regulation_versions",
    "reservation_events",
    "reservations",
    "school_holidays",
    "school_map",
    "school_preregistrations",
    "schools",
    "sma_requests",
    "units",
    "waiting_entries",
    "waiting_room",
    "waiting_room_tickets",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# One commune per installation: its row always has id 1.
communes = Table(
    "communes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("insee_code", String(5), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("school_zone", String(1), nullable=False),
    Column("contact_email", String(254), nullable=False),
    Column("school_weekdays", String(20), nullable=False, server_default="1,2,4,5"),
    Column("payfip_enabled", Boolean, nullable=False, server_default=false()),
    Column("payfip_numcli", String(6), nullable=False, server_default=""),
    Column("payfip_mode", String(1), nullable=False, server_default="T"),
    Column("payfip_days_after_due", Integer, nullable=False, server_default="0"),
    Column("contact_address", String(200), nullable=False, server_default=""),
    Column("contact_phone", String(20), nullable=False, server_default=""),
    # SMA pre-registrations (domain.sma.settings): criteria comma-separated, in order.
    Column("sma_criteria", String(200), nullable=False, server_default=SMA_CRITERIA),
    Column("sma_confirm_months", Integer, nullable=False, server_default="6"),
    Column("sma_grace_days", Integer, nullable=False, server_default="30"),
    # Its look (domain.look): NULL, the portal's own colour, no logo. The logo's bytes are read
    # apart, only by the route that serves them (persistence.communes).
    Column("look_colour", String(7), nullable=True),
    Column("logo_media_type", String(20), nullable=True),
    Column("logo_digest", String(64), nullable=True),
    Column("logo_content", LargeBinary, nullable=True),
    CheckConstraint("school_zone IN ('A', 'B', 'C')", name="school_zone"),
    CheckConstraint("payfip_mode IN ('T', 'X', 'W')", name="payfip_mode"),
    CheckConstraint("id = 1", name="single_commune"),
)

# The catalogue. Rows are matched by code when a commune file is loaded; what the file no longer
# lists is archived (active = false), never deleted, so that history can keep pointing at it.
schools = Table(
    "schools",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("address", String(300), nullable=False),
    Column("position", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
)

establishments = Table(
    "establishments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("address", String(300), nullable=False),
    Column("contact_email", String(254), nullable=False),
    Column("contact_phone", String(20), nullable=False, server_default=""),  # E.164, or ""
    Column("opening_hours", String(300), nullable=False, server_default=""),  # one line, or ""
    Column("school_id", Integer, ForeignKey("schools.id"), nullable=True),
    Column("closures", JSON, nullable=False),
    Column("regulation", String(40), nullable=True),
    Column("position", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    CheckConstraint("kind IN ('ALSH', 'APS', 'RESTAURATION', 'EMS', 'SMA')", name="kind"),
)

units = Table(
    "units",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("establishment_id", Integer, ForeignKey("establishments.id"), nullable=False),
    Column("code", String(40), nullable=False),
    Column("label", String(200), nullable=False),
    Column("position", Integer, nullable=False),
    Column("definition", JSON, nullable=False),  # the whole Unit value, see codec.py
    Column("active", Boolean, nullable=False),
    UniqueConstraint("establishment_id", "code", name="uq_units_establishment_id_code"),
)

# The commune's school map (carte scolaire), loaded with the catalogue: one row, the whole
# SchoolMap value (sectors by street and house numbers, postcodes), see codec.py.
school_map = Table(
    "school_map",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("definition", JSON, nullable=False),
    CheckConstraint("id = 1", name="single_school_map"),
)

# Official school calendars imported by staff (the shipped ones live in adapters/calendars).
school_holidays = Table(
    "school_holidays",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("zone", String(1), nullable=False),
    Column("school_year", String(9), nullable=False),
    Column("name", String(100), nullable=False),
    Column("first_day", Date, nullable=False),
    Column("resume_day", Date, nullable=False),
    CheckConstraint("zone IN ('A', 'B', 'C')", name="zone"),
    CheckConstraint("resume_day > first_day", name="period"),
)

# Replaced by a new random token in the same transaction as any change to the commune, its
# catalogue (schools, establishments, units, school map) or the imported school calendars: a
# process keeps the last ones it read with their token, and reads their rows again only when the
# token differs (see reference.py). One row.
reference_version = Table(
    "reference_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token", String(32), nullable=False),
    CheckConstraint("id = 1", name="single_reference_version"),
)

# The audit trail: append-only (the code never deletes these rows, and updates them only to
# pseudonymise a family's events when its dossier is erased: see services/dossiers/erasure.py).
audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime, nullable=False, index=True),
    Column("actor", String(200), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("action", String(60), nullable=False, index=True),
    Column("summary", String(500), nullable=False),
    Column("details", JSON, nullable=False),
    Column("family_id", Integer, nullable=True, index=True),
)

# The transactional outbox (see portail_core.domain.messaging).
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("recipient", String(254), nullable=False),
    Column("template", String(60), nullable=False),
    Column("context", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("last_error", String(500), nullable=False),
    Column("family_id", Integer, nullable=True, index=True),  # the family it concerns, if any
    Column("urgent", Boolean, nullable=False, server_default=false()),  # sent before the others
    CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
    Index("ix_outbox_due", "status", "next_attempt_at"),
)

# Dossiers: the family's data and each child's, stored whole as JSON (see codec.py); children
# have their own rows so that reservations and invoices can refer to them.
families = Table(
    "families",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False),
    Column("data", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # The family's reference in the previous software (the onboarding import finds it by it).
    Column("legacy_reference", String(40), nullable=True, unique=True),
)

children = Table(
    "children",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("family_id", Integer, ForeignKey("families.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("data", JSON, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("family_id", Integer, ForeignKey("families.id"), nullable=False, unique=True),
    Column("identifier", String(100), nullable=False, unique=True),
    Column("email", String(254), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("status", String(30), nullable=False),
    Column("password_hash", String(300), nullable=True),
    Column("must_change_password", Boolean, nullable=False),
    Column("password_expires_at", UtcDateTime, nullable=True),
    Column("consecutive_failures", Integer, nullable=False),
    Column("recent_failures", JSON, nullable=False),
    Column("blocked_until", UtcDateTime, nullable=True),
    Column("locked", Boolean, nullable=False),
)

one_time_tokens = Table(
    "one_time_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("purpose", String(20), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime, nullable=True),
    Column("revoked", Boolean, nullable=False),
    Column("new_email", String(254), nullable=True),  # the address an e-mail change confirms
)

# Server-side sessions: only the hash of the cookie's secret is stored.
portal_sessions = Table(
    "portal_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
)

# Login throttles for identifiers that name no account and for client addresses (hashed keys).
login_throttles = Table(
    "login_throttles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(80), nullable=False, unique=True),
    Column("consecutive_failures", Integer, nullable=False),
    Column("recent_failures", JSON, nullable=False),
    Column("blocked_until", UtcDateTime, nullable=True),
    Column("locked", Boolean, nullable=False),
)

# Changes that affect invoices, waiting for the guichet unique's decision.
change_requests = Table(
    "change_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("family_id", Integer, ForeignKey("families.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("proposed", JSON, nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("requested_by", String(200), nullable=False),
    Column("status", String(10), nullable=False),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("decided_by", String(200), nullable=True),
    Column("reason", String(300), nullable=False),
    CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
)

# Reservations (kept when cancelled). A child holds at most one booked reservation per unit and
# day: the partial unique index is the last guard behind the confirmation's checks.
reservations = Table(
    "reservations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("family_id", Integer, ForeignKey("families.id"), nullable=False, index=True),
    Column("child_id", Integer, ForeignKey("children.id"), nullable=False),
    Column("establishment_code", String(40), nullable=False),
    Column("unit_code", String(40), nullable=False),
    Column("day", Date, nullable=False),
    Column("age_group", String(40), nullable=False),
    Column("status", String(10), nullable=False),
    Column("booked_at", UtcDateTime, nullable=False),
    Column("confirmation", String(20), nullable=False),
    Column("cancelled_at", UtcDateTime, nullable=True),
    CheckConstraint("status IN ('booked', 'cancelled')", name="status"),
    Index("ix_reservations_place", "establishment_code", "day", "unit_code"),
    Index("ix_reservations_child_day", "child_id", "day"),
    Index(
        "uq_reservations_booked_once",
        "child_id",
        "establishment_code",
        "unit_code",
        "day",
        unique=True,
        sqlite_where=text("status = 'booked'"),
        postgresql_where=text("status = 'booked'"),
    ),
)
# One row per unit and day that has been booked: confirmations lock it (FOR UPDATE) so that two
# of them for the same places run one after the other.
place_locks = Table(
    "place_locks",
    metadata,
    Column("establishment_code", String(40), primary_key=True),
    Column("unit_code", String(40), primary_key=True),
    Column("day", Date, primary_key=True),
)
reservation_events = Table(
    "reservation_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("family_id", Integer, ForeignKey("families.id"), nullable=False, index=True),
    Column("child_id", Integer, ForeignKey("children.id"), nullable=False, index=True),
    Column("establishment_code", String(40), nullable=False),
    Column("unit_code", String(40), nullable=False),
    Column("day", Date, nullable=False),
    Column("confirmation", String(20), nullable=False),
    Column("reason", String(300), nullable=False),
)
waiting_entries = Table(
    "waiting_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("family_id", Integer, ForeignKey("families.id"), nullable=False, index=True),
    Column("child_id", Integer, ForeignKey("children.id"), nullable=False),
    Column("establishment_code", String(40), nullable=False),
    Column("unit_code", String(40), nullable=False),
    Column("day", Date, nullable=False),
    Column("age_group", String(40), nullable=False),
    Column("joined_at", UtcDateTime, nullable=False),
    Column("status", String(10), nullable=False),
    Column("offer_expires_at", UtcDateTime, nullable=True),
    CheckConstraint(
        "status IN ('waiting', 'offered', 'promoted', 'left', 'expired')", name="status"
    ),
    Index("ix_waiting_entries_place", "establishment_code", "day", "unit_code"),
)
# Validated summaries waiting for "Confirmer la réservation"; the confirmation is written back.
planning_drafts = Table(
    "planning_drafts",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("family_id", Integer, ForeignKey("families.id"), nullable=False, index=True),
    Column("child_id", Integer, ForeignKey("children.id"), nullable=False),
    Column("establishment_code", String(40), nullable=False),
    Column("selection", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("summary", JSON, nullable=True),
    Column("confirmation", String(20), nullable=True, unique=True),
    Column("confirmed_at", UtcDateTime, nullable=True),
    Column("outcome", JSON, nullable=True),
)

# The staff's attendance record (pointage): one mark per child, unit and day.
attendance_marks = Table(
    "attendance_marks",
    metadata,
    Column("child_id", Integer, ForeignKey("children.id"), primary_key=True),
    Column("establishment_code", String(40), primary_key=True),
    Column("unit_code", String(40), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("presence", String(10), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("recorded_by", String(200), nullable=False),
    CheckConstraint("presence IN ('present', 'absent')", name="presence"),
    Index("ix_attendance_marks_day", "day"),
)
absences = Table(
    "absences",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("family_id", Integer, ForeignKey("families.id"), nullable=False, index=True),
    Column("child_id", Integer, ForeignKey("children.id"), nullable=False),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("reason", String(20), nullable=False),
    Column("declared_at", UtcDateTime, nullable=False),
    Column("declared_by", String(200), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("certificate_file", String(80), nullable=True),
    Column("justified", Boolean, nullable=False),
    CheckConstraint("last_day >= first_day", name="period"),
    Index("ix_absences_days", "last_day", "first_day"),
    sqlite_autoincrement=True,  # a withdrawn (deleted) absence's number is never given again
)
# Issued invoices and credit notes: never updated. Numbers come from document_sequences, whose
# row for the year is locked by the billing run until it commits: no gap, no repeat.
invoices = Table(
    "invoices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(20), nullable=False, unique=True),
    Column("kind", String(12), nullable=False),
    Column("family_id", Integer, ForeignKey("families.id"), nullable=False, index=True),
    Column("family_name", String(80), nullable=False),
    Column("address", JSON, nullable=False),
    Column("month", String(7), nullable=False, index=True),
    Column("issued_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("pay_online_until", Date, nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("lines", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("quotient", String(200), nullable=False),
    Column("corrects", String(20), nullable=True),
    Column("direct_debit_on", Date, nullable=True),
    CheckConstraint("kind IN ('invoice', 'credit_note')", name="kind"),
)
document_sequences = Table(
    "document_sequences",
    metadata,
    Column("kind", String(12), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last", Integer, nullable=False),
)
payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("family_id", Integer, ForeignKey("families.id"), nullable=False, index=True),
    Column("amount_cents", BigInteger, nullable=False),
    Column("mode", String(20), nullable=False),
    Column("reference", String(100), nullable=False),
    Column("received_on", Date, nullable=False, index=True),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("invoice_number", String(20), nullable=True, index=True),
)
# Visits to PayFiP (see portail_core.domain.payments.attempt): stored before the family leaves
# for PayFiP; an operation id (idOp) and a debt reference (refdet) are each used once.
payment_attempts = Table(
    "payment_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("family_id", Integer, ForeignKey("families.id"), nullable=False, index=True),
    Column("invoice_number", String(20), nullable=False, index=True),
    Column("refdet", String(30), nullable=False, unique=True),
    Column("amount_cents", BigInteger, nullable=False),
    Column("id_op", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("numcli", String(6), nullable=False),  # the commune's contract when it was opened
    Column("mode", String(1), nullable=False),
    Column("state", String(12), nullable=False),
    Column("checked_at", UtcDateTime, nullable=True),
    Column("result", String(8), nullable=False),
    Column("authorisation", String(32), nullable=False),
    Column("paid_at", UtcDateTime, nullable=True),
    Column("problem", String(500), nullable=False),
    Index("ix_payment_attempts_state_created_at", "state", "created_at"),
    CheckConstraint(
        "state IN ('en_cours', 'payee', 'refusee', 'abandonnee', 'expiree', 'rejetee', 'erreur', "
        "'classee')",
        name="state",
    ),
)
# Published versions of each establishment's règlement intérieur (domain.regulations), never
# changed; the PDF itself is a file (adapters.regulation_files), named by file_id.
regulation_versions = Table(
    "regulation_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("establishment_code", String(40), ForeignKey("establishments.code"), nullable=False),
    Column("version", String(40), nullable=False),
    Column("title", String(200), nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("deadline", Date, nullable=True),
    Column("file_id", String(32), nullable=False),
    Column("format", String(10), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("original_name", String(200), nullable=False),
    Column("published_at", UtcDateTime, nullable=False),
    Column("published_by", String(200), nullable=False),
    UniqueConstraint(
        "establishment_code", "version", name="uq_regulation_versions_establishment_code_version"
    ),
    CheckConstraint("deadline IS NULL OR deadline >= effective_from", name="deadline"),
)
# The town's news (domain.news): the text as the desk typed it, rendered when shown.
news_items = Table(
    "news_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(150), nullable=False),
    Column("text", Text, nullable=False),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=True),
    Column("establishment_code", String(40), ForeignKey("establishments.code"), nullable=True),
    Column("published", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("channel", String(20), nullable=False),
    CheckConstraint("last_day IS NULL OR last_day >= first_day", name="period"),
)
# A family's private calendar feed (domain.feeds): only the hash of its address's secret; one
# per family, deleted when revoked or replaced.
calendar_feeds = Table(
    "calendar_feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("family_id", Integer, ForeignKey("families.id"), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_read_at", UtcDateTime, nullable=True),
    Column("hour_started_at", UtcDateTime, nullable=True),
    Column("reads_this_hour", Integer, nullable=False),
)
# The canteen's menus (see portail_core.domain.menus): one row per dish, a week of a restaurant
# (``week``: its Monday) always replaced whole; ``allergens``: the codes, comma-separated.
menu_dishes = Table(
    "menu_dishes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("establishment_code", String(40), ForeignKey("establishments.code"), nullable=False),
    Column("week", Date, nullable=False),
    Column("day", Date, nullable=False),
    Column("position", Integer, nullable=False),
    Column("course", String(20), nullable=False),
    Column("name", String(150), nullable=False),
    Column("allergens", String(200), nullable=False),
    Index("ix_menu_dishes_establishment_code_week", "establishment_code", "week"),
    CheckConstraint(
        "course IN ('entree', 'plat', 'accompagnement', 'laitage', 'dessert', 'gouter')",
        name="course",
    ),
)
# School pre-registrations (see portail_core.domain.preregistrations): the request as JSON, with
# the columns the desk's listing filters on.
school_preregistrations = Table(
    "school_preregistrations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("family_id", Integer, ForeignKey("families.id"), nullable=False, index=True),
    Column("school_year", Integer, nullable=False),
    Column("state", String(20), nullable=False),
    Column("level", String(10), nullable=False),
    Column("requested_school", String(40), nullable=False),
    Column("assigned_school", String(40), nullable=True),
    Column("submitted_at", UtcDateTime, nullable=False),
    Column("data", JSON, nullable=False),
    CheckConstraint(
        "state IN ('deposee', 'instruction', 'acceptee', 'refusee', 'en_attente')", name="state"
    ),
    Index("ix_school_preregistrations_school_year_state", "school_year", "state"),
)
# SMA pre-registration requests (domain.sma): ``slots`` [[weekday, "08:30", "17:00"], ...],
# ``wishes`` the establishments' codes in order; the offer's columns set once one is made.
sma_requests = Table(
    "sma_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("family_id", Integer, ForeignKey("families.id"), nullable=False, index=True),
    Column("child_id", Integer, nullable=True),
    Column("child_name", String(200), nullable=False),
    Column("last_name", String(60), nullable=False),
    Column("expected_birth_date", Date, nullable=True),
    Column("start_date", Date, nullable=False),
    Column("slots", JSON, nullable=False),
    Column("wishes", JSON, nullable=False),
    Column("state", String(20), nullable=False, index=True),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("confirmed_at", UtcDateTime, nullable=False),
    Column("reminded_at", UtcDateTime, nullable=True),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("offer_establishment", String(40), nullable=True),
    Column("offer_start", Date, nullable=True),
    Column("offer_deadline", Date, nullable=True),
    Column("offered_at", UtcDateTime, nullable=True),
    CheckConstraint(
        "state IN ('FILED', 'OFFERED', 'ACCEPTED', 'DECLINED', 'EXPIRED', 'DROPPED')",
        name="state",
    ),
    CheckConstraint("child_id IS NOT NULL OR expected_birth_date IS NOT NULL", name="child"),
)
# The waiting room of opening day (domain.waiting_room): one row of settings and of what it
# counted at its last move, locked (FOR UPDATE) by whatever moves the queue; a ticket per family
# account in it, whose id is its number in the queue (given in the order of that lock).
waiting_room = Table(
    "waiting_room",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("mode", String(10), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("lease_seconds", Integer, nullable=False),
    Column("admit_from", UtcDateTime, nullable=True),
    Column("inside", Integer, nullable=False),
    Column("waiting", Integer, nullable=False),
    Column("last_pass_at", UtcDateTime, nullable=True),
    Column("window_started_at", UtcDateTime, nullable=True),
    Column("window_admitted", Integer, nullable=False),
    Column("previous_admitted", Integer, nullable=False),
    Column("previous_seconds", Integer, nullable=False),
    Column("changed_at", UtcDateTime, nullable=True),
    Column("changed_by", String(200), nullable=True),
    CheckConstraint("id = 1", name="single_room"),
    CheckConstraint("mode IN ('auto', 'open', 'off')", name="mode"),
    CheckConstraint("capacity >= 1", name="capacity"),
)
waiting_room_tickets = Table(
    "waiting_room_tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "account_id",
        Integer,
        ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("state", String(10), nullable=False),
    Column("queued_at", UtcDateTime, nullable=False),
    Column("admitted_at", UtcDateTime, nullable=True),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    Index("ix_waiting_room_tickets_state_id", "state", "id"),
    CheckConstraint("state IN ('waiting', 'admitted', 'released')", name="state"),
)
# Fair allocation (domain.allocation): a campaign per [[allocations]] table of the commune file,
# its seed and what the staff did; the families' requests; the draw's decisions, in draw order.
allocation_campaigns = Table(
    "allocation_campaigns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(30), nullable=False, unique=True),
    Column("label", String(80), nullable=False),
    Column("establishment_code", String(40), nullable=False),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("requests_from", UtcDateTime, nullable=False),
    Column("requests_until", UtcDateTime, nullable=False),
    Column("priorities", String(200), nullable=False),
    Column("max_days_per_child", Integer, nullable=True),
    Column("seed", String(64), nullable=False),
    Column("opened_at", UtcDateTime, nullable=True),
    Column("drawn_at", UtcDateTime, nullable=True),
    Column("published_at", UtcDateTime, nullable=True),
    Column("draw_inputs", JSON, nullable=True),  # places and slots held when drawn
)
allocation_requests = Table(
    "allocation_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "campaign_id",
        Integer,
        ForeignKey("allocation_campaigns.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("family_id", Integer, ForeignKey("families.id"), nullable=False, index=True),
    Column("child_id", Integer, nullable=False),
    Column("unit_code", String(40), nullable=False),
    Column("day", Date, nullable=False),
    Column("preference", Integer, nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    UniqueConstraint("campaign_id", "child_id", "day", "unit_code"),
    Index("ix_allocation_requests_campaign_family", "campaign_id", "family_id"),
)
allocation_decisions = Table(
    "allocation_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "campaign_id",
        Integer,
        ForeignKey("allocation_campaigns.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", Integer, nullable=False),  # the order the draw took them in
    Column("family_id", Integer, ForeignKey("families.id"), nullable=False, index=True),
    Column("child_id", Integer, nullable=False),
    Column("establishment_code", String(40), nullable=False),
    Column("unit_code", String(40), nullable=False),
    Column("day", Date, nullable=False),
    Column("age_group", String(40), nullable=False),
    Column("preference", Integer, nullable=False),
    Column("outcome", String(10), nullable=False),
    Column("priority_class", Integer, nullable=False),
    Column("draw_rank", Integer, nullable=False),
    Column("waiting_rank", Integer, nullable=True),
    Column("rule_refusal", Text, nullable=False),  # what the booking rules refused first
    Column("reason", Text, nullable=False),
    CheckConstraint("outcome IN ('granted', 'waiting', 'refused')", name="outcome"),
    Index("ix_allocation_decisions_campaign_family", "campaign_id", "family_id"),
)
