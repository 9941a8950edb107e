#!/usr/bin/env bash
# Installs every Debian 12 package purr needs to build, run and test. Idempotent: when all
# packages are present it installs nothing and does not touch the network.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config clang libclang-rt-14-dev
  # OCR: Tesseract 5 with the Nordic and English models and orientation detection
  tesseract-ocr tesseract-ocr-osd tesseract-ocr-nor tesseract-ocr-swe tesseract-ocr-dan
  tesseract-ocr-eng libtesseract-dev libleptonica-dev libpng-dev libjpeg-dev
  # PDF input
  libpoppler-cpp-dev poppler-utils
  # patterns, rules, text
  libre2-dev libyaml-cpp-dev libicu-dev libgmime-3.0-dev libcld2-dev libfasttext-dev
  # the class model (logistic regression) and word stems for nb/nn, sv, da, en
  liblinear-dev libstemmer-dev
  # store, daemon, archives; OpenSSL for password hashing and session tokens
  libsqlitecpp-dev libsqlite3-dev libpoco-dev libarchive-dev libssl-dev
  # the PostgreSQL store (libpqxx), and the server its tests start as a throw-away cluster
  libpqxx-dev postgresql
  # bank files: expat for streaming camt XML (also pulled in by libpoco-dev)
  libexpat1-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3 curl
  # the review pages in a real browser (tests/browser): Chromium driven by playwright-core
  chromium nodejs
  # fixture generator: ImageMagick renders letters as scans, with these fonts
  imagemagick fonts-liberation fonts-dejavu-core libtiff-tools
)
# Debian's npm, unless an npm came with the installed nodejs (NodeSource's conflicts with it).
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# playwright-core for the browser test, pinned by tests/browser/package-lock.json.
browser_deps() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
  if [ ! -d "$dir/node_modules/playwright-core" ]; then
    echo "setup: npm ci in tests/browser (playwright-core)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  browser_deps
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
browser_deps
