"""The only layer that knows SQL and sqlite-utils."""

from pathlib import Path

from wintogether.store.connection import Connection
from wintogether.store.handle import Store
from wintogether.store.opening import connect

__all__ = ["Connection", "Store", "connect", "open_store"]


def open_store(path: Path, *, create: bool = False) -> tuple[Store, bool]:
    """Open the database at ``path`` with every safety setting; see ``connect``."""
    connection, created = connect(path, create=create)
    return Store(connection), created
