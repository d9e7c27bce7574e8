"""Dataclasses whose methods are compiled when the first one is made.

Defining a dataclass compiles its ``__init__``, ``__repr__`` and ``__eq__``
(and, frozen, ``__setattr__``, ``__delattr__`` and ``__hash__``): 0.3 to
0.5 ms each at import. A read command imports a score of records and makes
about half of them (`wt today` never builds a contact, a win or a health
record; `wt show` no search hit or referral tree). :func:`dataclass` is
written where ``dataclasses.dataclass`` would be, with the same options, and
processes the class with it when the first instance is made: until then the
class is only its annotations and defaults, and what is never made costs
nothing.

Nothing else about the class differs once it is made. Before the first
instance, ``dataclasses.fields(cls)`` does not know it yet: call
:func:`ready` first where the class itself is inspected.

The ``dataclasses`` module itself (about 6 M instructions, a tenth of a
read's own work) is imported with the first class made: :func:`field` only
notes its options until then, so a command that makes no record (`wt today`,
`wt contacts`, `wt summary`) does not import it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

__all__ = ["dataclass", "field", "ready"]

T = TypeVar("T", bound=type)
V = TypeVar("V")


class _Field:
    """What :func:`field` was given, until the class is processed."""

    __slots__ = ("options",)

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options


@overload
def field(*, default_factory: Callable[[], V], repr: bool = True, compare: bool = True) -> V: ...


@overload
def field(*, repr: bool = True, compare: bool = True) -> Any: ...


def field(**options: Any) -> Any:
    """``dataclasses.field(**options)``, made when the class is processed."""
    return _Field(options)


#: Classes waiting for their first instance, with their dataclass options.
_PENDING: dict[type, dict[str, Any]] = {}


def ready(cls: T) -> T:
    """Process ``cls`` (and a waiting base class first) now, if it is still waiting."""
    for base in reversed(cls.__mro__[1:]):
        if base in _PENDING:
            ready(base)
    options = _PENDING.pop(cls, None)
    if options is not None:
        del cls.__init__  # type: ignore[misc]  # the stand-in below
        _process(cls, options)
    return cls


_MISSING = object()


def _process(cls: type, options: dict[str, Any]) -> None:
    """``dataclasses.dataclass(cls, **options)``, with ``__repr__``, ``__eq__``
    and a frozen class's ``__hash__`` written as plain functions over the
    fields instead of compiled from source: each compiled method costs about
    0.1 ms, and most records are never printed, compared or hashed. They
    behave as the compiled ones do (tests/test_lazy_records.py compares them)."""
    repr_ = options.get("repr", True) and "__repr__" not in cls.__dict__
    eq = options.get("eq", True)
    own_eq = eq and "__eq__" not in cls.__dict__
    own_hash = cls.__dict__.get("__hash__", _MISSING)  # None when the class wrote __eq__
    explicit_hash = not (own_hash is _MISSING or (own_hash is None and "__eq__" in cls.__dict__))
    import dataclasses

    _made_fields(cls)
    if options.get("order") or options.get("unsafe_hash"):  # not used: the plain way
        dataclasses.dataclass(cls, **options)
        return
    dataclasses.dataclass(cls, **{**options, "repr": False, "eq": False})
    fields = dataclasses.fields(cls)
    if repr_:
        shown = tuple(f.name for f in fields if f.repr)
        cls.__repr__ = _repr(shown)  # type: ignore[assignment]
    compared = tuple(f.name for f in fields if f.compare)
    if own_eq:
        cls.__eq__ = _eq(compared)  # type: ignore[assignment]
    if eq and not explicit_hash:
        if options.get("frozen"):
            hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
            cls.__hash__ = _hash(hashed)  # type: ignore[assignment]
        else:
            cls.__hash__ = None  # type: ignore[assignment]  # as dataclasses does


def _made_fields(cls: T) -> T:
    """``cls`` with what :func:`field` noted made into dataclass fields."""
    import dataclasses

    for name, value in list(cls.__dict__.items()):
        if isinstance(value, _Field):
            setattr(cls, name, dataclasses.field(**value.options))
    return cls


def _repr(names: tuple[str, ...]) -> Callable[[Any], str]:
    from reprlib import recursive_repr

    @recursive_repr()
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return __repr__


def _eq(names: tuple[str, ...]) -> Callable[[Any, Any], Any]:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)
        return NotImplemented

    return __eq__


def _hash(names: tuple[str, ...]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(tuple(getattr(self, n) for n in names))

    return __hash__


def _defer(cls: T, options: dict[str, Any]) -> T:
    for base in cls.__mro__[1:]:
        if base in _PENDING:  # a subclass needs its base's fields now
            ready(base)
    _PENDING[cls] = options

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        ready(cls)
        cls.__init__(self, *args, **kwargs)  # type: ignore[misc]

    cls.__init__ = __init__  # type: ignore[misc]
    return cls


@overload
def dataclass(cls: T, /) -> T: ...


@overload
def dataclass(
    *, frozen: bool = False, eq: bool = True, order: bool = False, kw_only: bool = False
) -> Callable[[T], T]: ...


@dataclass_transform(field_specifiers=(field,))
def dataclass(cls: Any = None, /, **options: Any) -> Any:
    """``dataclasses.dataclass(cls, **options)``, applied at the first instance."""
    if cls is None:
        return lambda c: _defer(c, options)
    return _defer(cls, options)
