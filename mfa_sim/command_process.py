"""Settings for a process that runs one ``mfa-sim`` command and exits.

A library must not change process-wide settings behind its caller's back; the command
line owns its process and sets two, before numpy and Arrow are first imported.
"""

from __future__ import annotations

import os

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_LARGEST_HEAP_BLOCK = 32 << 20
"""The largest block glibc accepts to serve from its heaps rather than by ``mmap``."""
_KEPT_FREE = 1 << 30


def prepare_command_process() -> None:
    """Tune the process for one command over a whole dataset.

    - OpenBLAS is kept to one thread unless the user set ``OPENBLAS_NUM_THREADS``: the
      commands do no linear algebra, and its idle threads would only compete with
      Arrow's for the cores.
    - The C allocator keeps what is freed (:func:`keep_freed_memory`).
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    keep_freed_memory()


def keep_freed_memory() -> bool:
    """Have glibc reuse freed memory instead of handing it back to the kernel.

    Loading a million users makes hundreds of short-lived arrays of a few megabytes.
    By default glibc serves each from a fresh ``mmap`` and unmaps it when freed, so the
    next one costs the kernel a page fault and a zeroed page for every 4 KiB: on a
    million users, more time than the arithmetic done in them. Served from the heap
    and kept there, freed blocks are simply reused. The memory is returned when the
    process exits.

    Returns
    -------
    bool
        Whether the allocator took the settings; ``False`` where the C library is not
        glibc (musl, macOS, Windows), which then keeps its own defaults.

    Examples
    --------
    >>> keep_freed_memory() in (True, False)
    True
    """
    try:
        os.confstr("CS_GNU_LIBC_VERSION")
    except (ValueError, OSError, AttributeError):
        return False
    import ctypes

    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, _LARGEST_HEAP_BLOCK)
                and mallopt(_M_TRIM_THRESHOLD, _KEPT_FREE))


__all__ = ["keep_freed_memory", "prepare_command_process"]
