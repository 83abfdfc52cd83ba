"""The interactive explorer for Jupyter: pick an account or user, try an action, see it.

A top layer beside ``report`` and ``graph``: may import ``graph``, ``audit`` and below.
"""

from mfa_sim.explorer.widget import (
    NO_ACTOR,
    ActionForm,
    Explorer,
    ExplorerApp,
    Field,
    Preview,
    explore,
)

__all__ = ["NO_ACTOR", "ActionForm", "Explorer", "ExplorerApp", "Field", "Preview", "explore"]
