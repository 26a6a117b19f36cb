<?php
// test.php: the C API from PHP, checked. Run by scripts/test.sh after the C suite:
//     php examples/php/test.php
// (AMSCORE_LIB and AMSCORE_CDEF as for renewal_notice.php.)
//
// 1. Every shared vector (tests/vectors/*.json) through FFI: the case's policy through
//    ams_engine_new_from_json, its request through the JSON gateway ams_engine_call, the response
//    compared with `expect` as tests/vectors/README.md says (`ok` equal as JSON; an error's code
//    and name, and message and path when given).
// 2. The comparison can fail: every case of tests/c/fixtures/mismatches.json must mismatch.
// 3. The typed API on the same vectors: every status_on, renewal_term, join_term, quote_renewal
//    and quote_join case whose facts the typed structs can hold (ISO dates, no field they lack)
//    (and that the gateway does not refuse as a JSON document, the 1600 block of error codes)
//    is asked again through ams_engine_status_on, _renewal_term, _join_term,
//    _quote_renewal_total and _quote_join_total, and each answer must equal the vector's: the
//    status, the renewal's kind, plan, term and member-since, the join term, the quote's total
//    and currency, or the error code.
// Exits non-zero on any failure; the last line is "php: N passed, N failed".

declare(strict_types=1);

require __DIR__ . '/amscore.php';

// A notice or a warning (a missing key, say) is a failure, not a line on stderr.
set_error_handler(static function (int $level, string $message, string $file, int $line): bool {
    throw new ErrorException($message, 0, $level, $file, $line);
});

$ffi = amscore_load();
$root = dirname(__DIR__, 2);
$passed = 0;
$failed = 0;

function fail_case(string $name, string $what): void
{
    global $failed;
    $failed++;
    fwrite(STDERR, "FAIL $name: $what\n");
}

/** JSON equality: objects by key in any order, arrays in order, numbers by value, the rest exactly. */
function json_equal(mixed $a, mixed $b): bool
{
    if ($a instanceof stdClass && $b instanceof stdClass) {
        $a = get_object_vars($a);
        $b = get_object_vars($b);
        if (count($a) !== count($b)) {
            return false;
        }
        foreach ($a as $key => $value) {
            if (!array_key_exists($key, $b) || !json_equal($value, $b[$key])) {
                return false;
            }
        }
        return true;
    }
    if (is_array($a) && is_array($b)) {
        if (count($a) !== count($b)) {
            return false;
        }
        foreach ($a as $i => $value) {
            if (!json_equal($value, $b[$i])) {
                return false;
            }
        }
        return true;
    }
    if ((is_int($a) || is_float($a)) && (is_int($b) || is_float($b))) {
        return $a == $b;
    }
    return $a === $b;
}

function encode(mixed $value): string
{
    return json_encode($value, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
        | JSON_PRESERVE_ZERO_FRACTION);
}

/** The response to a case: the gateway's answer, or the error document of a policy that failed. */
function respond(FFI $ffi, string $policy, string $request): stdClass
{
    try {
        $engine = amscore_engine($ffi, $policy);
    } catch (AmscoreError $e) {
        return (object) ['error' => (object) ['code' => $e->result, 'name' => $e->name,
            'message' => $e->detail, 'path' => $e->path]];
    }
    try {
        return json_decode(amscore_call($ffi, $engine, $request), false, 512, JSON_THROW_ON_ERROR);
    } finally {
        $ffi->ams_engine_free($engine);
    }
}

/** Whether `$response` is what `$expect` says; why not in `$why`. */
function matches(stdClass $expect, stdClass $response, ?string &$why): bool
{
    if (property_exists($expect, 'ok')) {
        $why = 'expected ok ' . encode($expect->ok) . "\n   got " . encode($response);
        return property_exists($response, 'ok') && json_equal($expect->ok, $response->ok);
    }
    $why = 'expected ' . encode($expect) . "\n   got " . encode($response);
    if (!property_exists($response, 'error')) {
        return false;
    }
    foreach (get_object_vars($expect->error) as $key => $value) {
        if (!in_array($key, ['code', 'name', 'message', 'path'], true)) {
            $why = "unknown key `$key` in expected error";
            return false;
        }
        if (!property_exists($response->error, $key) || !json_equal($value, $response->error->$key)) {
            return false;
        }
    }
    return isset($expect->error->code, $expect->error->name);
}

