#!/usr/bin/env bash
# The main job: build casco, build the Drenthe province model from the bundled open data, print
# its summary, figures per gemeente and regio and quick-look maps, judge example plans against the
# afwegingskader and map where housing and solar parks fit.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-out}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target casco
CASCO=build/apps/casco/casco
scripts/build-web.sh   # the web viewer (casco serve)
mkdir -p "$OUT"

$CASCO build data/drenthe/model.toml -o "$OUT/drenthe.gpkg"
echo
$CASCO info "$OUT/drenthe.gpkg"
echo
$CASCO stats "$OUT/drenthe.gpkg" inwoners --by gemeenten
echo
$CASCO stats "$OUT/drenthe.gpkg" natura2000 --by gemeenten
echo
$CASCO stats "$OUT/drenthe.gpkg" natura2000 --by regios
echo
for layer in natura2000 inwonerdichtheid bebouwd afstand_station gemeenten; do
  $CASCO export "$OUT/drenthe.gpkg" "$layer" "$OUT/$layer.png"
done
echo
echo "=== Afwegingskader: five example plans judged rule by rule ==="
$CASCO assess "$OUT/drenthe.gpkg" data/drenthe/rules.toml data/drenthe/plannen/voorbeeldplannen.geojson \
  --parts "$OUT/toetsing_delen.geojson"
echo
$CASCO assess "$OUT/drenthe.gpkg" data/drenthe/rules.toml data/drenthe/plannen/voorbeeldplannen.geojson \
  --format markdown > "$OUT/toetsing.md"
for kind in woningbouw zonnepark; do
  $CASCO suitability "$OUT/drenthe.gpkg" data/drenthe/rules.toml --kind "$kind" -o "$OUT/geschiktheid_$kind" --by regios
  echo
done
echo "=== Bereikbaarheid: travel times, norms, and what if Assen station closes ==="
$CASCO access "$OUT/drenthe.gpkg" data/drenthe/access.toml --maps "$OUT" --origins "$OUT/herkomst"
echo
$CASCO access "$OUT/drenthe.gpkg" data/drenthe/access.toml --without "NL:S:asn" --maps "$OUT"
echo
echo "=== Kernenstructuur ==="
$CASCO kernen "$OUT/drenthe.gpkg" data/drenthe/kernen.toml -o "$OUT/kernen.geojson" --areas "$OUT/kerngebieden.geojson" > "$OUT/kernen.txt"
$CASCO stats "$OUT/drenthe.gpkg" inwoners --by kernen --format csv > "$OUT/inwoners_per_kern.csv"
head -n 30 "$OUT/kernen.txt"
echo "… all places with their reasons: $OUT/kernen.txt"
echo
echo "=== Opgavenkaart: the woondeal claims allocated, as agreed and the high variant ==="
for sc in woondeals_2030 woondeals_hoog; do
  $CASCO allocate "$OUT/drenthe.gpkg" "data/drenthe/scenarios/$sc.toml" -o "$OUT/scenario_$sc" --by regios
  echo
done
$CASCO compare "$OUT/scenario_woondeals_2030" "$OUT/scenario_woondeals_hoog" --by regios
echo
echo "Model store (open it in QGIS): $OUT/drenthe.gpkg"
echo "Maps: $OUT/*.png · plan assessment: $OUT/toetsing.md, $OUT/toetsing_delen.geojson"
echo "Opgavenkaart: $OUT/scenario_*/allocatie.png, claims.csv, gebieden.csv; verschil: $OUT/scenario_woondeals_hoog/verschil.png"
echo "Web viewer: $CASCO serve $OUT/drenthe.gpkg   (then open http://127.0.0.1:8765)"
echo
echo "=== Rapport in gewone taal: de provincie en elke gemeente (HTML, en PDF met Chromium) ==="
$CASCO report "$OUT/drenthe.gpkg" --rules data/drenthe/rules.toml --out "$OUT/rapport"
echo "Rapport: $OUT/rapport/index.html"
