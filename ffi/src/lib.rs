//! The C API of amscore (built out in the C API issue).
