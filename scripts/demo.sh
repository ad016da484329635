#!/usr/bin/env bash
# The main job: build casco, build the Drenthe province model from the bundled open data, print
# its summary, figures per gemeente and regio and quick-look maps, judge example plans against the
# afwegingskader and map where housing and solar parks fit, and show water en bodem: measured
# groundwater and the climate stress test (the elevation-based parts once AHN is fetched).
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
echo "=== Water en bodem: gemeten grondwater, de klimaatstresstest, en wat op het hoogtemodel wacht ==="
# Groundwater from the bundled wells (Hondsrug, Drentsche Aa): GHG/GLG and trend per filter, maps
# where the wells are dense enough ("geen gegevens" elsewhere), putten.csv and putten.geojson.
$CASCO water grondwater "$OUT/drenthe.gpkg" data/drenthe/water.toml -o "$OUT/water"
echo
if [ -f data/drenthe/official/ahn_dtm.tif ]; then
  $CASCO water hydrologie "$OUT/drenthe.gpkg" data/drenthe/water.toml -o "$OUT/water"
else
  echo "Bluespots, de bui van de klimaatstresstest (70 mm in 2 uur), afwatering, HAND en beekdalen"
  echo "komen uit het hoogtemodel en wachten op AHN. Haal het op met:"
  echo "  $CASCO data fetch --area drenthe --into data/drenthe/official --only ahn_dtm"
  echo "Daarna draait dit deel vanzelf mee (casco water hydrologie)."
fi
echo
# Climate as physics: the variant 'natter' of the high scenario carries a heavier storm and lower
# summer groundwater; the stress test runs again for it and maps now against the variant.
$CASCO water stresstest "$OUT/drenthe.gpkg" data/drenthe/water.toml \
  --scenario data/drenthe/scenarios/woondeals_hoog.toml --variant natter -o "$OUT/water/natter"
echo
# And the allocation once more with the variant, now that its water layers are in the store.
$CASCO allocate "$OUT/drenthe.gpkg" data/drenthe/scenarios/woondeals_hoog.toml --variant natter \
  -o "$OUT/scenario_woondeals_hoog_natter" --by regios --no-store
$CASCO compare "$OUT/scenario_woondeals_hoog" "$OUT/scenario_woondeals_hoog_natter" --by regios
echo "Water: $OUT/water/*.png, putten.csv, putten.geojson; nu tegenover natter: $OUT/water/natter/*_verschil.png"
echo
echo "=== Rapport in gewone taal: de provincie en elke gemeente (HTML, en PDF met Chromium) ==="
# --water: the section "Water en bodem" shows the bundled wells (GHG/GLG, trends, their map), the
# stress test now against the variant, and what still waits for AHN.
$CASCO report "$OUT/drenthe.gpkg" --rules data/drenthe/rules.toml --water data/drenthe/water.toml \
  --out "$OUT/rapport"
echo
echo "=== The store checked against its checksums, and opened as a QGIS project ==="
$CASCO check "$OUT/drenthe.gpkg"
$CASCO export "$OUT/drenthe.gpkg" --qgis
echo "Rapport: $OUT/rapport/index.html"
