# shellcheck shell=bash
# Pass/fail bookkeeping for the integration scenarios. Every check prints exactly one line
# "PASS: name" or "FAIL: name" on stdout; test/integration/run-all counts those lines, so a
# scenario that dies half way still reports what it checked. Details of a failure go to
# stdout indented below the FAIL line, so they land in the scenario log next to it.

ZS_PASSED=0
ZS_FAILED=0

zs_pass() { ZS_PASSED=$((ZS_PASSED + 1)); printf 'PASS: %s\n' "$1"; }

# zs_fail NAME [DETAIL-FILE]: the detail file's tail is shown, indented.
zs_fail() {
  ZS_FAILED=$((ZS_FAILED + 1))
  printf 'FAIL: %s\n' "$1"
  if [[ -n ${2:-} && -s $2 ]]; then
    tail -n 25 "$2" | sed 's/^/    | /'
  fi
}

zs_skip() { printf 'SKIP: %s\n' "$1"; }

# zs_check NAME CMD...: runs CMD (stdout+stderr to a log under $ZS_WORK/logs) and passes
# when it exits 0.
zs_check() {
  local name=$1
  shift
  local log
  log="$(zs_check_log "$name")"
  if "$@" >"$log" 2>&1; then
    zs_pass "$name"
  else
    printf 'exit status %s: %s\n' "$?" "$*" >>"$log"
    zs_fail "$name" "$log"
  fi
}

# zs_check_fails NAME CMD...: passes when CMD exits non-zero (for negative tests).
zs_check_fails() {
  local name=$1
  shift
  local log
  log="$(zs_check_log "$name")"
  if "$@" >"$log" 2>&1; then
    printf 'unexpected success: %s\n' "$*" >>"$log"
    zs_fail "$name" "$log"
  else
    zs_pass "$name"
  fi
}

# A log file name derived from a check name (slashes and spaces made safe).
zs_check_log() {
  mkdir -p "$ZS_WORK/logs"
  local safe=${1//[^A-Za-z0-9._-]/_}
  printf '%s/logs/%s.log\n' "$ZS_WORK" "${safe:0:150}"
}

# Ends a scenario: its own one-line tally, exit 1 if anything failed.
zs_finish() {
  printf '%s: %d passed, %d failed\n' "${ZS_SCENARIO:-scenario}" "$ZS_PASSED" "$ZS_FAILED"
  ((ZS_FAILED == 0))
}

# zs_scenario_init NAME: a fresh work folder for the scenario (the runner passes ZS_WORK;
# run on its own, a scenario works under build/integration/NAME).
zs_scenario_init() {
  ZS_SCENARIO=$1
  ZS_WORK=${ZS_WORK:-$ZS_ROOT/build/integration/$1}
  rm -rf "$ZS_WORK"
  mkdir -p "$ZS_WORK"
  export ZS_WORK
}
