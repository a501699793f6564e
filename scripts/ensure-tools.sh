#!/usr/bin/env bash
# Makes sure the two native programs the tests drive are present: Chromium (for the Playwright
# suite) and the sqlite3 shell (for the interop fixtures). A machine that has them is left alone;
# otherwise they are installed with the platform's package manager, since Playwright's own
# browser download is not available everywhere. Prints the Chromium path it settled on.
set -euo pipefail

need_chromium=1
need_sqlite=1
for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then need_chromium=0; break; fi
done
command -v sqlite3 >/dev/null 2>&1 && need_sqlite=0

packages=()
[ "$need_chromium" = 1 ] && packages+=(chromium)
[ "$need_sqlite" = 1 ] && packages+=(sqlite3)

if [ "${#packages[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-tools: missing ${packages[*]} and no apt-get to install them." >&2
    echo "Install Chromium and the sqlite3 shell, or set CHROMIUM_PATH to a Chromium binary." >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" != 0 ] && sudo="sudo"
  echo "ensure-tools: installing ${packages[*]} with apt-get" >&2
  log=$(mktemp)
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
      "${packages[@]}"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "ensure-tools: apt-get could not install ${packages[*]} (log above)." >&2
    exit 1
  fi
  rm -f "$log"
fi
