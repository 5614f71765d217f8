#!/usr/bin/env bash
# The README's start command: system packages, npm ci, build, and start the Electron app
# (Electron downloads its own binary on first start, so this machine needs the internet once).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh
npm ci --no-audit --no-fund
npm start
