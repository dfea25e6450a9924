"""Named build stages that an observer (the benchmark, a profiler) can time.

The pipeline wraps each of its steps in ``stage(name)``; ``observe(callback)`` registers a function
called as ``callback("start" | "end", name)``. With no observer this costs nothing measurable.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Observer = Callable[[str, str], None]
_OBSERVERS: list[Observer] = []


def observe(callback: Observer) -> Callable[[], None]:
    """Register ``callback``; returns a function that unregisters it."""
    _OBSERVERS.append(callback)
    return lambda: _OBSERVERS.remove(callback)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Tell the observers that stage ``name`` starts, and that it ends (even on an error)."""
    for callback in list(_OBSERVERS):
        callback("start", name)
    try:
        yield
    finally:
        for callback in list(_OBSERVERS):
            callback("end", name)


def timed_stage(name: str) -> Callable:
    """Decorator form of ``stage`` for a pipeline function."""

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with stage(name):
                return function(*args, **kwargs)

        return wrapper

    return decorate
