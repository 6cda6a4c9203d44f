#!/usr/bin/env bash
# Installs bubblewrap (Debian/Ubuntu package `bubblewrap`), the sandbox the probe runs its worker in.
# Idempotent: installs nothing when `bwrap` is on PATH. Needs root or passwordless sudo.
# Usage: tests/probe/install_tools.sh
set -euo pipefail

if command -v bwrap >/dev/null 2>&1; then
  echo "install_tools: bubblewrap present"
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "install_tools: need root or passwordless sudo to apt-get install bubblewrap" >&2
  exit 3
fi
command -v apt-get >/dev/null 2>&1 || { echo "install_tools: apt-get not found" >&2; exit 3; }

export DEBIAN_FRONTEND=noninteractive
install() { "${sudo[@]}" apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends bubblewrap; }
# stale or absent package lists are the usual reason for a failure: update once and retry
install || { "${sudo[@]}" apt-get update -q -o DPkg::Lock::Timeout=600 && install; }
echo "install_tools: installed bubblewrap"
