#!/usr/bin/env bash
# Build the stand-alone Case Workbench for Linux: one folder, dist/workbench/, with the icon, the
# desktop entry, the MIME types of .wbcase and .wbbundle and the sample case inside.
#
#   packaging/build-linux.sh            # build, then run the app's own self-test
#   PYTHON=python3.12 packaging/build-linux.sh
#   WORKBENCH_DIST=/some/folder packaging/build-linux.sh   # the app in /some/folder/workbench
#
# The build gets its own virtual environment (build/venv) with the app and PyInstaller (the
# `package` extra of pyproject.toml) from PyPI, so what is installed in the developer's
# environment never leaks into the app.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${WORKBENCH_BUILD_VENV:-build/venv}"
DIST="${WORKBENCH_DIST:-dist}"
started=$(date +%s)

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check '.[package]'
echo "build: installed the app and PyInstaller in $VENV ($(( $(date +%s) - started )) s)"

"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath build/pyinstaller packaging/workbench.spec
app="$DIST/workbench"
share="$app/share"
install -D -m 644 packaging/case-workbench.desktop "$share/applications/case-workbench.desktop"
install -D -m 644 packaging/case-workbench-mime.xml "$share/mime/packages/case-workbench.xml"
install -D -m 644 resources/workbench.svg "$share/icons/hicolor/scalable/apps/case-workbench.svg"
install -D -m 644 resources/workbench.png "$share/icons/hicolor/256x256/apps/case-workbench.png"
install -m 755 packaging/install-desktop.sh "$app/install-desktop.sh"
echo "build: $app built in $(( $(date +%s) - started )) s ($(du -sh "$app" | cut -f1))"

if [ "${WORKBENCH_SKIP_SELF_TEST:-}" != "1" ]; then
    QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" "$app/workbench" --self-test
fi
