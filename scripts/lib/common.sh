# shellcheck shell=bash
# Shared shell helpers for scripts/test, scripts/run, scripts/bench-sign and the
# integration scenarios under test/integration/. Source it; it defines functions
# and a few read-only variables, and runs nothing by itself.

# The repository root, whatever the caller's working directory is.
ZS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ZS_ROOT

# Everything the build, the unit tests and the integration tests need on Debian 12.
# dig comes with bind9-dnsutils; /usr/bin/time (package time) measures peak RSS in bench-sign;
# unshare (util-linux) gives the resolver test its private network; libunbound-dev (found with
# pkg-config) is the DNS client that asks the parent's servers for the DS.
# xmllint (libxml2-utils) checks that the SVG of `zonesign plan` is well-formed XML.
# scripts/fuzz builds test/fuzz/ with clang 16 and its libFuzzer/sanitizer runtime (clang 14
# cannot compile libstdc++ 12's std::expected with our types); llvm gives llvm-symbolizer for
# the stacks of its findings. ninja-build schedules a build's compiles across layers (make
# waits for each folder in turn). libjemalloc-dev: the zonesign program's allocator (CMakeLists.txt).
ZS_PACKAGES=(
  build-essential cmake libssl-dev libcli11-dev libyaml-cpp-dev libfmt-dev doctest-dev
  nlohmann-json3-dev libunbound-dev pkg-config ldnsutils bind9-utils bind9-dnsutils knot-dnssecutils knot nsd unbound
  iproute2 python3 libxml2-utils time util-linux clang-16 libclang-rt-16-dev llvm ninja-build libjemalloc-dev
  # man-db (man -l) and groff-base (groff) render the generated man pages (test/integration/manual).
  man-db groff-base
  # test/integration/examples runs the GitOps example in a git repository and parses its CI files.
  git python3-yaml
  # test/integration/json validates every --json document against docs/json/*.schema.json.
  python3-jsonschema
  # HSM keys (docs/hsm.md): p11-kit loads PKCS#11 modules; SoftHSM2 is the token the tests use, opensc's pkcs11-tool lists its objects.
  libp11-kit-dev softhsm2 opensc
)

zs_log() { printf '==> %s\n' "$*" >&2; }
zs_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the packages of ZS_PACKAGES that are missing. apt-get update runs only when
# something is missing, so a prepared machine (or CI cache) pays nothing.
zs_install_packages() {
  local missing=() pkg
  for pkg in "${ZS_PACKAGES[@]}"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]]; then
      missing+=("$pkg")
    fi
  done
  ((${#missing[@]} == 0)) && return 0
  zs_log "installing missing packages: ${missing[*]}"
  local sudo=()
  [[ $EUID -ne 0 ]] && sudo=(sudo)
  # nsd, unbound and knot start a daemon on port 53 from their postinst; a policy-rc.d
  # that answers 101 ("action forbidden") stops that, and it is removed again afterwards
  # unless it was there before us.
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    own_policy=1
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  ((own_policy)) && "${sudo[@]}" rm -f "$policy"
  zs_stop_system_dns_services
}

# A machine with systemd may still have the packaged daemons running on port 53 (e.g. they
# were installed before our policy-rc.d); our tests use high ports but must not leave the
# system answering DNS by accident.
zs_stop_system_dns_services() {
  local svc
  for svc in nsd unbound knot; do
    if command -v systemctl >/dev/null && systemctl is-active --quiet "$svc" 2>/dev/null; then
      zs_log "stopping system service $svc"
      systemctl stop "$svc" || true
      systemctl disable "$svc" >/dev/null 2>&1 || true
    elif command -v service >/dev/null && service "$svc" status >/dev/null 2>&1; then
      service "$svc" stop >/dev/null 2>&1 || true
    fi
  done
}

# zs_cmake_configure DIR [cmake args...]: configures DIR with Ninja when it is installed. A
# folder configured before with another generator is reset first (cmake refuses to switch).
zs_cmake_configure() {
  local dir=$1 gen=()
  shift
  mkdir -p "$dir"
  command -v ninja >/dev/null && gen=(-G Ninja)
  if ((${#gen[@]})) && [[ -f $dir/CMakeCache.txt ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$dir/CMakeCache.txt"; then
    rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
  fi
  cmake "${gen[@]}" -S "$ZS_ROOT" -B "$dir" "$@"
}

# zs_build DIR BUILD_TYPE [extra cmake args...] [-- targets...]: configure and build with both
# cores. With -DZONESIGN_FAST_BUILD=ON among the arguments (unity builds, see CMakeLists.txt),
# a build whose merged translation unit fails (e.g. two files define one name) is built again
# without it, and says so: a slower suite, not a false failure.
zs_build() {
  local dir=$1 type=$2 args=() targets=()
  shift 2
  while (($#)) && [[ $1 != -- ]]; do args+=("$1"); shift; done
  (($#)) && shift
  for t in "$@"; do targets+=(--target "$t"); done
  zs_log "configuring $dir ($type ${args[*]})"
  mkdir -p "$dir"
  zs_cmake_configure "$dir" -DCMAKE_BUILD_TYPE="$type" "${args[@]}" >"$dir/configure.log" 2>&1 \
    || { cat "$dir/configure.log" >&2; return 1; }
  zs_log "building $dir"
  local rc=0
  cmake --build "$dir" -j"$(nproc)" "${targets[@]}" >"$dir/build.log" 2>&1 || rc=$?
  if ((rc != 0)) && [[ " ${args[*]} " == *" -DZONESIGN_FAST_BUILD=ON "* ]] &&
    grep -Eq '^FAILED: .*/Unity/unity_[0-9]+_cxx\.cxx\.o' "$dir/build.log"; then
    grep -E -m 6 ': error: ' "$dir/build.log" | sed 's/^/    | /' >&2
    zs_log "$dir: a unity (merged) translation unit failed (above; e.g. two files define one name); building without unity"
    zs_cmake_configure "$dir" -DZONESIGN_FAST_BUILD=OFF >>"$dir/configure.log" 2>&1 \
      || { cat "$dir/configure.log" >&2; return 1; }
    rc=0
    cmake --build "$dir" -j"$(nproc)" "${targets[@]}" >>"$dir/build.log" 2>&1 || rc=$?
  fi
  if ((rc != 0)); then
    grep -E -B2 -A12 'error|FAILED' "$dir/build.log" | head -60 >&2
    return 1
  fi
  return 0
}

# The zonesign binary the integration tests use; ZONESIGN in the environment wins so a
# scenario can be pointed at the sanitizer build.
zs_zonesign_bin() {
  printf '%s\n' "${ZONESIGN:-$ZS_ROOT/build/cli/zonesign}"
}
