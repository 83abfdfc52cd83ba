"""An open-addressing hash table of distinct 64-bit fingerprints, built and probed with
whole-array numpy operations.

Arrow's hash kernels keep a memo table several times the size of the keys; for a
million ids and their references that is a hundred megabytes of fresh memory, which
costs more than the hashing. This table is one array of row numbers, twice as long as
the keys, and lookups run in batches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_BATCH = 1 << 16


@dataclass(frozen=True)
class FingerprintTable:
    """Where each distinct fingerprint sits among the rows it was built from.

    Examples
    --------
    >>> keys = np.array([7, 3, 11], dtype=np.uint64) << np.uint64(40)
    >>> table = FingerprintTable.build(keys)
    >>> table.rows_of(np.array([11, 5, 7, 3], dtype=np.uint64) << np.uint64(40)).tolist()
    [2, -1, 0, 1]
    >>> FingerprintTable.build(np.array([1, 1], dtype=np.uint64)) is None
    True
    """

    keys: np.ndarray
    slots: np.ndarray
    """Row of the key in each slot, -1 for an empty slot."""
    shift: np.uint64
    """A key's first slot is its top bits: fingerprints are well mixed there."""

    @classmethod
    def build(cls, keys: np.ndarray) -> FingerprintTable | None:
        """The table of ``keys``, or ``None`` if two rows share a key."""
        bits = max(4, (2 * len(keys)).bit_length())
        slots = np.full(1 << bits, -1, dtype=np.int64)
        shift = np.uint64(64 - bits)
        # In batches, in order: a twin in an earlier batch is in the table already.
        for begin in range(0, len(keys), _BATCH):
            if not _insert(keys, slots, shift, begin, min(begin + _BATCH, len(keys))):
                return None
        return cls(keys, slots, shift)

    def row_of(self, key: int) -> int:
        """The row holding one key, or -1: a probe or two, for a lookup by id.

        Examples
        --------
        >>> table = FingerprintTable.build(np.array([5, 9], dtype=np.uint64))
        >>> table.row_of(9), table.row_of(4)
        (1, -1)
        """
        slot = key >> int(self.shift)
        while (row := int(self.slots[slot])) >= 0:
            if int(self.keys[row]) == key:
                return row
            slot = slot + 1 if slot + 1 < len(self.slots) else 0
        return -1

    def rows_of(self, wanted: np.ndarray) -> np.ndarray:
        """For each wanted key, the row holding it, or -1."""
        found = np.full(len(wanted), -1, dtype=np.int64)
        if not len(self.keys):
            return found
        last = len(self.slots) - 1
        for begin in range(0, len(wanted), _BATCH):
            batch = wanted[begin : begin + _BATCH]
            out = found[begin : begin + len(batch)]
            # Most keys sit in their first slot: one pass settles them, without the
            # bookkeeping of the rounds that follow for the others.
            slot = (batch >> self.shift).astype(np.int64)
            held = self.slots[slot]
            occupied = held >= 0
            match = self.keys[held] == batch  # an empty slot (-1) reads the last key
            match &= occupied
            np.copyto(out, held)
            out[~match] = -1
            pending = np.flatnonzero(occupied & ~match)
            slot = slot[pending] + 1
            while pending.size:
                slot[slot > last] = 0
                held = self.slots[slot]
                # An empty slot ends the search: the key is absent.
                probing = np.flatnonzero(held >= 0)
                rows = held[probing]
                hit = self.keys[rows] == batch[pending[probing]]
                out[pending[probing[hit]]] = rows[hit]
                onward = probing[~hit]
                pending = pending[onward]
                slot = slot[onward] + 1
        return found


def _insert(keys: np.ndarray, slots: np.ndarray, shift: np.uint64, begin: int,
            end: int) -> bool:
    """Put the rows ``begin`` to ``end`` in the table; ``False`` if one has a twin."""
    last = len(slots) - 1
    pending = np.arange(begin, end, dtype=np.int64)
    slot = (keys[begin:end] >> shift).astype(np.int64)
    while pending.size:
        held = slots[slot]
        taken = held >= 0
        if (keys[held[taken]] == keys[pending[taken]]).any():
            return False
        free = ~taken
        claimed, where = pending[free], slot[free]
        # Rows wanting one free slot in the same round: one gets it, the others look at
        # that slot again (where a twin would now be found), while those that found
        # their slot taken by another key move on (linear probing).
        slots[where] = claimed
        lost = slots[where] != claimed
        onward = slot[taken] + 1
        onward[onward > last] = 0
        pending = np.concatenate([pending[taken], claimed[lost]])
        slot = np.concatenate([onward, where[lost]])
    return True


__all__ = ["FingerprintTable"]
