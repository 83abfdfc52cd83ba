"""Settings for a process that runs one ``mfa-sim`` command and exits.

A library must not change process-wide settings behind its caller's back; the command
line owns its process and sets three, before numpy and Arrow are first imported.
"""

from __future__ import annotations

import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_LARGEST_HEAP_BLOCK = 32 << 20
"""The largest block glibc accepts to serve from its heaps rather than by ``mmap``."""
_KEPT_FREE = 1 << 30
_PR_SET_THP_DISABLE = 41


def prepare_command_process() -> None:
    """Tune the process for one command over a whole dataset.

    - OpenBLAS is kept to one thread unless the user set ``OPENBLAS_NUM_THREADS``: the
      commands do no linear algebra, and its idle threads would only compete with
      Arrow's for the cores.
    - The C allocator keeps what is freed (:func:`keep_freed_memory`).
    - Memory comes in ordinary pages, not huge ones (:func:`avoid_huge_pages`).
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    keep_freed_memory()
    avoid_huge_pages()


def avoid_huge_pages() -> bool:
    """Have Linux back this process with ordinary 4 KiB pages, not transparent huge
    pages.

    Arrow's allocator and numpy ask for huge pages for large blocks. The kernel then
    clears 2 MiB at the first touch of each, and on a busy machine sometimes compacts
    memory to find one: profiled, loading a million users spent up to two fifths of
    its CPU time clearing pages, more in some runs than others. Ordinary pages cost a
    steadier price.

    Returns
    -------
    bool
        Whether the kernel took the setting; ``False`` off Linux, which keeps its own.

    Examples
    --------
    In a child process, so that the caller's own stays as it is (Linux):

    >>> import subprocess, sys
    >>> child = ("from mfa_sim.cli.process import avoid_huge_pages as avoid; took = avoid(); "
    ...          "print(took, 'THP_enabled:\\t0' in open('/proc/self/status').read())")
    >>> subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
    ...                check=True).stdout.split()
    ['True', 'True']
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)
    return prctl is not None and prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0


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
    In a child process, so that the caller's allocator stays as it is (glibc):

    >>> import subprocess, sys
    >>> child = "from mfa_sim.cli.process import keep_freed_memory as keep; print(keep())"
    >>> subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
    ...                check=True).stdout.split()
    ['True']
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


__all__ = ["avoid_huge_pages", "keep_freed_memory", "prepare_command_process"]
