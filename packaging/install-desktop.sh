#!/usr/bin/env bash
# Make the app in this folder known to the desktop of the current user: menu entry, icon, and
# .wbcase / .wbbundle files opening in it. Run it from the unpacked folder; it writes only
# under ~/.local (XDG_DATA_HOME) and never needs root.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
install -D -m 644 "$here/share/mime/packages/case-workbench.xml" \
    "$data/mime/packages/case-workbench.xml"
install -D -m 644 "$here/share/icons/hicolor/scalable/apps/case-workbench.svg" \
    "$data/icons/hicolor/scalable/apps/case-workbench.svg"
install -D -m 644 "$here/share/icons/hicolor/256x256/apps/case-workbench.png" \
    "$data/icons/hicolor/256x256/apps/case-workbench.png"
mkdir -p "$data/applications"
sed "s|^Exec=workbench |Exec=\"$here/workbench\" |" \
    "$here/share/applications/case-workbench.desktop" \
    > "$data/applications/case-workbench.desktop.partial"
mv "$data/applications/case-workbench.desktop.partial" "$data/applications/case-workbench.desktop"
command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
echo "Case Workbench is in the applications menu; .wbcase and .wbbundle files open in it."
