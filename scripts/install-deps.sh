#!/usr/bin/env bash
# Installs everything casco needs to build, test and run on Debian 12 (bookworm).
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake ninja-build pkg-config git ca-certificates \
  libgdal-dev gdal-bin python3-gdal libproj-dev proj-data libgeos-dev \
  libosmium2-dev libprotozero-dev zlib1g-dev libbz2-dev libexpat1-dev \
  libboost-dev libboost-graph-dev libtbb-dev \
  nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libfmt-dev libcpp-httplib-dev libssl-dev libcurl4-openssl-dev \
  libcairo2-dev libzip-dev fonts-dejavu-core chromium libctemplate-dev poppler-utils \
  libgtest-dev libgmock-dev libbenchmark-dev libglpk-dev \
  clang-format clang libclang-rt-14-dev llvm \
  grass-core r-cran-terra >/dev/null
# libexpat1-dev: OSM XML (libosmium) and the BRO groundwater XML (GLD, GMW; src/water/bro.cpp).
# clang, libclang-rt-14-dev (libFuzzer) and llvm (llvm-symbolizer): the fuzz targets of every
# parser (scripts/fuzz.sh, docs/fuzzing.md); the normal build uses GCC.
# grass-core: the peer check of casco's hydrology (tests/water, bench/bench_water); r-cran-terra
# ships the small real elevation model (ex/elev.tif) that check runs on. Both are optional at run
# time: without them the check and the GRASS part of the benchmark are skipped with a message.
# libctemplate-dev: the report's templates (data/drenthe/report/*.tpl); poppler-utils (pdftotext,
# pdftoppm): the report test reads the PDFs' page numbers, and pages can be looked at as PNG.
# The web viewer is bundled with npm (scripts/build-web.sh); Debian's Node.js when none is present.
if ! command -v npm >/dev/null; then
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
echo "casco: dependencies installed"
