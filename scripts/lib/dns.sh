# shellcheck shell=bash
# Signing and validation helpers shared by the integration scenarios.
# Needs common.sh and check.sh sourced first.
#
# ZS_REFERENCE_SIGNER=1 makes zs_sign use ldns-signzone instead of zonesign. It exists to
# prove the test plumbing (validators, servers, resolver) independently of zonesign; it is
# never the default, so a missing or broken zonesign fails the suite instead of hiding.

zs_reference_mode() { [[ ${ZS_REFERENCE_SIGNER:-0} == 1 ]]; }

# zs_sign ZONEFILE ORIGIN KEYDIR OUT [zonesign sign options...]: signs ZONEFILE into OUT.
zs_sign() {
  local zonefile=$1 origin=$2 keydir=$3 out=$4
  shift 4
  if zs_reference_mode; then
    zs_reference_sign "$zonefile" "$origin" "$keydir" "$out" "$@"
  else
    "$(zs_zonesign_bin)" sign "$zonefile" --origin "$origin" --keys "$keydir" --output "$out" "$@"
  fi
}

# Stand-in signer with the same interface as zs_sign: understands --algorithm, --denial,
# --nsec3-salt, --nsec3-iterations, --opt-out, --now (Unix seconds only) and ignores the rest.
zs_reference_sign() {
  local zonefile=$1 origin=${2%.} keydir=$3 out=$4
  shift 4
  local alg=ECDSAP256SHA256 denial=nsec salt=- iterations=0 optout=0 now
  now=$(date +%s)
  while (($#)); do
    case $1 in
      --algorithm) alg=$2; shift ;;
      --denial) denial=$2; shift ;;
      --nsec3-salt) salt=$2; shift ;;
      --nsec3-iterations) iterations=$2; shift ;;
      --opt-out) optout=1 ;;
      --now) now=$2; shift ;;
      --serial|--validity|--inception-offset|--threads|--policy) shift ;;
    esac
    shift
  done
  local dir="$keydir/$origin"
  mkdir -p "$dir"
  if ! compgen -G "$dir/K*.private" >/dev/null; then
    (cd "$dir" && ldns-keygen -a "$alg" -k "$origin" >/dev/null && ldns-keygen -a "$alg" "$origin" >/dev/null)
  fi
  local bases=() k
  for k in "$dir"/K*.private; do bases+=("${k%.private}"); done
  local opts=(-o "$origin" -f "$out" -i $((now - 3600)) -e $((now + 14 * 86400)))
  if [[ $denial == nsec3 ]]; then
    opts+=(-n -t "$iterations")
    [[ $salt != - ]] && opts+=(-s "$salt")
    ((optout)) && opts+=(-p)
  fi
  ldns-signzone "${opts[@]}" "$zonefile" "${bases[@]}"
}

# zs_verify_zonesign FILE ORIGIN [--now T]: zonesign's own verifier (absent in reference mode).
zs_verify_zonesign() {
  local file=$1 origin=$2
  shift 2
  "$(zs_zonesign_bin)" verify "$file" --origin "$origin" "$@"
}

# zs_validate_all LABEL FILE ORIGIN [INPUT]: the four independent checks the issue asks
# for, each its own PASS/FAIL line. Validation is at the real clock: dnssec-verify has no
# time option, so callers sign without --now (TESTING-NOTES.md).
# With INPUT (the unsigned zone), a failure of ldns-verify-zone or kzonecheck that comes
# from the tool itself is reported as SKIP with the reason instead of FAIL: either the
# tool cannot read the unsigned zone either (types it does not know, data it calls an
# error such as records below a DNAME), or the zone holds a construct the tool is known to
# misread. dnssec-verify and zonesign verify never get that allowance.
zs_validate_all() {
  local label=$1 file=$2 origin=$3 input=${4:-}
  zs_validator_check "$label" ldns-verify-zone "$input" "$origin" ldns-verify-zone "$file"
  zs_check "$label: dnssec-verify" dnssec-verify -q -o "$origin" "$file"
  zs_validator_check "$label" kzonecheck "$input" "$origin" kzonecheck -v -d on -o "$origin" "$file"
  if zs_reference_mode; then
    zs_skip "$label: zonesign verify (reference signer mode)"
  else
    zs_check "$label: zonesign verify" zs_verify_zonesign "$file" "$origin"
  fi
}

# zs_validator_check LABEL TOOL INPUT ORIGIN CMD...
zs_validator_check() {
  local label=$1 tool=$2 input=$3 origin=$4
  shift 4
  local name="$label: $tool" log reason
  log="$(zs_check_log "$name")"
  if "$@" >"$log" 2>&1; then
    zs_pass "$name"
  elif [[ -n $input ]] && reason=$(zs_tool_limitation "$tool" "$input" "$origin"); then
    zs_skip "$name: $reason (output rejected: $(grep -m1 -v '^$' "$log" | cut -c1-120))"
  else
    zs_fail "$name" "$log"
  fi
}

