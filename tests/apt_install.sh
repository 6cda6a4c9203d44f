#!/usr/bin/env bash
# Installs Debian/Ubuntu packages for the test set-up: only the named ones, without recommended
# packages, waiting for the package lock, refreshing the package lists once when installing fails.
# Needs root or passwordless sudo. Usage: tests/apt_install.sh PACKAGE...
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 PACKAGE..." >&2; exit 2; }

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "apt_install: need root or passwordless sudo to apt-get install $*" >&2
  exit 3
fi
command -v apt-get >/dev/null 2>&1 || { echo "apt_install: apt-get not found" >&2; exit 3; }

export DEBIAN_FRONTEND=noninteractive
lock=(-o DPkg::Lock::Timeout=600)
install() { "${sudo[@]}" apt-get install -y -q "${lock[@]}" --no-install-recommends "$@"; }
# stale or absent package lists are the usual reason for a failure: update once and retry
install "$@" || { "${sudo[@]}" apt-get update -q "${lock[@]}" && install "$@"; }
echo "apt_install: installed $*"
