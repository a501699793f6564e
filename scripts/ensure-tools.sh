#!/usr/bin/env bash
# Makes sure the native programs the tests drive are present: the three browser engines (Chromium
# for the Playwright suite; Firefox, driven over WebDriver BiDi; WebKitGTK's WebDriver and
# MiniBrowser, with Xvfb for it to draw on) and the sqlite3 shell (for the interop fixtures). A
# machine that has them is left alone; otherwise they are installed with the platform's package
# manager, since Playwright's own browser downloads are not available everywhere.
set -euo pipefail

# True when one of the paths given is an executable file.
has_one_of() {
  for candidate in "$@"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then return 0; fi
  done
  return 1
}

case "$(uname -m)" in
  aarch64 | arm64) triplet=aarch64-linux-gnu ;;
  *) triplet=x86_64-linux-gnu ;;
esac

packages=()
has_one_of "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome ||
  packages+=(chromium)
has_one_of "${FIREFOX_PATH:-}" /usr/bin/firefox-esr /usr/bin/firefox || packages+=(firefox-esr)
{ has_one_of "${WEBKIT_WEBDRIVER_PATH:-}" /usr/bin/WebKitWebDriver &&
  has_one_of "${WEBKIT_MINIBROWSER_PATH:-}" "/usr/lib/$triplet/webkit2gtk-4.1/MiniBrowser" \
    "/usr/lib/$triplet/webkitgtk-6.0/MiniBrowser"; } || packages+=(webkit2gtk-driver)
has_one_of "${XVFB_PATH:-}" /usr/bin/Xvfb || packages+=(xvfb)
command -v sqlite3 >/dev/null 2>&1 || packages+=(sqlite3)

if [ "${#packages[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-tools: missing ${packages[*]} and no apt-get to install them." >&2
    echo "Install them, or set CHROMIUM_PATH, FIREFOX_PATH, WEBKIT_WEBDRIVER_PATH, WEBKIT_MINIBROWSER_PATH or XVFB_PATH." >&2
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
