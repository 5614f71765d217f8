#!/usr/bin/env bash
# The README's test command: system packages, npm ci (builds the native modules from source),
# then every check (lint, typecheck, build, unit, PC/SC, E2E, electronegativity).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh
npm ci --no-audit --no-fund
npm test
