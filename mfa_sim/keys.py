"""Hash-based grouping of key columns: codes, duplicates, first occurrences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True, slots=True)
class KeyCodes:
    """Each row's key as a dense code, numbered in order of first appearance.

    Examples
    --------
    >>> import pyarrow as pa
    >>> keys = encode_keys(pa.array(["b", "a", "b", "c", "a"]))
    >>> keys.codes.tolist(), keys.duplicate_rows().tolist()
    ([0, 1, 0, 2, 1], [2, 4])
    >>> keys.first_row_of(keys.duplicate_rows()).tolist()
    [0, 1]
    """

    codes: np.ndarray
    distinct: int

    def first_rows(self) -> np.ndarray:
        """For each code, the row where it first appears."""
        seen_before = np.empty_like(self.codes)
        if self.codes.size:
            seen_before[0] = -1
            np.maximum.accumulate(self.codes[:-1], out=seen_before[1:])
        return np.flatnonzero(self.codes > seen_before)

    def duplicate_rows(self) -> np.ndarray:
        """Rows whose key already appeared on an earlier row."""
        if not self.codes.size:
            return np.empty(0, dtype=np.int64)
        seen_before = np.empty_like(self.codes)
        seen_before[0] = -1
        np.maximum.accumulate(self.codes[:-1], out=seen_before[1:])
        return np.flatnonzero(self.codes <= seen_before)

    def first_row_of(self, rows: np.ndarray) -> np.ndarray:
        """For each given row, the first row that has the same key."""
        return self.first_rows()[self.codes[rows]]


def encode_keys(*columns: pa.Array) -> KeyCodes:
    """Encode one key column, or several forming one composite key."""
    import pyarrow as pa

    if len(columns) == 1:
        encoded = columns[0].dictionary_encode()
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        return KeyCodes(codes, len(encoded.dictionary))
    parts = [encode_keys(column) for column in columns]
    combined = parts[0].codes
    for part in parts[1:]:
        combined = combined * part.distinct + part.codes
    return encode_keys(pa.array(combined))
