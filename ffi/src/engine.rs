//! Engine handles: compiling a policy, freeing it, and the JSON gateway.

use std::ffi::c_char;

use amscore::Engine;

use crate::{ams_result, copy_out, deref, guard, guard_value, out_ptr, str_arg, AMS_MAX_DOCUMENT_LEN, AMS_MAX_ID_LEN};

/// A compiled policy. Immutable once built: every function takes it as `const ams_engine *`, and
/// one engine may be used from many threads at once without locking. Free it once with
/// `ams_engine_free`, after every thread is done with it.
pub struct ams_engine {
    pub(crate) engine: Engine,
}

/// Hands a new engine to the caller through `engine_out`.
///
/// # Safety
/// `engine_out` must be non-NULL (checked by the caller) and valid for one pointer of writing.
unsafe fn give(engine: Engine, engine_out: *mut *mut ams_engine) {
    let handle = Box::into_raw(Box::new(ams_engine { engine }));
    // SAFETY: the caller's contract.
    unsafe { engine_out.write(handle) };
}

/// Compiles a policy document (UTF-8 JSON, `len` bytes, not necessarily NUL-terminated) into an
/// engine, written to `*engine_out` on success. A policy may name a preset
/// (`{"version": 1, "preset": "amscore"}`) and override parts of it.
///
/// # Safety
/// `json` must be valid for `len` bytes of reading; `engine_out` for one pointer of writing.
///
/// # Errors
/// `AMS_RESULT_NULL_PARAMETER`, `AMS_RESULT_INPUT_TOO_LONG`, `AMS_RESULT_INVALID_UTF8`, or a policy error (1200 block) whose
/// message and path `ams_last_error_message` and `ams_last_error_path` give.
#[no_mangle]
pub unsafe extern "C" fn ams_engine_new_from_json(
    json: *const c_char,
    len: usize,
    engine_out: *mut *mut ams_engine,
) -> ams_result {
    guard(|| {
        let engine_out = out_ptr(engine_out, "engine_out")?;
        // SAFETY: the caller's contract.
        let text = unsafe { str_arg(json, len, AMS_MAX_DOCUMENT_LEN, "json") }?;
        let engine = Engine::from_json(text)?;
        // SAFETY: checked non-NULL; the caller's contract.
        unsafe { give(engine, engine_out) };
        Ok(())
    })
}

/// Compiles a preset shipped with the library (`"amscore"`, `"civicrm"`, `"tendenci"`) into an
/// engine, written to `*engine_out` on success.
///
/// # Safety
/// `name` must be valid for `len` bytes of reading; `engine_out` for one pointer of writing.
///
/// # Errors
/// `AMS_RESULT_NULL_PARAMETER`, `AMS_RESULT_INPUT_TOO_LONG`, `AMS_RESULT_INVALID_UTF8`, `AMS_RESULT_UNKNOWN_PRESET`.
#[no_mangle]
pub unsafe extern "C" fn ams_engine_new_from_preset(
    name: *const c_char,
    len: usize,
    engine_out: *mut *mut ams_engine,
) -> ams_result {
    guard(|| {
        let engine_out = out_ptr(engine_out, "engine_out")?;
        // SAFETY: the caller's contract.
        let name = unsafe { str_arg(name, len, AMS_MAX_ID_LEN, "name") }?;
        let engine = Engine::from_preset(name)?;
        // SAFETY: checked non-NULL; the caller's contract.
        unsafe { give(engine, engine_out) };
        Ok(())
    })
}

/// Frees an engine. NULL is allowed and does nothing. Free each engine exactly once, after every
/// thread has finished using it.
///
/// # Safety
/// `engine` must be NULL or a pointer from `ams_engine_new_*` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ams_engine_free(engine: *mut ams_engine) {
    guard_value((), || {
        if !engine.is_null() {
            // SAFETY: the caller's contract: an engine from Box::into_raw, freed once.
            drop(unsafe { Box::from_raw(engine) });
        }
    });
}

