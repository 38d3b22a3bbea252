# shellcheck shell=bash
# Helpers of the safety scenario (./run): folder snapshots that prove "nothing changed", a
# runner that checks a command's exit status, its stderr and the snapshots in one check, key
# tags read from a signed zone or a state file, and tmpfs / bind mounts undone on exit.

# snapshot PATH: a text fingerprint of PATH. A folder gives one line per entry below it (type,
# mode, owner, relative name, symlink target) and the sha256 of every regular file; a file gives
# its type, mode, owner and sha256; a missing path gives "absent". Two snapshots are equal
# exactly when nothing was added, removed, or changed in content, mode or ownership.
snapshot() {
  local p=$1
  if [[ ! -e $p && ! -L $p ]]; then
    echo absent
    return
  fi
  if [[ -L $p || ! -d $p ]]; then
    printf '%s %s' "$(stat -c '%F %a %U' "$p")" "$([[ -f $p ]] && sha256sum <"$p" | cut -c1-64)"
    printf '\n'
    return
  fi
  stat -c '. %a %U' "$p"
  (
    cd "$p" || exit 1
    find . -mindepth 1 -printf '%y %m %u %p %l\n' | LC_ALL=C sort
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum
  )
}

# expect NAME CODES [--stderr ERE]... [--stderr-text TEXT]... [--same PATH]... -- CMD...
# One check: runs CMD (a program or an exported function, limited to $STEP_TIMEOUT seconds) and
# passes when its exit status is one of CODES (space separated), its stderr matches every ERE
# (case-insensitive) and holds every TEXT (exactly), and every --same PATH has the same snapshot
# afterwards as before. Sets EXPECT_RC, EXPECT_OUT and EXPECT_ERR (files with CMD's stdout and
# stderr) and EXPECT_OK (1 on a pass). Always returns 0, so a failed check does not end the
# scenario under `set -e`.
expect() {
  local name=$1 codes=$2
  shift 2
  local res=() texts=() same=()
  while (($#)) && [[ $1 != -- ]]; do
    case $1 in
      --stderr) res+=("$2"); shift 2 ;;
      --stderr-text) texts+=("$2"); shift 2 ;;
      --same) same+=("$2"); shift 2 ;;
      *) zs_die "expect: unknown option $1" ;;
    esac
  done
  shift
  local log i re
  log=$(zs_check_log "$name")
  EXPECT_OUT=$log.out
  EXPECT_ERR=$log.err
  for i in "${!same[@]}"; do snapshot "${same[$i]}" >"$log.before$i"; done
  EXPECT_RC=0
  # Through bash so that CMD may be an exported function.
  timeout -k 5 "$STEP_TIMEOUT" bash -c '"$@"' expect "$@" >"$EXPECT_OUT" 2>"$EXPECT_ERR" </dev/null || EXPECT_RC=$?
  local why=()
  [[ " $codes " == *" $EXPECT_RC "* ]] || why+=("exit status $EXPECT_RC, expected: $codes")
  for re in "${res[@]}"; do
    grep -Eqi -- "$re" "$EXPECT_ERR" || why+=("stderr does not match /$re/")
  done
  for re in "${texts[@]}"; do
    grep -Fq -- "$re" "$EXPECT_ERR" || why+=("stderr does not contain: $re")
  done
  for i in "${!same[@]}"; do
    if ! snapshot "${same[$i]}" | diff "$log.before$i" - >"$log.diff$i"; then
      why+=("changed: ${same[$i]}" "$(head -n 12 "$log.diff$i")")
    fi
  done
  {
    printf '$ %s\n' "$*"
    printf 'exit status %s\n--- stdout (tail)\n' "$EXPECT_RC"
    tail -n 5 "$EXPECT_OUT"
    printf -- '--- stderr (tail)\n'
    tail -n 8 "$EXPECT_ERR"
    ((${#why[@]} == 0)) || printf 'why: %s\n' "${why[@]}"
  } >"$log"
  if ((${#why[@]} == 0)); then
    EXPECT_OK=1
    zs_pass "$name"
  else
    EXPECT_OK=0
    zs_fail "$name" "$log"
  fi
  return 0
}

# check_that NAME DETAIL CONDITION...: a check on something already computed (CONDITION is a
# command; DETAIL is shown on failure).
check_that() {
  local name=$1 detail=$2
  shift 2
  if "$@"; then
    zs_pass "$name"
  else
    zs_fail "$name"
    sed 's/^/    | /' <<<"$detail"
  fi
}

# exactly_listed ZONEDIR: the zone's key folder holds state.yaml, .lock and the key files
# state.yaml lists, and nothing half written; signatures.index, the cache of signatures for the
# next run's reuse, may be there too. What differs goes to stderr.
exactly_listed() {
  local z=$1
  [[ -f $z/state.yaml ]] || return 1
  diff <(ls -A "$z" | grep -vx 'signatures.index' | LC_ALL=C sort) \
    <({ printf 'state.yaml\n.lock\n'; state_files "$z"; } | LC_ALL=C sort -u) >&2
}

# dnskey_tags FILE: "FLAGS TAG" for every DNSKEY in a signed zone file, sorted (key tag as in
# RFC 4034 Appendix B, computed here so it does not come from zonesign itself).
dnskey_tags() {
  python3 - "$1" <<'EOF'
import base64, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # a reader that stops early is not an error
out = set()
with open(sys.argv[1]) as f:
    for line in f:
        t = line.split()
        if len(t) >= 8 and t[3].upper() == "DNSKEY":
            flags, proto, alg = int(t[4]), int(t[5]), int(t[6])
            rdata = flags.to_bytes(2, "big") + bytes([proto, alg]) + base64.b64decode("".join(t[7:]))
            ac = sum(b if i & 1 else b << 8 for i, b in enumerate(rdata))
            ac += (ac >> 16) & 0xFFFF
            out.add(f"{flags} {ac & 0xFFFF}")
print("\n".join(sorted(out)))
EOF
}

# state_tags ZONEDIR [ROLE]: the tags state.yaml lists (of ROLE only, if given), sorted.
state_tags() {
  awk -v want="${2:-}" '
    /^  - role:/ { role = $3 }
    /^    tag:/ && (want == "" || role == want) { print $2 }' "$1/state.yaml" | LC_ALL=C sort -n
}

# state_files ZONEDIR: the key file names state.yaml lists.
state_files() {
  awk '/^    file:/ { print $2 }' "$1/state.yaml"
}

# The DS records on a `zonesign ds` stdout, normalised (tag, algorithm, digest type, digest).
ds_lines() {
  awk '{ for (i = 1; i <= NF; i++) if ($i == "DS") { d = ""; for (j = i + 4; j <= NF; j++) d = d $j;
         print $(i + 1), $(i + 2), $(i + 3), toupper(d) } }' "$1" | LC_ALL=C sort
}

# Mount points made by this scenario, unmounted (last first) by unmount_all.
MOUNTS=()
mount_tmpfs() { # DIR OPTIONS
  mkdir -p "$1"
  mount -t tmpfs -o "$2" tmpfs "$1" && MOUNTS+=("$1")
}
mount_ro_bind() { # SRC DST
  mkdir -p "$2"
  mount --bind "$1" "$2" && MOUNTS+=("$2") && mount -o remount,ro,bind "$2"
}
unmount_all() {
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTS[$i]}" 2>/dev/null || umount -l "${MOUNTS[$i]}" 2>/dev/null || true
  done
  MOUNTS=()
}

# fill DIR: writes DIR/filler until the file system is full (ENOSPC is the point).
fill() {
  dd if=/dev/zero of="$1/filler" bs=4096 2>/dev/null || true
  sync -f "$1" 2>/dev/null || true
}
