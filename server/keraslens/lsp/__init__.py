"""The language server: thin pygls handlers over ``keraslens.analysis`` (which knows nothing of LSP)."""
