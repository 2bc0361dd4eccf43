#!/usr/bin/env bash
# Installs the Debian packages kyvat's tests need, only when they are missing: make and npm (to run
# `make test` and fetch the browser tests' scripts), chromium (headless browser tests), ffmpeg
# (recordings: duration, metadata stripped), fonts with Vietnamese glyphs (screenshots, and the
# receipts and labels kyvat prints), faketime (CI runs the tests a year ahead), and poppler-utils and
# zbar-tools (the paperwork tests read the PDFs back and decode the labels' QR codes).
# The one place kyvat calls apt.
set -euo pipefail
need=()
command -v make >/dev/null || need+=(make)
command -v npm >/dev/null || need+=(nodejs npm)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
command -v faketime >/dev/null || need+=(faketime)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v zbarimg >/dev/null || need+=(zbar-tools)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${need[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
# Another install (unattended-upgrades, a second terminal) may hold apt's locks: wait up to 10 minutes.
apt_get=($sudo apt-get -o DPkg::Lock::Timeout=600)
# `apt-get update` ignores that timeout (apt 2.6 waits only for dpkg's lock), so retry it while its lock is held.
for try in $(seq 120); do
    if out=$("${apt_get[@]}" update -qq 2>&1); then break; fi
    case $out in *"Could not get lock"*) ;; *) echo "$out" >&2; exit 1 ;; esac
    [ "$try" -lt 120 ] || { echo "$out" >&2; exit 1; }
    [ "$try" -gt 1 ] || echo "apt is busy with another install; waiting for it..."
    sleep 5
done
DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq --no-install-recommends "${need[@]}"
