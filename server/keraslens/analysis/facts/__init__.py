"""Facts: per-class weight and sublayer sites, model graphs, and facts of library classes."""
