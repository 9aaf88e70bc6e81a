#!/usr/bin/env bash
# Builds the Debian package with cargo-deb, installs it with dpkg and checks what an
# administrator relies on: files, owners and modes, the logstag system user, the binary and
# the packaged configuration as that user, an upgrade that keeps a locally edited
# configuration, `dpkg -r` keeping the configuration and `dpkg --purge` removing it.
# Every check prints what it verified; the first wrong one stops the script with a message.
# It purges the package at the end (and deletes the logstag user if it created it), so the
# machine is left as it was. Needs root, or sudo.
#
#   packaging/test-deb.sh                  # cargo deb: release build, then package
#   packaging/test-deb.sh --no-build       # package the existing target/release/logstag
#   packaging/test-deb.sh --profile dev --no-build   # package target/debug/logstag (CI:
#                                          # the binary `cargo test` built; see .ci/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned: the version this packaging was written against (`--profile dev` is deprecated in
# cargo-deb and may become an error in a later one).
CARGO_DEB_VERSION=3.8.0
CONFIG=/etc/logstag-agent.toml
UNIT=logstag-agent.service
DIRS=(/var/lib/logstag-agent /var/log/logstag-agent)

profile=release
no_build=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) no_build=(--no-build) ;;
    --profile) profile=${2:?--profile needs a name}; shift ;;
    *) echo "usage: $0 [--no-build] [--profile NAME]" >&2; exit 64 ;;
  esac
  shift
done

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
fail() { echo "FAILED: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
# expect_stat PATH 'USER:GROUP MODE'
expect_stat() {
  local actual
  actual=$(as_root stat -c '%U:%G %a' "$1" 2>/dev/null) || fail "$1 does not exist" # as root: 0750 directories
  [ "$actual" = "$2" ] || fail "$1 is $actual, expected $2"
  ok "$1 is $actual"
}
expect_absent() { [ ! -e "$1" ] || fail "$1 still exists ($2)"; ok "$1 is gone ($2)"; }
package_status() { dpkg-query -W -f='${Status}' logstag 2>/dev/null || true; }
# Installed, half-installed or only its conffiles left: anything dpkg still holds.
package_present() { case "$(package_status)" in "" | *not-installed) return 1 ;; *) return 0 ;; esac; }

# --- refuse to touch a real installation: purging at the end would delete it
if package_present; then
  fail "the logstag package is on this machine ($(package_status)); this test would purge it (dpkg --purge logstag first)"
fi
user_existed=false
if getent passwd logstag >/dev/null; then user_existed=true; fi

