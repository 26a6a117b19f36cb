<?php
// A re-statement of CiviCRM CiviMember's date rules, for comparing amscore's `civicrm` preset
// with its peer on random membership types and dates (core/tests/civicrm_peer.rs runs it).
//
// Written by amscore's maintainers from reading CiviCRM's published code; no CiviCRM code is
// copied. The arithmetic is CiviCRM's: every date goes through PHP's mktime() and date(), dates
// are compared as 'Y-m-d' strings, and the month/day numbers are PHP strings or numbers exactly
// where CiviCRM has them (so `"02" >= ''` is true, as in CiviCRM for a missing rollover day).
//
// Sources read (repository civicrm/civicrm-core):
// - CRM/Member/BAO/MembershipType.php at commit b34b295a191e0a8bb1d65a9e4dc9cd8df84b0fcb
//   (CiviCRM 5.x, 2018): getDatesForMembershipType, isDuringFixedAnnualRolloverPeriod,
//   getRenewalDatesForMembershipType. The same functions are unchanged in substance in the later
//   copies read (webmaster-cses-org-uk/civicrm-core 458a559a, mattwire/civicrm-core 3509ce20).
// - Pull request civicrm/civicrm-core#27198 (dev/core#4541, merged 2023-08-29): the renewal of a
//   current membership adds the terms to the old end date for years and days, and keeps the
//   "add a day, add the months, subtract a day" only for months. This file states that later
//   rule; `"renewal": "legacy"` in a case gives the rule before it.
// - CRM/Member/BAO/MembershipStatus.php at commit 1d804b8f1f281abe6181a942ff0ffee4872fe7a9:
//   getMembershipStatusByDate (rows by weight, inclusive windows, the first match wins,
//   adjustments with mktime and no -1 day).
// - The default status rows (xml/templates/civicrm_data.tpl and the upgrade for CRM-6008):
//   New join..join+3 months, Current start..end, Grace end..end+1 month, Expired end+1 month..,
//   Pending join..join (weight 5, never reached by date: New covers the join date).
//
// Input: one JSON object a line on stdin; output: one JSON object a line on stdout.
//   {"op": "join", "type": T, "join": "Y-m-d", "terms": N}
//       -> {"start": "Y-m-d"|null, "end": "Y-m-d"|null, "join": "Y-m-d"}
//   {"op": "status", "start": D, "end": D|null, "join": D, "date": D}
//       -> {"status": "New"|"Current"|"Grace"|"Expired"|"Pending"|null}
//   {"op": "renew", "type": T, "start": D, "end": D|null, "join": D, "date": D, "terms": N}
//       -> {"start", "end", "join", "status_before"}
// T is a membership type: {"period_type": "rolling"|"fixed", "duration_unit":
// "year"|"month"|"day"|"lifetime", "duration_interval": N, "fixed_period_start_day": "MMDD"|null,
// "fixed_period_rollover_day": "MMDD"|"D"|null}.

date_default_timezone_set('UTC');

function ymd($ts) {
  return date('Y-m-d', $ts);
}

// getDatesForMembershipType($typeId, $joinDate, NULL start, NULL end, $numRenewTerms).
function civi_join_dates(array $type, string $joinDate, int $numRenewTerms): array {
  $startDate = NULL;
  $endDate = NULL;
  $actualStartDate = $joinDate;
  $rollover = FALSE;
  if ($type['period_type'] == 'rolling') {
    $startDate = $joinDate;
    $actualStartDate = $startDate;
  }
  elseif ($type['period_type'] == 'fixed') {
    [$year, $month, $day] = explode('-', $joinDate);
    if ($type['duration_unit'] == 'year') {
      $sd = (string) $type['fixed_period_start_day'];
      $startMonth = substr($sd, 0, strlen($sd) - 2);
      $startDay = substr($sd, -2);
      if (ymd(mktime(0, 0, 0, $startMonth, $startDay, $year)) <= ymd(mktime(0, 0, 0, $month, $day, $year))) {
        $actualStartDate = ymd(mktime(0, 0, 0, $startMonth, $startDay, $year));
      }
      else {
        $actualStartDate = ymd(mktime(0, 0, 0, $startMonth, $startDay, $year - 1));
      }
      $rollover = civi_in_annual_rollover($joinDate, $type, $year, $actualStartDate);
      $startDate = $actualStartDate;
    }
    elseif ($type['duration_unit'] == 'month') {
      $parts = explode('-', $actualStartDate);
      // CiviCRM compares the day text with the rollover day as stored (NULL when not set).
      if ($parts[2] >= $type['fixed_period_rollover_day']) {
        $rollover = TRUE;
      }
      $actualStartDate = $startDate = $year . '-' . $month . '-01';
    }
  }
  [$year, $month, $day] = explode('-', $actualStartDate);
  $n = $numRenewTerms * $type['duration_interval'];
  switch ($type['duration_unit']) {
    case 'year':
      $year = $year + $n;
      if ($rollover) {
        $year += 1;
      }
      break;

    case 'month':
      $month = $month + $n;
      if ($rollover) {
        $month += 1;
      }
      break;

    case 'day':
      $day = $day + $n;
      break;
  }
  if ($type['duration_unit'] == 'lifetime') {
    $endDate = NULL;
  }
  else {
    $endDate = ymd(mktime(0, 0, 0, $month, $day - 1, $year));
  }
  return ['start' => $startDate, 'end' => $endDate, 'join' => $joinDate];
}

