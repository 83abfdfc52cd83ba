"""The engine: actions applied step by step under a policy, scenarios, TOTP, simulations.

May import ``policy``, ``data``, ``model``, ``columns``, ``errors``; never audit, report, graph or cli.
"""
