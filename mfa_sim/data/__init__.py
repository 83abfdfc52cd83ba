"""Data: datasets to and from files (reading, parsing, loading, saving, generating).

May import ``model``, ``columns`` and ``errors``; never the engine, audit or a report.
"""
