#!/usr/bin/env bash
# The Debian/Ubuntu packages Madoguchi needs to build, run and test:
#   pcscd, libpcsclite-dev   the smart-card daemon and the headers the PC/SC binding builds against
#   vsmartcard-vpcd           the virtual reader driver the card tests plug a virtual card into
#   opensc                    an independent PC/SC client to cross-check the virtual card
#   chromium                  the browser the E2E tests drive (never a downloaded one)
#   iproute2, util-linux      ip and unshare, for the private test namespace
#   openssl                   an independent check of the terminal's certificate request
#   python3, make, g++        node-gyp's toolchain for the native modules
set -euo pipefail
PACKAGES=(pcscd libpcsclite-dev vsmartcard-vpcd opensc chromium iproute2 util-linux openssl python3 make g++)
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
"${SUDO[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
