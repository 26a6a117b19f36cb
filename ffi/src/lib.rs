//! The C API of amscore: engine handles, the JSON gateway, typed fast paths (status, terms, quote
//! totals, the renewal decision, the per-member assessment), a whole roster through the Arrow C
//! stream interface, and result codes.
//!
//! Every exported function runs inside a panic boundary, checks every pointer for NULL, and
//! writes its outputs only on success. The header `include/amscore.h` is generated from this
//! crate by the cbindgen CLI (see `ffi/cbindgen.toml`).
#![allow(non_camel_case_types)]

mod assessment;
mod decision;
mod engine;
mod quote;
mod result;
mod stream;
mod typed;

use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

pub use assessment::*;
pub use decision::*;
pub use engine::*;
pub use quote::*;
pub use result::*;
pub use stream::*;
pub use typed::*;

/// The major version of this amscore build.
pub const AMS_VERSION_MAJOR: u32 = 0;
/// The minor version of this amscore build.
pub const AMS_VERSION_MINOR: u32 = 1;
/// The patch version of this amscore build.
pub const AMS_VERSION_PATCH: u32 = 0;

/// The library's version as a static NUL-terminated string (`"0.1.0"`); never free it.
#[no_mangle]
pub extern "C" fn ams_version() -> *const c_char {
    const VERSION: &CStr = match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => c"unknown",
    };
    guard_value(c"unknown".as_ptr(), || VERSION.as_ptr())
}

/// Runs an exported body inside the panic boundary: a failure is recorded as the thread's last
/// error and its code returned; a panic becomes `AMS_RESULT_PANIC`.
fn guard(body: impl FnOnce() -> Result<(), Failure>) -> ams_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => ams_result::Ok,
        Ok(Err(failure)) => record(failure),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            record(Failure::new(ams_result::Panic, format!("amscore panicked: {what}")))
        }
    }
}

/// Runs an infallible exported body inside the panic boundary, returning `fallback` on a panic.
fn guard_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// Turns a possibly NULL pointer into a reference, naming the argument when it is NULL.
///
/// # Safety
/// A non-NULL `ptr` must point to a valid, initialised `T` for the lifetime `'a`.
unsafe fn deref<'a, T>(ptr: *const T, argument: &str) -> Result<&'a T, Failure> {
    // SAFETY: the caller's contract is passed on.
    unsafe { ptr.as_ref() }.ok_or_else(|| Failure::null(argument))
}

/// Checks an output pointer for NULL, naming the argument.
fn out_ptr<T>(ptr: *mut T, argument: &str) -> Result<*mut T, Failure> {
    if ptr.is_null() {
        Err(Failure::null(argument))
    } else {
        Ok(ptr)
    }
}

/// The largest JSON document (a policy, a gateway request) the C API reads: 64 MiB. A longer
/// `len` is refused with `AMS_RESULT_INPUT_TOO_LONG` before a byte is read.
pub const AMS_MAX_DOCUMENT_LEN: usize = 67_108_864;

/// The largest id or name (a plan id, a preset name) the C API reads: 4 KiB. A longer `len` is
/// refused with `AMS_RESULT_INPUT_TOO_LONG` before a byte is read.
pub const AMS_MAX_ID_LEN: usize = 4096;

/// Reads a `(const char *ptr, size_t len)` string argument as UTF-8, refusing a `len` above
/// `max` (which also keeps `len` within `isize::MAX`, the most a slice may hold) before reading.
///
/// # Safety
/// A non-NULL `ptr` must be valid for `len` bytes of reading for the lifetime `'a` whenever
/// `len <= max`.
unsafe fn str_arg<'a>(ptr: *const c_char, len: usize, max: usize, argument: &str) -> Result<&'a str, Failure> {
    const { assert!(AMS_MAX_DOCUMENT_LEN <= isize::MAX as usize && AMS_MAX_ID_LEN <= AMS_MAX_DOCUMENT_LEN) };
    if ptr.is_null() {
        return Err(Failure::null(argument));
    }
    if len > max {
        return Err(Failure::new(
            ams_result::InputTooLong,
            format!("{argument}: {len} bytes is more than the {max} this argument takes"),
        )
        .at(argument));
    }
    // SAFETY: non-NULL, `len <= max <= isize::MAX`, and the caller promises `len` readable bytes.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    std::str::from_utf8(bytes).map_err(|e| {
        Failure::new(ams_result::InvalidUtf8, format!("{argument}: invalid UTF-8 at byte {}", e.valid_up_to()))
            .at(argument)
    })
}

/// Copies `bytes` into a caller's buffer (no terminating NUL) and the length into `out_n`; if the
/// buffer is too small, writes the needed size to `out_n` and fails with
/// `AMS_RESULT_INSUFFICIENT_SIZE`, leaving the buffer untouched.
///
/// # Safety
/// A non-NULL `buf` must be valid for `cap` bytes of writing; a non-NULL `out_n` for one `usize`.
unsafe fn copy_out(bytes: &[u8], buf: *mut c_char, cap: usize, out_n: *mut usize) -> Result<(), Failure> {
    let out_n = out_ptr(out_n, "out_n")?;
    let buf = out_ptr(buf, "out_buf")?;
    if bytes.len() > cap {
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { out_n.write(bytes.len()) };
        return Err(Failure::new(
            ams_result::InsufficientSize,
            format!("the output buffer holds {cap} bytes; {} are needed", bytes.len()),
        ));
    }
    // SAFETY: `buf` is non-NULL and writable for `cap >= bytes.len()` bytes; the regions are
    // distinct because `bytes` is owned by Rust.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf.cast::<u8>(), bytes.len());
        out_n.write(bytes.len());
    }
    Ok(())
}

/// The enumerators of the committed header whose names start with `prefix` (`AMS_STATUS_`): each
/// name without the prefix, lowercased (`grace`), with its number.
#[cfg(test)]
pub(crate) fn header_enumerators(prefix: &str) -> std::collections::BTreeMap<String, u32> {
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../include/amscore.h"))
        .expect("include/amscore.h is committed");
    header
        .lines()
        .filter_map(|l| l.trim().strip_prefix(prefix))
        .filter_map(|l| {
            let (name, number) = l.trim_end_matches(',').split_once(" = ")?;
            Some((name.to_lowercase(), number.parse().expect("numeric enumerator")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_macros_match_cargo() {
        assert_eq!(AMS_VERSION_MAJOR.to_string(), env!("CARGO_PKG_VERSION_MAJOR"));
        assert_eq!(AMS_VERSION_MINOR.to_string(), env!("CARGO_PKG_VERSION_MINOR"));
        assert_eq!(AMS_VERSION_PATCH.to_string(), env!("CARGO_PKG_VERSION_PATCH"));
        // SAFETY: ams_version returns a static NUL-terminated string.
        let v = unsafe { std::ffi::CStr::from_ptr(ams_version()) };
        assert_eq!(v.to_str(), Ok(env!("CARGO_PKG_VERSION")));
    }

    #[test]
    fn a_panic_is_caught_and_reported_as_panic_with_its_message() {
        let result = guard(|| panic!("boom"));
        assert_eq!(result, ams_result::Panic);
        with_last_error(|e| {
            let e = e.expect("a last error");
            assert_eq!(e.result, ams_result::Panic);
            assert_eq!(e.message, "amscore panicked: boom");
        });
        assert_eq!(guard_value(7, || panic!("boom")), 7);
    }
}
