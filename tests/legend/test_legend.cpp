// Layer descriptions and the one legend every presentation draws from them: by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "legend/legend.hpp"
#include "model/describe.hpp"

using namespace casco;

namespace {

Grid grid(int cols, int rows) {
  Grid g;
  g.x0 = 0, g.y0 = rows * 100.0, g.cell = 100, g.cols = cols, g.rows = rows;
  return g;
}

Raster raster(const Grid& g, std::vector<float> v) {
  Raster r(g, 0.0f);
  for (std::size_t i = 0; i < v.size(); ++i) r.values[i] = v[i];
  return r;
}

}  // namespace

TEST(Describe, DefaultsFollowTheDerivationAndTheUnit) {
  EXPECT_EQ(default_description("zones", "zone").style.kind, LayerStyle::Kind::Zones);
  LayerDescription d = default_description("distance", "m");
  EXPECT_EQ(d.role, role::kDistance);
  EXPECT_EQ(d.display_unit, "km");
  EXPECT_DOUBLE_EQ(d.display_factor, 0.001);
  EXPECT_EQ(default_description("coverage", "aandeel 0-1").display_unit, "%");
  EXPECT_EQ(default_description("presence", "aanwezig 0/1", true).style.points, true);
  EXPECT_EQ(default_description("expression", "aanwezig 0/1").role, role::kPresence);
  EXPECT_EQ(default_description("dasymetric", "inwoners per cel").role, role::kCount);
  EXPECT_EQ(default_description("expression", "gewicht").role, role::kWeight);
}

TEST(Describe, RoundTripsThroughTheStoreText) {
  LayerDescription d;
  d.role = role::kNorm;
  d.params = {{"norm", "school"}, {"kind", "basisschool"}};
  d.decimals = 2;
  d.display_unit = "min";
  d.style.kind = LayerStyle::Kind::Classes;
  d.style.classes = {{1, "haalt de norm", "#1a9641"}, {0, "haalt de norm niet", ""}};
  d.style.points = true;
  LayerDescription back = description_from_json(to_json(d), {});
  EXPECT_EQ(back.role, d.role);
  EXPECT_EQ(back.params, d.params);
  EXPECT_EQ(back.decimals, 2);
  EXPECT_EQ(back.display_unit, "min");
  ASSERT_EQ(back.style.classes.size(), 2u);
  EXPECT_EQ(back.style.classes[0].label, "haalt de norm");
  EXPECT_EQ(back.style.classes[1].colour, "");
  EXPECT_TRUE(back.style.points);
  EXPECT_TRUE(std::isnan(back.style.lo));
  // A damaged text reads as the fallback.
  EXPECT_EQ(description_from_json("{not json", d).role, role::kNorm);
  EXPECT_EQ(description_from_json("", {}).role, role::kMeasure);
}

// Distances 0 … 4,000 m shown in km with one decimal; the range from the study area only.
TEST(Legend, RampsAreShownInThePeoplesUnitAndRangeOverTheStudyArea) {
  Grid g = grid(4, 1);
  Raster r = raster(g, {0, 1000, 2260, 9000});
  LayerRecord L;
  L.title = "Afstand tot station";
  L.unit = "m";
  L.describe = default_description("distance", "m");
  std::vector<std::uint8_t> inside = {1, 1, 1, 0};  // 9 km lies outside the study area
  legend::Legend l = legend::legend_for(L, r, inside);
  EXPECT_EQ(l.kind, legend::Legend::Kind::Ramp);
  EXPECT_DOUBLE_EQ(l.lo, 0);
  EXPECT_DOUBLE_EQ(l.hi, 2260);
  EXPECT_TRUE(l.clipped);  // 9 km exists beyond the top
  EXPECT_EQ(l.format(2260), "2,3 km");
  EXPECT_EQ(l.format(2000), "2 km");
  EXPECT_EQ(l.high_label(), "≥ 2,3 km");
  EXPECT_EQ(l.low_label(), "0");
  EXPECT_EQ(l.argb(NAN), 0u);
  EXPECT_EQ(l.argb(0) >> 24, 0xffu);
  EXPECT_NE(l.argb(0), l.argb(2260));
}

TEST(Legend, ClassesKeepTheirNamesAndColoursAndUndrawnClassesStayClear) {
  Grid g = grid(3, 1);
  LayerRecord L;
  L.describe.role = role::kAllocation;
  L.describe.style.kind = LayerStyle::Kind::Classes;
  L.describe.style.classes = {
      {0, "geen claim", ""}, {1, "Woningbouw", "#d7301f"}, {2, "Natuur", "#31a354"}};
  legend::Legend l = legend::legend_for(L, raster(g, {0, 1, 2}));
  ASSERT_EQ(l.classes.size(), 3u);
  EXPECT_FALSE(l.classes[0].drawn);
  EXPECT_EQ(l.argb(0), 0u);  // "no claim" does not paint the province
  EXPECT_EQ(l.argb(1), 0xffd7301fu);
  EXPECT_EQ(l.argb(2), 0xff31a354u);
  EXPECT_EQ(l.argb(3), 0u);
  EXPECT_EQ(l.class_index(2), 2);
}

