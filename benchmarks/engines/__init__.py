"""Sketches of the dataset loader on three engines, measured by ``bench_engines.py``.

Each module (``arrow_engine``, ``polars_engine``, ``duckdb_engine``) does the loader's
whole job on a dataset folder (contract §1): read the four CSVs as text, trim, parse,
check within and across files, locate every problem by file line, and hand back typed
Arrow tables as mfa_sim holds them. What the rules say (spellings, plans, roles, times,
which checks exist) comes from :mod:`engines.contract`, shared by all three, so the
sketches differ only in how their engine does the work.
"""