saved=()
work=$(mktemp -d)
chmod 711 "$work" # the logstag user reads the broken configuration below from here
cleanup() {
  local status=$?
  if package_present; then
    as_root dpkg --purge logstag >/dev/null 2>&1 || echo "cleanup: dpkg --purge logstag failed" >&2
  fi
  if [ "$user_existed" = false ] && getent passwd logstag >/dev/null; then
    as_root userdel logstag || echo "cleanup: userdel logstag failed" >&2
  fi
  if [ "$user_existed" = false ] && getent group logstag >/dev/null; then
    as_root groupdel logstag || echo "cleanup: groupdel logstag failed" >&2
  fi
  for path in "${saved[@]}"; do
    if [ -e "$path" ]; then
      echo "cleanup: $path exists, left $path.test-deb-saved.$$ for you to compare" >&2
    else
      as_root mv "$path.test-deb-saved.$$" "$path" || echo "cleanup: could not restore $path" >&2
    fi
  done
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

# A manual install or an agent once run as root leaves these behind: set them aside (a
# rename next to them) and put them back at the end, so the package starts from nothing.
for path in "$CONFIG" "${DIRS[@]}"; do
  if [ -e "$path" ]; then
    as_root mv "$path" "$path.test-deb-saved.$$"
    saved+=("$path")
    echo "set aside: $path -> $path.test-deb-saved.$$ (restored at the end)"
  fi
done

# --- tools: cargo-deb (a cargo subcommand, not a dependency), adduser for the postinst
if [ "$(cargo deb --version 2>/dev/null)" != "cargo-deb $CARGO_DEB_VERSION" ]; then
  echo "== installing cargo-deb $CARGO_DEB_VERSION (cargo install, about 2.5 min on 2 cores)"
  cargo install cargo-deb --locked --version "$CARGO_DEB_VERSION"
fi
if ! command -v adduser >/dev/null; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends adduser >/dev/null
fi

# --- build: the package, and the same files as the next revision for the upgrade
pkgid=$(cargo pkgid)
version=${pkgid##*[@#]}
first="$work/logstag_${version}-1.deb"
second="$work/logstag_${version}-2.deb"
cargo deb --profile "$profile" "${no_build[@]}" --fast --output "$first"
cargo deb --profile "$profile" --no-build --fast --deb-revision 2 --output "$second"
ok "built $(basename "$first") ($(du -h "$first" | cut -f1)) and revision 2 for the upgrade"

# --- install
as_root dpkg -i "$first" </dev/null || fail "dpkg -i $first failed"
[ "$(package_status)" = "install ok installed" ] || fail "after dpkg -i the status is '$(package_status)'"
ok "dpkg -i: logstag $version-1 installed"

expect_stat /usr/bin/logstag "root:root 755"
unit_path=""
for dir in /usr/lib/systemd/system /lib/systemd/system; do
  if [ -f "$dir/$UNIT" ]; then unit_path="$dir/$UNIT"; break; fi
done
[ -n "$unit_path" ] || fail "$UNIT is in neither /usr/lib/systemd/system nor /lib/systemd/system"
expect_stat "$unit_path" "root:root 644"
for line in "ExecStart=/usr/bin/logstag agent --config $CONFIG" "User=logstag" "StateDirectory=logstag-agent" "LogsDirectory=logstag-agent"; do
  grep -qxF "$line" "$unit_path" || fail "$unit_path lacks the line '$line'"
done
ok "$unit_path runs /usr/bin/logstag agent as logstag with its state and log directories"
if command -v systemd-analyze >/dev/null; then
  as_root systemd-analyze verify "$unit_path" >"$work/verify.out" 2>&1 ||
    fail "systemd-analyze verify $unit_path: $(cat "$work/verify.out")"
  [ ! -s "$work/verify.out" ] || fail "systemd-analyze verify $unit_path: $(cat "$work/verify.out")"
  ok "systemd-analyze verify $unit_path: no findings"
fi
expect_stat "$CONFIG" "logstag:logstag 600"
dpkg-query -W -f='${Conffiles}\n' logstag | grep -q "^ $CONFIG " || fail "$CONFIG is not a conffile of the package"
ok "$CONFIG is a conffile"

IFS=: read -r _ _ uid gid _ home shell < <(getent passwd logstag) || fail "no logstag user"
[ "$uid" -lt 1000 ] || fail "logstag has uid $uid: not a system user"
case "$shell" in /usr/sbin/nologin | /sbin/nologin | /bin/false | /usr/bin/false) ;; *) fail "logstag has the login shell $shell" ;; esac
[ "$(getent group logstag | cut -d: -f3)" = "$gid" ] || fail "logstag's primary group is not the logstag group"
ok "logstag is a system user (uid $uid, group logstag, home $home, shell $shell)"
for dir in "${DIRS[@]}"; do expect_stat "$dir" "logstag:logstag 750"; done

# --- the installed binary, as the service runs it
installed_version=$(/usr/bin/logstag --version)
[ "$installed_version" = "logstag $version" ] || fail "/usr/bin/logstag --version says '$installed_version', expected 'logstag $version'"
ok "/usr/bin/logstag --version: $installed_version"
as_logstag() { as_root runuser -u logstag -- env -u LOGSTAG_CONFIG -u CONFIG_FILE "$@"; }
for command in "logstag agent --check-config --config $CONFIG" "logstag --check-config" "logstag --check-config $CONFIG"; do
  # shellcheck disable=SC2086 # the words of $command are the arguments
  as_logstag /usr/bin/$command >"$work/check.out" 2>"$work/check.err" ||
    fail "as logstag, $command: exit $?: $(cat "$work/check.out" "$work/check.err")"
  grep -q "^$CONFIG: OK" "$work/check.out" || fail "as logstag, $command printed: $(cat "$work/check.out")"
  ! grep -q "warning" "$work/check.err" || fail "as logstag, $command warned: $(cat "$work/check.err")"
  ok "as logstag, $command: $(cat "$work/check.out")"
