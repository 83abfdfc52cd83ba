"""Columns: computing with Arrow columns (chunks, trimmed text, keys by Arrow's hash kernels).

May import only ``mfa_sim.errors``; every layer above may import it.
"""
