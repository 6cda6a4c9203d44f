"""Names: what each name in a file means (imports, Keras flavour, base classes across files)."""
