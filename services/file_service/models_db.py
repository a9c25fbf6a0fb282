"""Tables of the File Service: one row per examined upload, plus the outbox."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from huleedu_service_libs.db import infrastructure_tables


class Base(DeclarativeBase):
    pass


class FileUploadRow(Base):
    """An uploaded file: accepted (``text_storage_id`` set) or rejected (``reason_code`` set).

    ``(batch_id, file_sha256)`` is unique: the same bytes are taken into a batch once, which
    also settles two concurrent uploads of one file.
    """

    __tablename__ = "file_uploads"
    __table_args__ = (
        sa.UniqueConstraint("batch_id", "file_sha256", name="uq_file_uploads_batch_content"),
    )

    file_upload_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    batch_id: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    user_id: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    original_file_name: Mapped[str] = mapped_column(sa.Text, nullable=False)
    file_sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    text_storage_id: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    reason_code: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    message: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    student_name: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    student_email: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    name_confidence: Mapped[float] = mapped_column(sa.Float, nullable=False, default=0.0)
    correlation_id: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


infrastructure_tables(Base.metadata)
