"""Pure analysis of Keras code: no pygls, no TensorFlow (see DESIGN.md section 6)."""
