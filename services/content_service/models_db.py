"""Tables of the Content Service: one row per distinct stored byte sequence."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from huleedu_service_libs.db import infrastructure_tables


class Base(DeclarativeBase):
    pass


class StoredContent(Base):
    """Content-addressed bytes: ``storage_id`` is the SHA-256 of ``data`` (hex)."""

    __tablename__ = "stored_content"

    storage_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(sa.Text, nullable=False)
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


infrastructure_tables(Base.metadata)
