"""keraslens: parameter counts and custom-layer diagnostics for Keras code."""
__version__ = "0.1.0"
