"""Handing freed memory back: Arrow's pool scoped to the C heap, glibc's heap trimmed."""

from __future__ import annotations

import platform

import pyarrow as pa
import pytest

from dataset.runtime.memory import arrow_on_c_heap, release_freed_memory


def test_arrow_allocates_from_malloc_inside_the_block_only():
    before = pa.default_memory_pool().backend_name
    with arrow_on_c_heap():
        assert pa.default_memory_pool().backend_name == "system"
        inside = pa.array(["Карабах", "卡拉巴赫", "كاراباخ", "Ka-ra-bắc", ""])
    assert pa.default_memory_pool().backend_name == before
    assert inside.to_pylist()[3] == "Ka-ra-bắc"  # a buffer outlives the block that made it


def test_the_pool_is_restored_after_an_error():
    before = pa.default_memory_pool().backend_name
    with pytest.raises(RuntimeError), arrow_on_c_heap():
        raise RuntimeError("stop")
    assert pa.default_memory_pool().backend_name == before


@pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
    reason="malloc_trim is glibc's",
)
def test_glibc_heap_is_trimmed_and_freed_arrow_memory_stays_freed():
    allocated = pa.total_allocated_bytes()
    table = pa.table({"text": ["Xung đột " * 1000] * 200})
    assert pa.total_allocated_bytes() > allocated
    del table
    assert release_freed_memory() is True
    assert pa.total_allocated_bytes() == allocated
