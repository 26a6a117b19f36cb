<?php
// amscore.php: loads the amscore C library into PHP with FFI, and the few helpers the examples
// share (dates, strings, error details, the JSON gateway). Only conversions: every answer comes
// from the library.
//
// PHP's FFI reads plain C declarations, without preprocessor lines, so it loads
// include/amscore_cdef.h (generated with include/amscore.h by scripts/header.sh, and installed
// beside it by scripts/install.sh), not amscore.h. Its #define constants are enum constants there:
// $ffi->AMS_MAX_ID_LEN, like $ffi->AMS_RESULT_OK.
//
// Where the library and the declarations are: AMSCORE_LIB and AMSCORE_CDEF, or the repository's
// debug build and include/ (cargo build -p amscore-ffi).

declare(strict_types=1);

/** Loads libamscore with the declarations of amscore_cdef.h. */
function amscore_load(?string $lib = null, ?string $cdef = null): FFI
{
    $root = dirname(__DIR__, 2);
    $lib ??= getenv('AMSCORE_LIB') ?: ((getenv('CARGO_TARGET_DIR') ?: "$root/target") . '/debug/libamscore.so');
    $cdef ??= getenv('AMSCORE_CDEF') ?: "$root/include/amscore_cdef.h";
    $declarations = file_get_contents($cdef);
    if ($declarations === false) {
        throw new RuntimeException("cannot read $cdef");
    }
    return FFI::cdef($declarations, $lib);
}

/** An amscore failure: the result code, its name, and this thread's last error message and path. */
final class AmscoreError extends RuntimeException
{
    public function __construct(
        public readonly int $result,
        public readonly string $name,
        public readonly string $detail,
        public readonly string $path,
    ) {
        parent::__construct("amscore error $result ($name): $detail" . ($path === '' ? '' : " at $path"), $result);
    }

    /** The failure `$result` of the last call on this thread, with its message and path. */
    public static function last(FFI $ffi, int $result): self
    {
        return new self($result, $ffi->ams_result_name($result), amscore_text($ffi, 'ams_last_error_message'),
            amscore_text($ffi, 'ams_last_error_path'));
    }
}

/** Throws the last error unless `$result` is AMS_RESULT_OK. */
function amscore_check(FFI $ffi, int $result): void
{
    if ($result !== $ffi->AMS_RESULT_OK) {
        throw AmscoreError::last($ffi, $result);
    }
}

/** A text out of one of the (buf, cap, out_n) functions: asks for the size, then reads it. */
function amscore_text(FFI $ffi, string $function): string
{
    $n = $ffi->new('size_t');
    $cap = 256;
    for (;;) {
        $buf = $ffi->new("char[$cap]");
        $r = $ffi->$function($buf, $cap, FFI::addr($n));
        if ($r === $ffi->AMS_RESULT_INSUFFICIENT_SIZE) {
            $cap = $n->cdata;
            continue;
        }
        if ($r !== $ffi->AMS_RESULT_OK) {
            throw new RuntimeException("$function failed: " . $ffi->ams_result_name($r));
        }
        return FFI::string($buf, $n->cdata);
    }
}

/** Compiles a JSON policy into an engine; free it with ams_engine_free. */
function amscore_engine(FFI $ffi, string $policy_json): FFI\CData
{
    $engine = $ffi->new('ams_engine*');
    amscore_check($ffi, $ffi->ams_engine_new_from_json($policy_json, strlen($policy_json), FFI::addr($engine)));
    return $engine;
}

/** The JSON gateway: sends a request document, returns the response document's text. */
function amscore_call(FFI $ffi, FFI\CData $engine, string $request): string
{
    $n = $ffi->new('size_t');
    $cap = 1024;
    for (;;) {
        $buf = $ffi->new("char[$cap]");
        $r = $ffi->ams_engine_call($engine, $request, strlen($request), $buf, $cap, FFI::addr($n));
        if ($r === $ffi->AMS_RESULT_INSUFFICIENT_SIZE) {
            $cap = $n->cdata; // the size the response needs
            continue;
        }
        amscore_check($ffi, $r);
        return FFI::string($buf, $n->cdata);
    }
}

/** An ams_date from ISO 8601 `YYYY-MM-DD` text. */
function amscore_date(FFI $ffi, string $iso): FFI\CData
{
    if (preg_match('/^(\d{4})-(\d{2})-(\d{2})$/', $iso, $m) !== 1) {
        throw new InvalidArgumentException("not a YYYY-MM-DD date: $iso");
    }
    $d = $ffi->new('ams_date');
    $d->year = (int) $m[1];
    $d->month = (int) $m[2];
    $d->day = (int) $m[3];
    return $d;
}

/** An ams_date as ISO 8601 text. */
function amscore_iso(FFI\CData $d): string
{
    return sprintf('%04d-%02d-%02d', $d->year, $d->month, $d->day);
}

/**
 * A C copy of a PHP string, for the (const char *, size_t) fields of the typed structs. The
 * returned CData owns the bytes: keep it alive while the struct that points at it is in use.
 */
function amscore_bytes(FFI $ffi, string $text): FFI\CData
{
    $n = strlen($text);
    $buf = $ffi->new('char[' . max($n, 1) . ']');
    FFI::memcpy($buf, $text, $n);
    return $buf;
}

/**
 * The text of a (const char *, length) field of a struct the library filled, such as
 * ams_renewal's plan: `$len` bytes, not NUL-terminated. (Reading the field itself would not do:
 * PHP's FFI reads a const char * field as a NUL-terminated string.)
 *
 *     amscore_field_text($ffi, FFI::addr($renewal->plan), $renewal->plan_len)
 */
function amscore_field_text(FFI $ffi, FFI\CData $field, int $len): string
{
    $ptr = $ffi->cast('void **', $field)[0];
    return $ptr === null || $len === 0 ? '' : FFI::string($ptr, $len);
}
