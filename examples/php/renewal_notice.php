<?php
// renewal_notice.php: a PHP AMS asks amscore, through PHP's FFI, what a member renewing today
// gets, and prints it as a notice. The PHP twin of examples/c/renewal_notice.c, on the sample
// association's policy (examples/sample/policy.json), plus one call of the JSON gateway.
//
// Run (after `cargo build -p amscore-ffi`, or with AMSCORE_LIB and AMSCORE_CDEF pointing at an
// installed libamscore.so and amscore_cdef.h):
//     php examples/php/renewal_notice.php
// PHP's CLI has FFI on by default (ffi.enable=preload allows it on the command line); a web
// server's PHP needs ffi.enable=1 or a preloaded script.

declare(strict_types=1);

require __DIR__ . '/amscore.php';

// A notice or a warning (a missing key, say) is a failure, not a line on stderr.
set_error_handler(static function (int $level, string $message, string $file, int $line): bool {
    throw new ErrorException($message, 0, $level, $file, $line);
});

$ffi = amscore_load();

// 1. Compile the policy once; the engine is immutable and may be shared.
$engine = amscore_engine($ffi, file_get_contents(dirname(__DIR__) . '/sample/policy.json'));

try {
    // 2. The member's facts, as your database holds them. FFI::new zeroes the struct.
    $plan = amscore_bytes($ffi, 'individual'); // keep alive while $member points at it
    $member = $ffi->new('ams_membership');
    $member->plan = FFI::cast('const char *', $plan);
    $member->plan_len = strlen('individual');
    $member->member_since = amscore_date($ffi, '2020-01-15');
    $member->term_start = amscore_date($ffi, '2025-01-15');
    $member->term_end = amscore_date($ffi, '2026-01-14');
    $today = amscore_date($ffi, '2026-01-20');

    // 3. The typed API: the status today, what renewing today buys, what it costs.
    $status = $ffi->new('ams_member_status');
    amscore_check($ffi, $ffi->ams_engine_status_on($engine, FFI::addr($member), $today, FFI::addr($status)));
    $renewal = $ffi->new('ams_renewal');
    $renewal_result = $ffi->ams_engine_renewal_term($engine, FFI::addr($member), $today, 1, FFI::addr($renewal));
    $total = $ffi->new('ams_money');
    $quote_result = $ffi->ams_engine_quote_renewal_total($engine, FFI::addr($member), $today, 1, 0, FFI::addr($total));

    echo "Dear member,\n\n";
    printf("your term ends on %s; today you %s.\n", amscore_iso($member->term_end),
        $status->status === $ffi->AMS_STATUS_GRACE ? 'are in your grace period'
        : ($status->counts_as_member ? 'are a member in good standing' : 'are no longer a member'));
    if ($renewal_result !== $ffi->AMS_RESULT_OK) {
        // Refused: the result's message says why.
        printf("You cannot renew today: %s.\n", $ffi->ams_result_message($renewal_result));
    } else {
        $what = match ($renewal->kind) {
            $ffi->AMS_RENEWAL_KIND_EXTEND => 'Your membership is extended',
            $ffi->AMS_RENEWAL_KIND_REINSTATE => 'Your membership is reinstated',
            default => 'Welcome back: you are rejoining',
        };
        printf("%s on the plan '%s' from %s to %s", $what, amscore_field_text($ffi, FFI::addr($renewal->plan), $renewal->plan_len),
            amscore_iso($renewal->term_start), amscore_iso($renewal->term_end));
        if ($quote_result === $ffi->AMS_RESULT_OK) {
            // Minor units: 21000 USD cents is 210.00 USD (a two-decimal currency).
            printf(', for %d.%02d %s', intdiv($total->minor_units, 100), $total->minor_units % 100,
                FFI::string($total->currency));
        }
        echo ".\n";
    }

    // 4. The JSON gateway: any operation, as a JSON request; here the renewal quote's lines.
    $request = json_encode([
        'op' => 'quote_renewal',
        'date' => '2026-01-20',
        'membership' => [
            'member_id' => 'M-1', 'plan' => 'individual', 'member_since' => '2020-01-15',
            'term' => ['start' => '2025-01-15', 'end' => '2026-01-14'],
        ],
    ], JSON_THROW_ON_ERROR);
    $response = json_decode(amscore_call($ffi, $engine, $request), true, 512, JSON_THROW_ON_ERROR);
    if (isset($response['error'])) {
        printf("\n(the gateway refused: %s)\n", $response['error']['message']);
    } else {
        echo "\nYour invoice:\n";
        foreach ($response['ok']['lines'] as $line) {
            printf("  %-40s %10s %s\n", $line['description'], $line['amount'], $response['ok']['currency']);
        }
        printf("  %-40s %10s %s\n", 'Total', $response['ok']['total'], $response['ok']['currency']);
    }
} finally {
    // 5. Free the engine once, when nothing uses it any more.
    $ffi->ams_engine_free($engine);
}
