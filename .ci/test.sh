#!/usr/bin/env bash
# The test command (README "Testing"): installs what the tests need on Debian, then runs
# formatting, lint and the whole test suite. Tests start their own throwaway servers.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]} from Debian's packages"
  as_root apt-get update -qq
  # The packages' own clusters/services are not used: tests run their own on free ports.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets -- -D warnings
echo "== no OpenSSL in the dependency tree"
if cargo tree -e normal,build -i openssl-sys >/dev/null 2>&1 || cargo tree -e normal,build -i native-tls >/dev/null 2>&1; then
  echo "openssl-sys or native-tls is in the dependency tree: TLS must be rustls only" >&2
  exit 1
fi
echo "== cargo test"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test -- --test-threads="${LOGSTAG_TEST_THREADS:-2}" 2>&1 | tee "$log"
# One closing line for the whole suite (every test binary's counts added up).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
