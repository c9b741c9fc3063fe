"""An asset register version (one import) and its entries; earlier versions stay readable."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.auth.models import Unit, User
from casework.infra.db import Base, UTCDateTime


class AssetRegister(Base):
    """One import of a unit's register. Exactly one version per unit is current: the one intake offers."""

    __tablename__ = "asset_register"
    __table_args__ = (UniqueConstraint("unit_id", "version", name="uq_asset_register_unit_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    version: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    source_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    imported_by_name: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    imported_by: Mapped[User | None] = relationship()

    @property
    def importer(self) -> str:
        """Who imported it, as people are named on pages (the username is the login's, not a name)."""
        return self.imported_by.display_name if self.imported_by else self.imported_by_name


class Asset(Base):
    """One line, 台区 or tower as the register lists it, under the unit that runs it (unit_path for scope)."""

    __tablename__ = "asset"
    __table_args__ = (Index("ix_asset_register_kind_name", "register_id", "kind", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("asset_register.id"))
    line_no: Mapped[int] = mapped_column(Integer)  # the row of the imported file, to point back at it
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    unit_path: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))  # casework.domain.assets.KINDS
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str | None] = mapped_column(String(40))
    voltage: Mapped[str | None] = mapped_column(String(20))
    line_name: Mapped[str | None] = mapped_column(String(100))
    village: Mapped[str | None] = mapped_column(String(100))

    unit: Mapped[Unit] = relationship()
