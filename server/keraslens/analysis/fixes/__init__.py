"""Fixes: the edit model (text edits with an applicability) and the edits fixes are built from."""
