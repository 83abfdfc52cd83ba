"""The model: values, actions and outcomes, the dataset, the simulation's state, indexes.

Immutable; may import only ``columns`` and ``errors`` (no file format, engine or report).
"""
