#!/usr/bin/env bash
# Fetches the front-end files the exhibition site ships (nothing is loaded from another host at view
# time) from the npm registry, with their licences, into src/kyvat/site_templates/static/vendor/.
# Run it only to upgrade: the files it writes are committed. Versions are pinned here.
set -euo pipefail
OSD_VERSION=6.1.1            # OpenSeadragon (BSD-3-Clause): the deep-zoom viewer
NOTO_SERIF_VERSION=5.3.0     # @fontsource/noto-serif (SIL OFL 1.1): Vietnamese + Latin subsets

repo="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$repo/src/kyvat/site_templates/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch NAME@VERSION into $work/NAME-dir
    local dir="$work/$2"
    mkdir -p "$dir"
    (cd "$work" && npm pack "$1" --silent >/dev/null)
    tar xzf "$work"/*.tgz -C "$dir" && rm "$work"/*.tgz
}

fetch "openseadragon@$OSD_VERSION" osd
rm -rf "$vendor/openseadragon" && mkdir -p "$vendor/openseadragon"
# Only the minified script: the site draws its own buttons, so OSD's button images are not needed.
cp "$work/osd/package/build/openseadragon/openseadragon.min.js" "$vendor/openseadragon/"
cp "$work/osd/package/LICENSE.txt" "$vendor/openseadragon/LICENSE.txt"
echo "openseadragon@$OSD_VERSION" > "$vendor/openseadragon/VERSION"

fetch "@fontsource/noto-serif@$NOTO_SERIF_VERSION" noto
rm -rf "$vendor/noto-serif" && mkdir -p "$vendor/noto-serif"
for subset in latin vietnamese; do
    for style in 400-normal 400-italic 700-normal; do
        cp "$work/noto/package/files/noto-serif-$subset-$style.woff2" "$vendor/noto-serif/"
    done
done
cp "$work/noto/package/LICENSE" "$vendor/noto-serif/LICENSE"
echo "@fontsource/noto-serif@$NOTO_SERIF_VERSION" > "$vendor/noto-serif/VERSION"
echo "vendored into $vendor"
