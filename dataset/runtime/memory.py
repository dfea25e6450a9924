"""Give the memory that validation frees back to the operating system.

Validation reads a release in bounded batches, but each batch is copied several times by Great
Expectations' pandas engine and then freed. Freed memory that the allocators keep for later
shows as resident memory all the same: measured on a 200,000-document release (one process),
pyarrow's default allocator (mimalloc, one heap per thread) held about 170 MB more after reading
the release's key columns than the C heap did, and the C heap ended each batch with tens of
megabytes of free pages that ``malloc_trim`` returns. The peak then grew with the release
instead of with the batch.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pyarrow as pa


@contextmanager
def arrow_on_c_heap() -> Iterator[None]:
    """Inside the block, Arrow allocates from the C heap (``pa.system_memory_pool``).

    The pool in use before is restored on leaving, even on an error. Buffers keep the pool they
    were allocated from, so arrays made before or inside the block stay valid after it.
    """
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


def release_freed_memory() -> bool:
    """Return the free pages of Arrow's pool and of the C heap to the operating system.

    True when the C heap was trimmed (glibc's ``malloc_trim``); False where the C library has
    no such call (musl, macOS, Windows), where only Arrow's pool is asked. Never raises.
    """
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """The C library's ``malloc_trim`` (glibc), or None when the C library has none."""
    name = ctypes.util.find_library("c")
    try:
        library = ctypes.CDLL(name)
        trim = library.malloc_trim
    except (OSError, AttributeError, TypeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim
