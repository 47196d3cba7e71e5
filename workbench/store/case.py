"""Opening, creating and guarding a case file (one SQLite database)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from workbench.errors import CaseFileError
from workbench.store import schema

SQLITE_MAGIC = b"SQLite format 3\x00"
CASE_SUFFIX = ".wbcase"


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class CaseFile:
    """A connection to one case file, configured for durability.

    Every change commits at once (there is no Save): WAL journal, ``synchronous=FULL`` so a
    reported commit survives a power cut, ``secure_delete`` so deleted text is overwritten.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, *, read_only: bool) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, *, title: str) -> CaseFile:
        """Create a new, empty case file; refuses to overwrite anything."""
        path = Path(path)
        if path.exists():
            raise CaseFileError(f"{path.name} already exists; choose another name.")
        if not path.parent.is_dir():
            raise CaseFileError(f"The folder for {path.name} does not exist.")
        conn = _connect(path, read_only=False)
        case = cls(conn, path, read_only=False)
        with case.transaction():
            conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
            schema.migrate(conn, 0)
            now = utc_now()
            case.set_meta("title", title)
            case.set_meta("created_at", now)
            case.set_meta("replica_id", uuid.uuid4().hex)
        return case

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> CaseFile:
        """Open an existing case file, migrating an older schema (unless read-only)."""
        path = Path(path)
        _check_header(path)
        try:
            conn = _connect(path, read_only=read_only)
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise CaseFileError(f"{path.name} is damaged and cannot be opened ({exc}).") from exc
        if app_id != schema.APPLICATION_ID:
            conn.close()
            raise CaseFileError(f"{path.name} is an SQLite database but not a case file.")
        if version > schema.SCHEMA_VERSION:
            conn.close()
            raise CaseFileError(
                f"{path.name} was written by a newer version of Case Workbench "
                f"(schema {version}); update the application to open it."
            )
        case = cls(conn, path, read_only=read_only)
        if version < schema.SCHEMA_VERSION:
            if read_only:
                conn.close()
                raise CaseFileError(f"{path.name} needs an upgrade; open it for writing once.")
            with case.transaction():
                schema.migrate(conn, version)
        return case

    def close(self) -> None:
        """Checkpoint the WAL into the main file (leaving no stale copies) and close."""
        if not self.read_only:
            with suppress(sqlite3.DatabaseError):
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()

    def __enter__(self) -> CaseFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions and metadata -------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything inside commits together or not at all."""
        if self.read_only:
            raise CaseFileError(f"{self.path.name} is open read-only.")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    @property
    def title(self) -> str:
        return self.meta("title", self.path.stem) or self.path.stem

    @property
    def replica_id(self) -> str:
        return self.meta("replica_id", "") or ""

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def integrity_errors(self) -> list[str]:
        """``PRAGMA integrity_check`` findings; empty when the file is sound."""
        rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check")]
        return [] if rows == ["ok"] else rows


def _check_header(path: Path) -> None:
    if not path.exists():
        raise CaseFileError(f"{path.name} does not exist.")
    if not path.is_file():
        raise CaseFileError(f"{path.name} is not a file.")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise CaseFileError(f"{path.name} cannot be read ({exc.strerror}).") from exc
    if head != SQLITE_MAGIC:
        raise CaseFileError(f"{path.name} is not a case file.")


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    if read_only:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    else:
        conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        if not read_only:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise CaseFileError(f"{path.name} cannot be opened in WAL mode ({mode}).")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise CaseFileError(f"{path.name} is damaged and cannot be opened ({exc}).") from exc
    return conn
