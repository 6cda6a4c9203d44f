"""Interpretation: the abstract interpreter, its values and shapes, the built-in layer table, and counts."""
