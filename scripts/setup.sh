#!/usr/bin/env bash
# Installs every Debian 12 package purr needs to build, run and test. Idempotent: when all
# packages are present it installs nothing and does not touch the network.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config clang libclang-rt-14-dev
  # OCR: Tesseract 5 with the Nordic and English models and orientation detection
  tesseract-ocr tesseract-ocr-osd tesseract-ocr-nor tesseract-ocr-swe tesseract-ocr-dan
  tesseract-ocr-eng libtesseract-dev libleptonica-dev
  # PDF input
  libpoppler-cpp-dev poppler-utils
  # patterns, rules, text
  libre2-dev libyaml-cpp-dev libicu-dev libgmime-3.0-dev libcld2-dev libfasttext-dev
  # classifier comparison (fixtures/models/compare_liblinear.py): liblinear command-line tools
  liblinear-tools
  # store, daemon, archives
  libsqlitecpp-dev libsqlite3-dev libpoco-dev libarchive-dev
  # bank files: expat for streaming camt XML (also pulled in by libpoco-dev)
  libexpat1-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3
  # fixture generator: ImageMagick renders letters as scans, with these fonts
  imagemagick fonts-liberation fonts-dejavu-core libtiff-tools
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