// isDuringFixedAnnualRolloverPeriod($joinDate, $type, $year of the join, $actualStartDate).
function civi_in_annual_rollover(string $joinDate, array $type, $year, string $actualStartDate): bool {
  $rd = (string) $type['fixed_period_rollover_day'];
  $rolloverMonth = substr($rd, 0, strlen($rd) - 2);
  $rolloverDay = substr($rd, -2);
  $rolloverDate = ymd(mktime(0, 0, 0, $rolloverMonth, $rolloverDay, $year));
  $p = explode('-', $actualStartDate);
  $firstYearEnd = ymd(mktime(0, 0, 0, $p[1], $p[2] - 1, $p[0] + 1));
  if ($firstYearEnd < $rolloverDate) {
    $rolloverDate = ymd(mktime(0, 0, 0, $rolloverMonth, $rolloverDay, $year - 1));
  }
  if ($rolloverDate < $actualStartDate) {
    $rolloverDate = ymd(mktime(0, 0, 0, $rolloverMonth, $rolloverDay, $year + 1));
  }
  return $rolloverDate <= $joinDate;
}

// getMembershipStatusByDate with the default status rows. Returns [name, is_current_member].
function civi_status(?string $start, ?string $end, ?string $join, string $statusDate): array {
  // name, start event, start adjust (unit, n), end event, end adjust (unit, n), is_current_member
  $rows = [
    ['New', 'join', NULL, 0, 'join', 'month', 3, 1],
    ['Current', 'start', NULL, 0, 'end', NULL, 0, 1],
    ['Grace', 'end', NULL, 0, 'end', 'month', 1, 1],
    ['Expired', 'end', 'month', 1, NULL, NULL, 0, 0],
    ['Pending', 'join', NULL, 0, 'join', NULL, 0, 0],
  ];
  $dates = ['start' => $start ?? '', 'end' => $end ?? '', 'join' => $join ?? ''];
  $d = str_replace('-', '', $statusDate);
  foreach ($rows as [$name, $se, $su, $sn, $ee, $eu, $en, $current]) {
    $events = [];
    foreach ([[$se, $su, $sn], [$ee, $eu, $en]] as $i => [$event, $unit, $n]) {
      $events[$i] = NULL;
      if ($event === NULL || $dates[$event] === '') {
        continue;
      }
      $ts = strtotime($dates[$event]);
      if ($unit && $n) {
        $m = date('m', $ts);
        $dd = date('d', $ts);
        $y = date('Y', $ts);
        $events[$i] = match ($unit) {
          'month' => date('Ymd', mktime(0, 0, 0, $m + $n, $dd, $y)),
          'day' => date('Ymd', mktime(0, 0, 0, $m, $dd + $n, $y)),
          'year' => date('Ymd', mktime(0, 0, 0, $m, $dd, $y + $n)),
        };
      }
      else {
        $events[$i] = date('Ymd', $ts);
      }
    }
    [$from, $to] = $events;
    $hit = ($from && $to) ? ($d >= $from && $d <= $to) : ($from ? $d >= $from : ($to ? $d <= $to : FALSE));
    if ($hit) {
      return [$name, $current];
    }
  }
  return [NULL, 0];
}

// getRenewalDatesForMembershipType for the membership's own type, with the status its dates give
// on the renewal date (CiviCRM reads the stored status, which its scheduled job keeps to that).
function civi_renewal_dates(array $type, string $start, ?string $end, string $join, string $today, int $numRenewTerms, bool $legacy): array {
  [$status, $current] = civi_status($start, $end, $join, $today);
  $out = ['join' => $join, 'status_before' => $status];
  if ($current == 1) {
    $date = explode('-', $end ?? $today);
    $n = $numRenewTerms * $type['duration_interval'];
    if ($legacy || $type['duration_unit'] == 'month') {
      // Add a day first (the month case since #27198; every case before it), then subtract it.
      $next = explode('-', ymd(mktime(0, 0, 0, (float) $date[1], (float) ($date[2] + 1), (float) $date[0])));
      [$year, $month, $day] = $next;
      $day = $day - 1;
    }
    else {
      [$year, $month, $day] = $date;
    }
    switch ($type['duration_unit']) {
      case 'year':
        $year = $year + $n;
        break;

      case 'month':
        $month = $month + $n;
        break;

      case 'day':
        $day = $day + $n;
        break;
    }
    $out['start'] = $start;
    $out['end'] = $type['duration_unit'] == 'lifetime' ? NULL : ymd(mktime(0, 0, 0, $month, $day, $year));
  }
  else {
    $dates = civi_join_dates($type, $today, $numRenewTerms);
    $out['start'] = $dates['start'];
    $out['end'] = $dates['end'];
  }
  return $out;
}

while (($line = fgets(STDIN)) !== FALSE) {
  $line = trim($line);
  if ($line === '') {
    continue;
  }
  $c = json_decode($line, TRUE, 16, JSON_THROW_ON_ERROR);
  $terms = (int) ($c['terms'] ?? 1);
  $out = match ($c['op']) {
    'join' => civi_join_dates($c['type'], $c['join'], $terms),
    'status' => ['status' => civi_status($c['start'], $c['end'], $c['join'], $c['date'])[0]],
    'renew' => civi_renewal_dates($c['type'], $c['start'], $c['end'], $c['join'], $c['date'], $terms, ($c['renewal'] ?? '') === 'legacy'),
  };
  echo json_encode($out), "\n";
}
