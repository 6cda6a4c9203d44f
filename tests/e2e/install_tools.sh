#!/usr/bin/env bash
# Installs the editors that tests/e2e/test_editors.py drives, from Debian/Ubuntu packages:
#   neovim (>= 0.7), emacs-nox (+ elpa-eglot when Emacs has no built-in eglot), vim + vim-ale.
# Idempotent: installs only what is missing. Needs root or passwordless sudo.
# Usage: tests/e2e/install_tools.sh [--check]   (--check: print what is missing, install nothing)
set -euo pipefail

missing=()
command -v nvim >/dev/null 2>&1 || missing+=(neovim)
command -v emacs >/dev/null 2>&1 || missing+=(emacs-nox)
if ! emacs --batch --eval "(progn (package-initialize) (require 'eglot))" >/dev/null 2>&1; then
  missing+=(elpa-eglot)
fi
command -v vim >/dev/null 2>&1 || missing+=(vim)
[ -f /usr/share/vim-ale/plugin/ale.vim ] || missing+=(vim-ale)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install_tools: nothing to install"
  exit 0
fi
echo "install_tools: missing: ${missing[*]}"
[ "${1:-}" = "--check" ] && exit 1

bash "$(dirname "$0")/../apt_install.sh" "${missing[@]}"
