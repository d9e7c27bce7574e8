"""Records written out rather than compiled: a frozen dataclass compiles its
``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` and
``__delattr__`` when the first one is made (0.3 to 0.5 ms a class, see
records.py). The records nearly every read builds (the config), and those a
read builds by the hundred where a millisecond counts (an account's people,
the links of a warm path), subclass :class:`Frozen` instead: equal, hashed,
immutable and shown as the dataclass was. :class:`Record` is the same for a
plain (mutable) dataclass: equal, unhashable, shown by its fields.
"""

from __future__ import annotations


class Frozen:
    """Equal, hashed, immutable and shown by their fields, like a frozen
    dataclass. A subclass names its ``_fields`` in order and writes its
    ``__init__``, setting them with ``_set``."""

    #: The fields, in order.
    _fields: tuple[str, ...] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Frozen)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _set(self, **values: object) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)


class Record:
    """Equal and shown by their fields, unhashable and assignable, like a
    dataclass that is not frozen. A subclass names its ``_fields`` in order and
    writes its ``__init__``."""

    #: The fields, in order.
    _fields: tuple[str, ...] = ()

    __hash__ = None  # type: ignore[assignment]  # as a dataclass with __eq__

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        names = self._fields
        return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({shown})"


class Plain:
    """Equal and shown by their fields, like a (mutable, unhashable)
    dataclass. A subclass names its ``_fields`` in order and writes its
    ``__init__``."""

    __slots__ = ()
    #: The fields, in order.
    _fields: tuple[str, ...] = ()
    __hash__ = None  # type: ignore[assignment]  # mutable and equal by value

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Plain)
        return self._values() == other._values()

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({shown})"
