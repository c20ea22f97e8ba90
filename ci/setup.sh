#!/usr/bin/env bash
# ci/setup.sh: the one list of Debian packages this project needs.
# Idempotent: installs only what is missing, and runs `apt-get update` at most once.
# Usage: ci/setup.sh            (as root, or with sudo available)
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config
  # protocol library and tools
  libcbor-dev nlohmann-json3-dev libpugixml-dev libcli11-dev libfmt-dev libyaml-cpp-dev
  # CoAP and security (libcoap3-dev pulls the OpenSSL variant libcoap-3-openssl)
  libcoap3-dev libssl-dev openssl
  # tests
  libgtest-dev libgmock-dev python3-pytest
  # fuzzing (libFuzzer ships in libclang-rt-14-dev) and sanitizers
  clang libclang-rt-14-dev
  # Python bindings (pybind11 module for Debian's /usr/bin/python3)
  pybind11-dev python3-dev
  # Wireshark dissector plugin and its tshark tests
  libwireshark-dev libglib2.0-dev tshark
  # HTML report screenshot test
  chromium
  # MQTT transport tests
  mosquitto
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
