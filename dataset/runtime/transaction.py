"""The release transaction: one build of ``out_dir`` at a time, staged beside it, swapped in whole.

A build (or ``validate --write``) takes the lock of ``out_dir`` (``lock_out_dir``), writes into a
hidden staging folder beside it (``make_staging_dir``, which first cleans up after killed builds),
and publishes by swapping that folder with ``out_dir`` in one atomic rename (``publish_staging``),
then flushes the parent folder. A kill at any moment leaves the old or the new release, whole.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import re
import shutil
import sys
import threading
from pathlib import Path

import psutil

from dataset.errors import BuildError


def lock_out_dir(out_dir: Path) -> int:
    """Take the build lock of ``out_dir``: an exclusive ``flock`` on ``.<out name>.lock`` beside it.

    Returns the descriptor that holds the lock until ``unlock_out_dir`` (or the end of the
    process, so a killed build never leaves it taken). Raises BuildError naming the holder's pid
    when another build of the same ``out_dir`` is running: two builds would publish over each
    other.
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    path = sibling_path(out_dir, "lock", None)
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(descriptor)
            raise BuildError(
                f"another build of {out_dir} is running (pid {holder}); wait for it to finish "
                "or build into another --out"
            ) from None
        if same_file(descriptor, path):
            break
        os.close(descriptor)  # the holder removed the file as we opened it: lock the new one
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
    return descriptor


def unlock_out_dir(descriptor: int, out_dir: Path) -> None:
    """Release the build lock and remove its file (a killed build leaves it: it holds no state)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(sibling_path(out_dir.resolve(), "lock", None))
    os.close(descriptor)


def same_file(descriptor: int, path: Path) -> bool:
    """Whether an open file descriptor and ``path`` are the same file."""
    try:
        return os.path.samestat(os.fstat(descriptor), os.stat(path))
    except FileNotFoundError:
        return False


def make_staging_dir(out_dir: Path) -> Path:
    """A fresh folder ``.<out name>.staging-<pid>`` beside ``out_dir``.

    Made after recovering from any build of the same ``out_dir`` that was killed (see
    ``recover_interrupted_builds``).

    The name is hidden and never the release's name, so a half-written build is never mistaken for
    a release; a release only appears at ``out_dir`` when it is complete (``publish_staging``).
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    recover_interrupted_builds(out_dir)
    staging = sibling_path(out_dir, "staging", os.getpid())
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    return staging


def sibling_path(out_dir: Path, kind: str, pid: int | None) -> Path:
    """The hidden ``.<out name>.<kind>-<pid>`` (or ``.<out name>.<kind>``) next to ``out_dir``."""
    suffix = f"-{pid}" if pid is not None else ""
    return out_dir.parent / f".{out_dir.name}.{kind}{suffix}"


def recover_interrupted_builds(out_dir: Path) -> None:
    """Clean up after builds of ``out_dir`` that died (their process is gone).

    Only folders named ``.<out name>.staging-<pid>`` or ``.<out name>.previous-<pid>`` next to
    ``out_dir`` are touched, and only when no process ``pid`` is running. A ``previous`` folder
    whose build died between its two renames (see ``publish_staging``) is the last complete
    release: it is moved back to ``out_dir`` when that is missing, otherwise deleted.
    """
    pattern = re.compile(rf"\.{re.escape(out_dir.name)}\.(staging|previous)-(\d+)")
    stale = []
    for path in out_dir.parent.iterdir():
        match = pattern.fullmatch(path.name)
        if match and (int(match[2]) == os.getpid() or not psutil.pid_exists(int(match[2]))):
            stale.append((match[1], path))
    for kind, path in sorted(stale):
        if kind == "previous" and not os.path.lexists(out_dir):
            path.rename(out_dir)
        else:
            shutil.rmtree(path, ignore_errors=True)


def publish_staging(staging: Path, out_dir: Path) -> None:
    """Put the finished staging folder at ``out_dir``, replacing any previous release.

    A kill at any moment leaves a complete release at ``out_dir``, the old or the new one. On
    Linux the two folders are swapped in one atomic ``renameat2(RENAME_EXCHANGE)`` and the old
    release, now at the staging path, is deleted. Where that call is missing, the old release is
    renamed to ``.<out name>.previous-<pid>`` first; a kill between the two renames leaves no
    release at ``out_dir`` for an instant, and the next build moves the previous one back
    (``recover_interrupted_builds``).
    """
    shutil.rmtree(staging / "_work", ignore_errors=True)
    out_dir = out_dir.resolve()
    if not os.path.lexists(out_dir):
        staging.rename(out_dir)
    elif exchange_paths(staging, out_dir):
        shutil.rmtree(staging)
    else:
        previous = sibling_path(out_dir, "previous", os.getpid())
        out_dir.rename(previous)
        staging.rename(out_dir)
        shutil.rmtree(previous, ignore_errors=True)
    sync_folder(out_dir.parent)


RENAME_EXCHANGE = 2  # linux/fs.h
AT_FDCWD = -100


def exchange_paths(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``).

    Returns False, having changed nothing, when the platform, C library or filesystem lacks the
    call; raises OSError on any other failure.
    """
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    first_b, second_b = os.fsencode(first), os.fsencode(second)
    if renameat2(AT_FDCWD, first_b, AT_FDCWD, second_b, RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (the renames) to disk where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_in_background(folder: Path) -> threading.Thread:
    """Start removing ``folder`` and everything in it (errors ignored) in a thread.

    For scratch files no step reads again (the build's spill): unlinking them is kernel work
    that runs beside the next steps. ``join()`` the thread before anything lists the folder
    holding ``folder`` (the checksums), and before leaving.
    """
    thread = threading.Thread(
        target=shutil.rmtree,
        args=(folder,),
        kwargs={"ignore_errors": True},
        name="remove-scratch",
        daemon=True,
    )
    thread.start()
    return thread