/// The JSON gateway: answers a request document (`{"op": "status_on", ...}`, UTF-8, `req_len`
/// bytes) with a response document `{"ok": ...}` or `{"error": {"code", "name", "message",
/// "path"?}}`, copied into `out_buf` (no terminating NUL) with its length in `out_n`. The
/// operations and documents are those of the shared vectors (`tests/vectors/README.md`).
///
/// An error *inside* the response (an unknown plan, a malformed request) still returns
/// `AMS_RESULT_OK`: the call itself succeeded. If `out_cap` is too small the call returns
/// `AMS_RESULT_INSUFFICIENT_SIZE` with the needed size in `out_n`; call again with a buffer that
/// large (the answer is the same: engines are pure).
///
/// # Safety
/// `engine` must come from `ams_engine_new_*`; `request` must be valid for `req_len` bytes of
/// reading, `out_buf` for `out_cap` bytes of writing, and `out_n` for one `size_t`.
///
/// # Errors
/// `AMS_RESULT_NULL_PARAMETER`, `AMS_RESULT_INPUT_TOO_LONG`, `AMS_RESULT_INVALID_UTF8`, `AMS_RESULT_INSUFFICIENT_SIZE`.
#[no_mangle]
pub unsafe extern "C" fn ams_engine_call(
    engine: *const ams_engine,
    request: *const c_char,
    req_len: usize,
    out_buf: *mut c_char,
    out_cap: usize,
    out_n: *mut usize,
) -> ams_result {
    guard(|| {
        // SAFETY: the caller's contract.
        let engine = unsafe { deref(engine, "engine") }?;
        let out_buf = out_ptr(out_buf, "out_buf")?;
        let out_n = out_ptr(out_n, "out_n")?;
        // SAFETY: the caller's contract.
        let request = unsafe { str_arg(request, req_len, AMS_MAX_DOCUMENT_LEN, "request") }?;
        // The core's reading of JSON text: a key given twice, or text that is not JSON, gets the
        // core's own syntax error document.
        let response = amscore::gateway::call(&engine.engine, request).into_bytes();
        // SAFETY: the caller's contract.
        unsafe { copy_out(&response, out_buf, out_cap, out_n) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    #[test]
    fn a_malformed_policy_reports_its_path() {
        let json = br#"{"version": 1, "preset": "amscore", "plans": [{"id": 3}]}"#;
        let mut engine = ptr::null_mut();
        // SAFETY: valid buffers.
        let r = unsafe { ams_engine_new_from_json(json.as_ptr().cast(), json.len(), &mut engine) };
        assert_eq!(r, ams_result::PolicySyntax);
        assert!(engine.is_null(), "engine_out is written only on success");
        crate::result::with_last_error(|e| assert_eq!(e.and_then(|e| e.path.as_deref()), Some("plans[0].id")));
    }

    #[test]
    fn a_length_above_the_maximum_is_refused_before_reading() {
        let mut engine = ptr::null_mut();
        // SAFETY: the length is refused before the pointer is read.
        let r = unsafe { ams_engine_new_from_json(c"{}".as_ptr(), usize::MAX, &mut engine) };
        assert_eq!(r, ams_result::InputTooLong);
        assert!(engine.is_null());
        crate::result::with_last_error(|e| {
            let e = e.expect("a last error");
            assert_eq!(e.message, format!("json: {} bytes is more than the 67108864 this argument takes", usize::MAX));
            assert_eq!(e.path.as_deref(), Some("json"));
        });
        // SAFETY: as above.
        let r = unsafe { ams_engine_new_from_preset(c"amscore".as_ptr(), AMS_MAX_ID_LEN + 1, &mut engine) };
        assert_eq!(r, ams_result::InputTooLong);
    }

    #[test]
    fn the_gateway_reports_the_needed_size_then_answers() {
        let mut engine = ptr::null_mut();
        // SAFETY: valid buffers.
        let r = unsafe { ams_engine_new_from_preset(c"amscore".as_ptr(), 7, &mut engine) };
        assert_eq!(r, ams_result::Ok);
        let req = br#"{"op": "join_term", "plan": "individual", "date": "2025-01-15"}"#;
        let mut n = 0usize;
        let mut buf = [0 as c_char; 4];
        // SAFETY: valid buffers.
        let r = unsafe { ams_engine_call(engine, req.as_ptr().cast(), req.len(), buf.as_mut_ptr(), 4, &mut n) };
        assert_eq!(r, ams_result::InsufficientSize);
        let mut big = vec![0 as c_char; n];
        let mut m = 0usize;
        // SAFETY: valid buffers.
        let r = unsafe { ams_engine_call(engine, req.as_ptr().cast(), req.len(), big.as_mut_ptr(), n, &mut m) };
        assert_eq!((r, m), (ams_result::Ok, n));
        let text: Vec<u8> = big.iter().map(|c| *c as u8).collect();
        let doc: serde_json::Value = serde_json::from_slice(&text).expect("JSON");
        assert_eq!(doc["ok"]["term"]["end"], "2026-01-14");
        // SAFETY: from ams_engine_new_from_preset, freed once.
        unsafe { ams_engine_free(engine) };
    }

    /// Sends `request` through `ams_engine_call` and returns the answer's bytes.
    fn call_bytes(engine: *const ams_engine, request: &str) -> Vec<u8> {
        let mut n = 0usize;
        let mut buf = vec![0 as c_char; 64 * 1024];
        // SAFETY: valid buffers of the given sizes.
        let r = unsafe {
            ams_engine_call(engine, request.as_ptr().cast(), request.len(), buf.as_mut_ptr(), buf.len(), &mut n)
        };
        assert_eq!(r, ams_result::Ok, "{request}");
        buf[..n].iter().map(|c| *c as u8).collect()
    }

    #[test]
    fn the_gateway_answers_every_vector_request_with_the_cores_exact_bytes() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("tests/vectors")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        let mut compared = 0;
        for file in &files {
            let doc: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(file).expect("readable")).expect("JSON");
            for case in doc["cases"].as_array().expect("cases") {
                let policy = case.get("policy").unwrap_or(&doc["policy"]).to_string();
                let Ok(core) = amscore::gateway::engine_from_value(serde_json::from_str(&policy).expect("JSON")) else {
                    continue; // a policy error case: no engine to call
                };
                let mut engine = ptr::null_mut();
                // SAFETY: valid buffers.
                let r = unsafe { ams_engine_new_from_json(policy.as_ptr().cast(), policy.len(), &mut engine) };
                assert_eq!(r, ams_result::Ok);
                let request = case["request"].to_string();
                let want = amscore::gateway::call(&core, &request);
                assert_eq!(String::from_utf8(call_bytes(engine, &request)).expect("UTF-8"), want, "{request}");
                // SAFETY: from ams_engine_new_from_json, freed once.
                unsafe { ams_engine_free(engine) };
                compared += 1;
            }
        }
        assert!(compared > 700, "only {compared} vector requests compared");
        // Text that is not JSON gets the core's syntax error document, byte for byte.
        let mut engine = ptr::null_mut();
        // SAFETY: valid buffers.
        let r = unsafe { ams_engine_new_from_preset(c"amscore".as_ptr(), 7, &mut engine) };
        assert_eq!(r, ams_result::Ok);
        let core = amscore::Engine::from_preset("amscore").expect("preset");
        for bad in ["", "{\"op\": ", "[1, 2", "nul"] {
            let got = String::from_utf8(call_bytes(engine, bad)).expect("UTF-8");
            assert_eq!(got, amscore::gateway::call(&core, bad));
        }
        // SAFETY: from ams_engine_new_from_preset, freed once.
        unsafe { ams_engine_free(engine) };
    }
}