/** The decoded JSON of a file. */
function read_json(string $path): stdClass
{
    return json_decode(file_get_contents($path), false, 512, JSON_THROW_ON_ERROR);
}

// 1. The shared vectors through the gateway.
$files = glob("$root/tests/vectors/*.json");
sort($files);
$names = [];
$vectors = []; // [name, policy text, request, expect] of every case, for part 3
foreach ($files as $file) {
    $doc = read_json($file);
    $count = 0;
    foreach ($doc->cases as $case) {
        $name = $case->name ?? '(unnamed)';
        if (!is_string($case->name ?? null) || !is_string($case->checks ?? null) || $case->checks === '') {
            fail_case($name, basename($file) . ': a case needs a name and a `checks` text');
            continue;
        }
        if (isset($names[$name])) {
            fail_case($name, basename($file) . ": the case name is also in {$names[$name]}");
            continue;
        }
        $names[$name] = basename($file);
        $policy = encode($case->policy ?? $doc->policy);
        $response = respond($ffi, $policy, encode($case->request));
        if (matches($case->expect, $response, $why)) {
            $passed++;
        } else {
            fail_case($name, $why);
        }
        $vectors[] = [$name, $policy, $case->request, $case->expect];
        $count++;
    }
    printf("%-34s %4d cases through the gateway\n", basename($file), $count);
}

// 2. The comparison can fail.
$fixture = read_json("$root/tests/c/fixtures/mismatches.json");
$mismatched = 0;
foreach ($fixture->cases as $case) {
    $response = respond($ffi, encode($case->policy ?? $fixture->policy), encode($case->request));
    if (matches($case->expect, $response, $why)) {
        fail_case($case->name, 'a deliberately wrong expectation matched');
    } else {
        $mismatched++;
    }
}
if ($mismatched === count($fixture->cases) && $mismatched > 0) {
    $passed++;
}
printf("mismatches.json: %d of %d deliberately wrong cases mismatch\n", $mismatched, count($fixture->cases));

// 3. The typed API on the same vectors.

/** A date of a vector as an ams_date, or null when it is not `YYYY-MM-DD` text. */
function typed_date(FFI $ffi, mixed $iso): ?FFI\CData
{
    return is_string($iso) && preg_match('/^\d{4}-\d{2}-\d{2}$/', $iso) === 1 ? amscore_date($ffi, $iso) : null;
}

/** A count of a vector as a uint32_t, `$default` when absent, or null when it is no such number. */
function typed_count(stdClass $request, string $key, int $default): ?int
{
    if (!property_exists($request, $key)) {
        return $default;
    }
    $n = $request->$key;
    return is_int($n) && $n >= 0 && $n <= 0xFFFFFFFF ? $n : null;
}

/** An ams_status constant by its snake_case name, or null. */
function status_constant(FFI $ffi, mixed $name): ?int
{
    if (!is_string($name) || preg_match('/^[a-z_]+$/', $name) !== 1) {
        return null;
    }
    try {
        return $ffi->{'AMS_STATUS_' . strtoupper($name)};
    } catch (FFI\Exception) {
        return null;
    }
}

/**
 * A vector's membership as an ams_membership, or null when the struct cannot hold it (a field
 * it lacks, a date that is not `YYYY-MM-DD`, a value of another type). `$keep` holds the plan's
 * bytes while the struct is in use.
 */
