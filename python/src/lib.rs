//! The Python module of amscore (built out in the Python issue).
