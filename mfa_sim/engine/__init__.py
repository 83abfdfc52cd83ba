"""The engine: actions applied step by step under a policy, scenarios, TOTP, simulations.

May import ``policy``, ``data``, ``model``, ``columns`` and ``errors``; never the
audit, a report, a graph or the command line.
"""
