//! The typed C entry points with arbitrary bytes: dates (any year, month and day), amounts (any
//! minor units, any four currency bytes), plan ids of any bytes and length, terms and seats,
//! status overrides, and policy documents of arbitrary bytes and lengths (NULL pointers too).
//! Every call returns a code `ams_result_name` knows, never `AMS_RESULT_PANIC` nor
//! `AMS_RESULT_UNMAPPED_ERROR`, and the last-error functions answer within their buffers.
#![no_main]

use std::ffi::{c_char, CStr};
use std::mem::MaybeUninit;
use std::ptr;

use ams_c::*;
use libfuzzer_sys::fuzz_target;

/// Reads fixed-size values off the front of the input; zeros once it runs out.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let head = self.take(N);
        out[..head.len()].copy_from_slice(head);
        out
    }
    fn u8(&mut self) -> u8 {
        self.bytes::<1>()[0]
    }
    fn bool(&mut self) -> bool {
        self.u8() & 1 == 1
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.bytes())
    }
    fn i64(&mut self) -> i64 {
        i64::from_le_bytes(self.bytes())
    }
    /// A date: mostly near today (so that answers are reached), sometimes any bytes at all.
    fn date(&mut self) -> ams_date {
        let raw: [u8; 6] = self.bytes();
        if raw[0] & 0x80 == 0 {
            ams_date { year: 2000 + i32::from(raw[1] % 40), month: raw[2] % 14, day: raw[3] % 33 }
        } else {
            ams_date { year: i32::from_le_bytes([raw[1], raw[2], raw[3], raw[4]]), month: raw[5], day: raw[0] }
        }
    }
    /// A byte string of a length the input chooses (up to what is left).
    fn text(&mut self) -> &'a [u8] {
        let n = usize::from(self.u8() % 32);
        self.take(n)
    }
}

fn known(result: ams_result) -> ams_result {
    assert!(result != ams_result::Panic, "a panic crossed the C API");
    assert!(result != ams_result::UnmappedError, "an engine error without a C code");
    // SAFETY: ams_result_name returns a static NUL-terminated string.
    let name = unsafe { CStr::from_ptr(ams_result_name(result as u32)) };
    assert_ne!(name.to_bytes(), b"unknown", "{result:?}");
    if result != ams_result::Ok {
        // The detail fits the buffer or says how much it needs; it never writes past `cap`.
        let mut buf = [0 as c_char; 16];
        let mut n = 0usize;
        // SAFETY: buf is valid for 16 bytes, n for one usize.
        let r = unsafe { ams_last_error_message(buf.as_mut_ptr(), buf.len(), &mut n) };
        assert!(r == ams_result::Ok || r == ams_result::InsufficientSize, "{r:?}");
    }
    result
}

fn membership(input: &mut Input<'_>, plan: &[u8]) -> ams_membership {
    let plan_ptr = if input.u8() == 0xff { ptr::null() } else { plan.as_ptr().cast::<c_char>() };
    ams_membership {
        plan: plan_ptr,
        plan_len: plan.len(),
        member_since: input.date(),
        term_start: input.date(),
        term_end: input.date(),
        lifetime: input.bool(),
        pending: input.bool(),
        has_cancelled_on: input.bool(),
        cancelled_on: input.date(),
        has_deceased_on: input.bool(),
        deceased_on: input.date(),
        override_status: input.u32() % 16,
        has_override_until: input.bool(),
        override_until: input.date(),
        has_pause: input.bool(),
        pause_from: input.date(),
        pause_to: input.date(),
        tax_exempt: input.bool(),
        renewal_pending: input.bool(),
    }
}

const PLANS: [&[u8]; 6] = [b"individual", b"student-y1", b"chapter", b"corporate", b"lifetime", b"digital"];

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let mut engine: *mut ams_engine = ptr::null_mut();
    // The engine: a preset by name bytes, or a policy of arbitrary bytes (NULL pointers too).
    let how = input.u8();
    let r = match how % 4 {
        0 => {
            let policy = input.text();
            let len = usize::from(input.u8() % 4);
            let p = if how & 0x40 != 0 { ptr::null() } else { policy.as_ptr().cast::<c_char>() };
            // SAFETY: `p` is NULL or valid for policy.len() bytes; the length passed never exceeds it.
            unsafe { ams_engine_new_from_json(p, policy.len().min(len * 8), &mut engine) }
        }
        1 => {
            let name = input.text();
            // SAFETY: name is valid for its length.
            unsafe { ams_engine_new_from_preset(name.as_ptr().cast(), name.len(), &mut engine) }
        }
        _ => {
            let name: &[u8] = [b"amscore".as_slice(), b"civicrm", b"tendenci"][usize::from(how / 4 % 3)];
            // SAFETY: name is valid for its length.
            unsafe { ams_engine_new_from_preset(name.as_ptr().cast(), name.len(), &mut engine) }
        }
    };
    if known(r) != ams_result::Ok {
        assert!(engine.is_null());
        return;
    }
    assert!(!engine.is_null());
    let engine = engine.cast_const();
    let own_plan = PLANS[usize::from(input.u8()) % PLANS.len()];
    let plan = if input.bool() { input.text() } else { own_plan };
    let m = membership(&mut input, plan);
    let (date, terms, seats) = (input.date(), input.u32() % 6, input.u32() % 400);

    // Outputs are written by the calls, never read here: uninitialised, as a C caller may leave them.
    let mut status = MaybeUninit::<ams_member_status>::uninit();
    // SAFETY: every pointer is to a live local; plan bytes are valid for plan_len.
    known(unsafe { ams_engine_status_on(engine, &m, date, status.as_mut_ptr()) });
    let mut join = MaybeUninit::<ams_join_term>::uninit();
    // SAFETY: as above.
    known(unsafe { ams_engine_join_term(engine, plan.as_ptr().cast(), plan.len(), date, terms, join.as_mut_ptr()) });
    let mut renewal = MaybeUninit::<ams_renewal>::uninit();
    // SAFETY: as above.
    known(unsafe { ams_engine_renewal_term(engine, &m, date, terms, renewal.as_mut_ptr()) });
    let mut total = MaybeUninit::<ams_money>::uninit();
    // SAFETY: as above.
    known(unsafe {
        ams_engine_quote_join_total(engine, plan.as_ptr().cast(), plan.len(), date, terms, seats, total.as_mut_ptr())
    });
    // SAFETY: as above.
    known(unsafe { ams_engine_quote_renewal_total(engine, &m, date, terms, seats, total.as_mut_ptr()) });
    let currency: [u8; 4] = input.bytes();
    let request = ams_renew_request {
        membership: m,
        at: ams_datetime {
            date: input.date(),
            hour: input.u8() % 26,
            minute: input.u8() % 62,
            second: input.u8() % 62,
        },
        terms,
        has_balance_due: input.bool(),
        balance_due: ams_money { minor_units: input.i64(), currency: currency.map(|b| b as c_char) },
    };
    let mut decision = MaybeUninit::<ams_decision>::uninit();
    // SAFETY: as above.
    known(unsafe { ams_engine_decide_renew(engine, &request, decision.as_mut_ptr()) });
    // SAFETY: the engine came from ams_engine_new_*; freed once.
    unsafe { ams_engine_free(engine.cast_mut()) };
});