done
# The negative twin: the same check refuses a broken copy, so the OK above means something.
as_root install -o logstag -g logstag -m 0600 /dev/null "$work/broken.toml"
as_root sh -c "sed 's/^db_engine = .*/db_engine = \"nosuch\"/' $CONFIG > $work/broken.toml"
status=0
as_logstag /usr/bin/logstag agent --check-config --config "$work/broken.toml" >/dev/null 2>&1 || status=$?
[ "$status" = 2 ] || fail "a configuration with db_engine = \"nosuch\" passed --check-config (exit $status, expected 2)"
ok "as logstag, a broken copy of the configuration is refused with exit 2"

# The agent itself, without systemd: as logstag, with systemd's StateDirectory variable, it
# writes its history and log into the packaged directories, and stops on SIGTERM with exit 0
# (timeout sends it after 5 s; --preserve-status returns the agent's own exit status).
status=0
as_logstag STATE_DIRECTORY=/var/lib/logstag-agent timeout --preserve-status -s TERM 5 \
  /usr/bin/logstag agent --config "$CONFIG" || status=$?
[ "$status" = 0 ] || fail "the agent run as logstag exited $status: $(as_root tail -5 /var/log/logstag-agent/agent.log 2>&1)"
for file in /var/lib/logstag-agent/history.sqlite3 /var/log/logstag-agent/agent.log; do
  owner=$(as_root stat -c '%U:%G %a' "$file" 2>/dev/null) || fail "the agent run as logstag did not write $file"
  [ "${owner% *}" = logstag:logstag ] || fail "$file is $owner, expected owner logstag:logstag"
  ok "the agent wrote $file ($owner)"
done
ok "the agent ran as logstag and stopped on SIGTERM with exit 0"

# --- upgrade to revision 2 with a locally edited configuration
edit="# local edit by packaging/test-deb.sh"
as_root sh -c "echo '$edit' >> $CONFIG"
as_root dpkg -i "$second" </dev/null || fail "dpkg -i $second (the upgrade) failed"
[ "$(dpkg-query -W -f='${Version}' logstag)" = "$version-2" ] || fail "after the upgrade the version is $(dpkg-query -W -f='${Version}' logstag)"
ok "upgraded to $version-2"
as_root grep -qxF "$edit" "$CONFIG" || fail "the upgrade replaced the locally edited $CONFIG"
ok "the upgrade kept the locally edited $CONFIG"
expect_stat "$CONFIG" "logstag:logstag 600"
[ "$(id -u logstag)" = "$uid" ] || fail "the upgrade changed logstag's uid"
ok "logstag keeps uid $uid"
as_root test -f /var/lib/logstag-agent/history.sqlite3 || fail "the upgrade deleted the history"
ok "the upgrade kept the history"

# --- remove: the configuration (and the data) stay
as_root dpkg -r logstag </dev/null || fail "dpkg -r logstag failed"
[ "$(package_status)" = "deinstall ok config-files" ] || fail "after dpkg -r the status is '$(package_status)'"
ok "dpkg -r: status 'deinstall ok config-files'"
expect_absent /usr/bin/logstag "dpkg -r"
expect_absent "$unit_path" "dpkg -r"
as_root grep -qxF "$edit" "$CONFIG" || fail "dpkg -r lost the edited $CONFIG"
expect_stat "$CONFIG" "logstag:logstag 600"
ok "dpkg -r kept $CONFIG with its local edit"
as_root test -f /var/lib/logstag-agent/history.sqlite3 || fail "dpkg -r deleted the history"
as_root test -f /var/log/logstag-agent/agent.log || fail "dpkg -r deleted the log"
ok "dpkg -r kept the history and the log"

# --- purge: configuration, history and logs go; the user stays (Debian policy)
as_root dpkg --purge logstag </dev/null || fail "dpkg --purge logstag failed"
! package_present || fail "after dpkg --purge the status is '$(package_status)'"
ok "dpkg --purge: the package is gone"
expect_absent "$CONFIG" "dpkg --purge"
for dir in "${DIRS[@]}"; do expect_absent "$dir" "dpkg --purge"; done
! as_root dpkg-statoverride --list "$CONFIG" >/dev/null || fail "the stat override of $CONFIG is left after purge"
ok "the stat override of $CONFIG is gone"
getent passwd logstag >/dev/null || fail "dpkg --purge deleted the logstag user (policy: leave it)"
ok "the logstag user is left in place, as Debian policy asks"
echo "== debian package: all checks passed"