// Water depth in the stress test's classes: up to 10 cm, 10–30 cm, deeper; dry cells clear.
TEST(Legend, BinsTakeEachValueIntoTheFirstClassItDoesNotExceed) {
  Grid g = grid(5, 1);
  LayerRecord L;
  L.describe.style.kind = LayerStyle::Kind::Bins;
  L.describe.style.zero_blank = true;
  L.describe.style.classes = {
      {0.10, "tot 10 cm", "#c6dbef"}, {0.30, "10–30 cm", "#6baed6"}, {0, "dieper", "#08306b"}};
  legend::Legend l = legend::legend_for(L, raster(g, {0, 0.05f, 0.10f, 0.2f, 2.0f}));
  EXPECT_EQ(l.class_index(0), -1);
  EXPECT_EQ(l.class_index(0.05), 0);
  EXPECT_EQ(l.class_index(0.10), 0);
  EXPECT_EQ(l.class_index(0.2), 1);
  EXPECT_EQ(l.class_index(2.0), 2);
  EXPECT_EQ(l.argb(0), 0u);
  EXPECT_EQ(l.argb(2.0), 0xff08306bu);
}

TEST(Legend, RobustRampsTopAtThe99thPercentileAndSayWhy) {
  Grid g = grid(200, 1);
  std::vector<float> v(200);
  for (int i = 0; i < 200; ++i) v[static_cast<std::size_t>(i)] = static_cast<float>(i + 1);
  v[199] = 10000;  // one far outlier
  LayerRecord L;
  L.unit = "inwoners per ha";
  L.estimate = "verdeeld over waar mensen wonen";
  L.describe = default_description("attribute", "inwoners per ha");
  legend::Legend l = legend::legend_for(L, raster(g, v));
  EXPECT_TRUE(l.robust);
  EXPECT_LT(l.hi, 250);
  EXPECT_GT(l.hi, 150);
  EXPECT_NE(std::find(l.notes.begin(), l.notes.end(), "bovengrens: 99e percentiel"), l.notes.end());
  EXPECT_NE(std::find(l.notes.begin(), l.notes.end(), "schatting"), l.notes.end());
}

TEST(Legend, DivergingRampsAreSymmetricAroundZero) {
  Grid g = grid(2, 1);
  LayerRecord L;
  L.describe.style.ramp = "roodgroen";
  legend::Legend l = legend::legend_for(L, raster(g, {-2, 6}));
  EXPECT_DOUBLE_EQ(l.lo, -6);
  EXPECT_DOUBLE_EQ(l.hi, 6);
  EXPECT_EQ(l.argb(0), 0xfff7f7f7u);  // white in the middle
}

// A suitability score as a resident reads its legend: | low end | high end   | note              |
//                                                     | "−5"    | "+5 punten" | what the colours
//                                                     say |
TEST(Legend, ScoreEndsCarryTheirSignAndTheColoursAreExplained) {
  Grid g = grid(2, 1);
  LayerRecord L;
  L.unit = "punten";
  L.describe.style.ramp = "roodgroen";
  L.describe.params["legend_note"] = "rood: minder geschikt, groen: beter geschikt";
  legend::Legend l = legend::legend_for(L, raster(g, {-5, 3}));
  EXPECT_EQ(l.low_label(), "\u22125");
  EXPECT_EQ(l.high_label(), "+5 punten");
  EXPECT_EQ(l.format(0), "0 punten");
  ASSERT_FALSE(l.notes.empty());
  EXPECT_EQ(l.notes.back(), "rood: minder geschikt, groen: beter geschikt");
  // A ramp that does not cross 0 has no signs.
  LayerRecord D;
  D.unit = "km";
  legend::Legend d = legend::legend_for(D, raster(g, {1, 4}));
  EXPECT_EQ(d.high_label(), "4 km");
}

TEST(Legend, RoundTripsThroughJsonAndRefusesDamage) {
  Grid g = grid(2, 1);
  LayerRecord L;
  L.describe.style.kind = LayerStyle::Kind::Classes;
  L.describe.style.classes = {{1, "ja", "#ff0000"}};
  legend::Legend l = legend::legend_for(L, raster(g, {1, 0}));
  legend::Legend back = legend::legend_from_json(legend::to_json(l));
  EXPECT_EQ(back.classes.size(), 1u);
  EXPECT_EQ(back.classes[0].rgb, 0xff0000u);
  EXPECT_EQ(back.argb(1), l.argb(1));
  EXPECT_THROW(legend::legend_from_json("{}"), Error);
  EXPECT_EQ(legend::parse_css("#00ff7f"), 0x00ff7fu);
  EXPECT_EQ(legend::parse_css("green", 7), 7u);
}