function typed_membership(FFI $ffi, mixed $m, ?FFI\CData &$keep): ?FFI\CData
{
    $fields = ['member_id', 'plan', 'member_since', 'term', 'pending', 'cancelled_on', 'deceased_on', 'override', 'pause'];
    if (!$m instanceof stdClass || array_diff(array_keys(get_object_vars($m)), $fields) !== []
        || !is_string($m->plan ?? null) || !($m->term ?? null) instanceof stdClass
        || array_diff(array_keys(get_object_vars($m->term)), ['start', 'end']) !== []) {
        return null;
    }
    $t = $ffi->new('ams_membership');
    $keep = amscore_bytes($ffi, $m->plan);
    $t->plan = FFI::cast('const char *', $keep);
    $t->plan_len = strlen($m->plan);
    $since = typed_date($ffi, $m->member_since ?? null);
    $start = typed_date($ffi, $m->term->start ?? null);
    if ($since === null || $start === null) {
        return null;
    }
    $t->member_since = $since;
    $t->term_start = $start;
    if (property_exists($m->term, 'end')) {
        $end = typed_date($ffi, $m->term->end);
        if ($end === null) {
            return null;
        }
        $t->term_end = $end;
    } else {
        $t->lifetime = true;
    }
    if (property_exists($m, 'pending')) {
        if (!is_bool($m->pending)) {
            return null;
        }
        $t->pending = $m->pending;
    }
    foreach (['cancelled_on', 'deceased_on'] as $key) {
        if (property_exists($m, $key)) {
            $day = typed_date($ffi, $m->$key);
            if ($day === null) {
                return null;
            }
            $t->{"has_$key"} = true;
            $t->$key = $day;
        }
    }
    if (property_exists($m, 'override')) {
        $o = $m->override;
        if (!$o instanceof stdClass || array_diff(array_keys(get_object_vars($o)), ['status', 'until']) !== []) {
            return null;
        }
        $status = status_constant($ffi, $o->status ?? null);
        if ($status === null) {
            return null;
        }
        $t->override_status = $status;
        if (property_exists($o, 'until')) {
            $until = typed_date($ffi, $o->until);
            if ($until === null) {
                return null;
            }
            $t->has_override_until = true;
            $t->override_until = $until;
        }
    }
    if (property_exists($m, 'pause')) {
        $p = $m->pause;
        if (!$p instanceof stdClass || array_diff(array_keys(get_object_vars($p)), ['from', 'to']) !== []) {
            return null;
        }
        $from = typed_date($ffi, $p->from ?? null);
        $to = typed_date($ffi, $p->to ?? null);
        if ($from === null || $to === null) {
            return null;
        }
        $t->has_pause = true;
        $t->pause_from = $from;
        $t->pause_to = $to;
    }
    return $t;
}

/** A term as the gateway writes it: start, and end (null when it never ends). */
function term_json(FFI\CData $start, FFI\CData $end, bool $lifetime): stdClass
{
    return (object) ['start' => amscore_iso($start), 'end' => $lifetime ? null : amscore_iso($end)];
}

/**
 * The typed API's answer to a vector's request, in the parts the typed structs carry, beside the
 * same parts of the vector's expected answer: [typed, expected], or null when the typed API
 * cannot be asked (see typed_membership).
 */
