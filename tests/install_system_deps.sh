#!/usr/bin/env bash
# Installs the distribution packages the test suite needs (a browser and its driver for the
# Playwright tests). A no-op when they are present.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "The browser tests need: ${missing[*]}. Install them with your package manager." >&2
  exit 1
fi
echo "Installing ${missing[*]} for the browser tests..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
