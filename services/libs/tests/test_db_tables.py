"""Unit tests of the infrastructure table definitions and small pure helpers."""

from __future__ import annotations

import sqlalchemy as sa

from huleedu_service_libs.db import infrastructure_tables, version_table_name
from huleedu_service_libs.outbox import advisory_lock_key, outbox_channel


def test_infrastructure_tables_adds_both_tables_once() -> None:
    metadata = sa.MetaData()
    first = infrastructure_tables(metadata)
    assert infrastructure_tables(metadata) == first
    assert set(metadata.tables) == {"processed_events", "event_outbox"}


def test_processed_events_key_is_consumer_and_event_id() -> None:
    processed, _outbox = infrastructure_tables(sa.MetaData())
    assert [c.name for c in processed.primary_key.columns] == ["consumer", "event_id"]


def test_outbox_table_columns_and_pending_index() -> None:
    _processed, outbox = infrastructure_tables(sa.MetaData())
    assert {c.name for c in outbox.columns} == {
        "id", "topic", "key", "event_id", "event_type", "payload", "headers",
        "created_at", "published_at", "attempts", "last_error",
    }  # fmt: skip
    assert outbox.c.published_at.nullable
    assert outbox.c.id.identity is not None and outbox.c.id.primary_key
    pending = next(ix for ix in outbox.indexes if ix.name == "ix_event_outbox_pending")
    assert str(pending.dialect_options["postgresql"]["where"]) == "published_at IS NULL"


def test_names_derived_from_the_service() -> None:
    assert version_table_name("bos") == "alembic_version_bos"
    assert outbox_channel("els") == "huleedu_outbox_els"
    # A fixed value: every process of a service must compute the same key (unlike hash()).
    assert advisory_lock_key("els") == -6929567427739614562
    assert advisory_lock_key("els") != advisory_lock_key("bos")
    assert -(2**63) <= advisory_lock_key("els") < 2**63