function typed_case(FFI $ffi, FFI\CData $engine, stdClass $request, stdClass $expect): ?array
{
    $op = $request->op ?? null;
    $keys = array_keys(get_object_vars($request));
    $takes = [
        'status_on' => ['op', 'date', 'membership'],
        'renewal_term' => ['op', 'date', 'membership', 'terms'],
        'join_term' => ['op', 'date', 'plan', 'terms'],
        'quote_renewal' => ['op', 'date', 'membership', 'terms', 'seats'],
        'quote_join' => ['op', 'date', 'plan', 'terms', 'seats'],
    ];
    if (!isset($takes[$op]) || array_diff($keys, $takes[$op]) !== []) {
        return null;
    }
    // A request the gateway refuses as a JSON document (the 1600 block: syntax, a missing or
    // unknown field) asks the typed API nothing: a typed call has no document.
    $code = $expect->error->code ?? null;
    if (is_int($code) && $code >= 1600 && $code < 1700) {
        return null;
    }
    $date = typed_date($ffi, $request->date ?? null);
    $terms = typed_count($request, 'terms', 1);
    $seats = typed_count($request, 'seats', 0);
    if ($date === null || $terms === null || $seats === null) {
        return null;
    }
    $keep = null;
    if (in_array('membership', $takes[$op], true)) {
        $m = typed_membership($ffi, $request->membership ?? null, $keep);
        if ($m === null) {
            return null;
        }
    } else {
        if (!is_string($request->plan ?? null)) {
            return null;
        }
        $plan = $request->plan;
    }
    $ok = property_exists($expect, 'ok') ? $expect->ok : null;
    switch ($op) {
        case 'status_on':
            $out = $ffi->new('ams_member_status');
            $r = $ffi->ams_engine_status_on($engine, FFI::addr($m), $date, FFI::addr($out));
            $got = fn () => [$out->status, $out->counts_as_member, $out->renewable];
            $want = fn () => [status_constant($ffi, $ok->status), $ok->counts_as_member, $ok->renewable];
            break;
        case 'renewal_term':
            $out = $ffi->new('ams_renewal');
            $r = $ffi->ams_engine_renewal_term($engine, FFI::addr($m), $date, $terms, FFI::addr($out));
            $got = fn () => [$out->kind, $out->status_before,
                amscore_field_text($ffi, FFI::addr($out->plan), $out->plan_len),
                term_json($out->term_start, $out->term_end, $out->lifetime), $out->terms,
                amscore_iso($out->member_since)];
            $want = fn () => [$ffi->{'AMS_RENEWAL_KIND_' . strtoupper($ok->kind)}, status_constant($ffi, $ok->status_before),
                $ok->plan, $ok->term, $ok->terms, $ok->member_since];
            break;
        case 'join_term':
            $out = $ffi->new('ams_join_term');
            $r = $ffi->ams_engine_join_term($engine, $plan, strlen($plan), $date, $terms, FFI::addr($out));
            $got = fn () => [amscore_iso($out->member_since), term_json($out->term_start, $out->term_end, $out->lifetime),
                $out->rolled_over];
            $want = fn () => [$ok->member_since, $ok->term, $ok->rolled_over];
            break;
        default:
            $out = $ffi->new('ams_money');
            $r = $op === 'quote_join'
                ? $ffi->ams_engine_quote_join_total($engine, $plan, strlen($plan), $date, $terms, $seats, FFI::addr($out))
                : $ffi->ams_engine_quote_renewal_total($engine, FFI::addr($m), $date, $terms, $seats, FFI::addr($out));
            // The gateway writes the total with the currency's minor digits ("210.00" USD), so
            // without its point it is the minor units.
            $got = fn () => [$out->minor_units, FFI::string($out->currency)];
            $want = fn () => [(int) str_replace('.', '', $ok->total), $ok->currency];
    }
    if ($r !== $ffi->AMS_RESULT_OK || $ok === null) {
        return [$r, $ok === null ? $expect->error->code : $ffi->AMS_RESULT_OK];
    }
    return [$got(), $want()];
}

$typed = [];
$untyped = [];
$typed_ops = ['status_on', 'renewal_term', 'join_term', 'quote_renewal', 'quote_join'];
foreach ($vectors as [$name, $policy, $request, $expect]) {
    $op = $request->op ?? null;
    if (!in_array($op, $typed_ops, true)) {
        continue;
    }
    try {
        $engine = amscore_engine($ffi, $policy);
    } catch (AmscoreError) {
        $untyped[$op] = ($untyped[$op] ?? 0) + 1; // the policy fails: nothing to ask
        continue;
    }
    try {
        $pair = typed_case($ffi, $engine, $request, $expect);
    } finally {
        $ffi->ams_engine_free($engine);
    }
    if ($pair === null) {
        $untyped[$op] = ($untyped[$op] ?? 0) + 1;
        continue;
    }
    $typed[$op] = ($typed[$op] ?? 0) + 1;
    [$got, $want] = $pair;
    if (json_equal(json_decode(encode($want)), json_decode(encode($got)))) {
        $passed++;
    } else {
        fail_case($name, "typed $op: expected " . encode($want) . "\n   got " . encode($got));
    }
}
foreach ($typed_ops as $op) {
    printf("typed %-14s %4d cases (%d the typed structs cannot hold)\n", $op, $typed[$op] ?? 0, $untyped[$op] ?? 0);
    if (($typed[$op] ?? 0) === 0) {
        fail_case("typed $op", 'no vector asked the typed call');
    }
}

printf("php: %d passed, %d failed\n", $passed, $failed);
exit($failed === 0 ? 0 : 1);