# zs_tool_limitation TOOL INPUT ORIGIN: prints why TOOL cannot judge this zone and
# succeeds, or fails when no limitation explains a rejection. The unsigned input is first
# normalised by BIND (expands $GENERATE/$INCLUDE, plain line ends), so what is tested is the
# tool's grasp of the records, not of the input's syntax.
zs_tool_limitation() {
  local tool=$1 input=$2 origin=$3
  if [[ $tool == ldns-verify-zone ]]; then
    # TESTING-NOTES.md: ldns 1.8.3 misreads a label that is just "\@" and an escaped comma in
    # an SVCB/HTTPS alpn value, and then reports a bad NSEC chain or signature.
    if grep -Eq '(^|[.[:space:]])\\@([.[:space:]]|$)' "$input"; then
      echo "ldns 1.8.3 misreads a label that is just \\@"; return 0
    fi
    if grep -Eiq '(SVCB|HTTPS).*alpn=[^[:space:]]*\\,' "$input"; then
      echo "ldns 1.8.3 misreads an escaped comma in alpn"; return 0
    fi
  fi
  local compiled
  compiled=$(mktemp)
  if ! (cd "$(dirname "$input")" && named-compilezone -q -D -s full -i none -o "$compiled" "$origin" "$(basename "$input")") >/dev/null 2>&1; then
    rm -f "$compiled"
    return 1
  fi
  local out rc=0
  case $tool in
    ldns-verify-zone) out=$(ldns-read-zone "$compiled" 2>&1 >/dev/null) || rc=$? ;;
    kzonecheck) out=$(kzonecheck -o "$origin" "$compiled" 2>&1) || rc=$? ;;
    *) rc=0 ;;
  esac
  rm -f "$compiled"
  ((rc != 0)) || return 1
  printf '%s rejects the unsigned zone too: %s' "$tool" "$(grep -m1 -v '^$' <<<"$out" | cut -c1-120)"
}

# The good test zones: prints "FILE ORIGIN" per line. The origin is the file name without
# ".zone" (test/zones/README.md), e.g. test/zones/good/example.com.zone -> example.com.
# A file's first line "; origin: NAME" overrides that (for origins a file name cannot spell).
zs_good_zones() {
  local f origin
  for f in "$ZS_ROOT"/test/zones/good/*.zone; do
    [[ -e $f ]] || continue
    origin=$(sed -n '1s/^;[[:space:]]*origin:[[:space:]]*\([^[:space:]]*\).*/\1/p' "$f")
    [[ -n $origin ]] || origin=$(basename "$f" .zone)
    printf '%s %s\n' "$f" "${origin%.}."
  done
}

# The example zone of zones-example/: prints "FILE ORIGIN" lines like zs_good_zones.
zs_example_zones() {
  local f
  for f in "$ZS_ROOT"/zones-example/*.zone; do
    [[ -e $f ]] || continue
    printf '%s %s.\n' "$f" "$(basename "$f" .zone)"
  done
}

# Canonical presentation of a zone's records through BIND's reader: one record per line,
# absolute names lower-cased, sorted; DNSSEC types (and ZONEMD, whose digest signing makes
# stale: the signer drops it) removed when $2 is "strip".
zs_canonical_records() {
  local file=$1 mode=$2 origin=$3
  # BIND reads $INCLUDE paths relative to its working folder; zonesign relative to the
  # including file. Running from the file's folder makes both agree (test/zones/README.md).
  (cd "$(dirname "$file")" && named-compilezone -q -D -s full -i none -o - "$origin" "$(basename "$file")") \
    | awk -v strip="$mode" '
        BEGIN { split("DNSKEY RRSIG NSEC NSEC3 NSEC3PARAM CDS CDNSKEY ZONEMD", t, " "); for (i in t) dnssec[t[i]] = 1 }
        /^;/ || NF == 0 { next }
        { if (strip == "strip" && ($4 in dnssec)) next; $1 = tolower($1); print }' \
    | LC_ALL=C sort
}

# zs_ds ORIGIN KEYDIR SIGNED-FILE: the zone's DS records (SHA-256) in presentation format,
# from zonesign ds; in reference mode computed by BIND from the signed zone's DNSKEY RRset.
zs_ds() {
  local origin=$1 keydir=$2 signed=$3
  if zs_reference_mode; then
    dnssec-dsfromkey -2 -f "$signed" "$origin"
  else
    # Exit 10: the DS is still to be submitted to the parent (README, exit codes).
    "$(zs_zonesign_bin)" ds --origin "$origin" --keys "$keydir" --digest SHA-256 || [[ $? == 10 ]]
  fi
}

# zs_wait_for_dns PORT NAME TYPE: waits up to ~10 s for a server on 127.0.0.1:PORT to answer.
zs_wait_for_dns() {
  local port=$1 name=$2 type=$3 i
  for ((i = 0; i < 50; i++)); do
    if dig @127.0.0.1 -p "$port" +time=1 +tries=1 "$name" "$type" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}

# zs_stop_pid PID: stops one process we started and waits for it, quietly if already gone.
zs_stop_pid() {
  local pid=$1 i
  [[ -n $pid ]] || return 0
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}
