// Place names on maps: the largest kernen of the real Drenthe model (casco kernen on the 250 m
// store), each named inside its own area; and the sentence a map carries when it shows no change.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "access/access.hpp"
#include "render/places.hpp"
#include "render/quicklook.hpp"
#include "test_util.hpp"

using namespace casco;
namespace fs = std::filesystem;

namespace {

TEST(PlaceLabels, TheLargestKernenFirstEachInsideItsOwnArea) {
  test::TempDir dir;
  fs::copy_file(test::drenthe_store_250(), dir / "d.gpkg");
  EXPECT_TRUE(place_labels(Store::open(dir / "d.gpkg"), 5).empty());  // no kernen yet
  const std::string cmd =
      fmt::format("'{}' kernen -q '{}' '{}' > /dev/null 2>&1", CASCO_BINARY,
                  (dir / "d.gpkg").string(), (fs::path(CASCO_DATA_DIR) / "kernen.toml").string());
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const Store s = Store::open(dir / "d.gpkg");
  const auto labels = place_labels(s, 5, s.study_mask());
  ASSERT_EQ(labels.size(), 5u);
  // The two cities of Drenthe, by their inhabitants (casco kernen counts them the same way).
  EXPECT_EQ(labels[0].text, "Assen");
  EXPECT_EQ(labels[1].text, "Emmen");
  EXPECT_GT(labels[0].people, labels[1].people);
  for (std::size_t i = 1; i < labels.size(); ++i)
    EXPECT_GE(labels[i - 1].people, labels[i].people) << labels[i].text;
  // Each name sits on a cell of its own kern.
  const Raster kern = s.read("kernen");
  for (const MapLabel& l : labels) {
    const int col = static_cast<int>(std::floor(kern.grid.px(l.x)));
    const int row = static_cast<int>(std::floor(kern.grid.py(l.y)));
    const float z = kern.at(row, col);
    ASSERT_FALSE(std::isnan(z)) << l.text;
    std::string name;
    for (const auto& r : s.zones("kernen"))
      if (r.zone == static_cast<int>(z)) name = r.name;
    EXPECT_EQ(name, l.text);
  }
  EXPECT_EQ(place_labels(s, 0).size(), 0u);
}

TEST(MapNotes, AWhatIfWithoutChangeSaysSo) {
  Grid g;
  g.cell = 1, g.cols = 3, g.rows = 1;
  Raster change(g, 1.0f);
  change.values[0] = 0;
  EXPECT_EQ(access::what_if_note(change, {"station Assen"}),
            "Geen verschil: als station Assen sluit, valt nergens iemand onder deze norm.");
  EXPECT_EQ(access::what_if_note(change, {"a", "b", "c"}),
            "Geen verschil: als a, b en c sluiten, valt nergens iemand onder deze norm.");
  change.values[2] = 2;  // one cell drops below the norm
  EXPECT_EQ(access::what_if_note(change, {"station Assen"}), "");
}

}  // namespace
