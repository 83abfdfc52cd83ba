"""Columns: computing with Arrow columns (chunks, fingerprints, key codes, text bytes).

May import only ``mfa_sim.errors``; every layer above may import it.
"""
