// A store knows the checksum of every layer it holds: a damaged layer is named when it is read,
// never used for silently different figures, and `casco check` lists every damaged layer.
#include <gdal_priv.h>
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "model/stats.hpp"
#include "model/store.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;

namespace casco {
namespace {

// Overwrites four bytes in the middle of the layer's first tile: the tile still decodes, but some
// values change (what a bad disk block or a broken copy does).
void damage(const fs::path& store, const std::string& layer) {
  GDALDatasetUniquePtr ds(
      GDALDataset::Open(store.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr));
  ASSERT_TRUE(ds);
  CPLErrorReset();
  OGRLayer* r = ds->ExecuteSQL(("UPDATE \"" + layer +
                                "\" SET tile_data = substr(tile_data, 1, 40000) || X'41424344' || "
                                "substr(tile_data, 40005) WHERE id = (SELECT min(id) FROM \"" +
                                layer + "\")")
                                   .c_str(),
                               nullptr, nullptr);
  if (r) ds->ReleaseResultSet(r);
  ASSERT_NE(CPLGetLastErrorType(), CE_Failure) << CPLGetLastErrorMsg();
}

TEST(Integrity, EveryLayerOfAFreshStoreHasAChecksumThatHolds) {
  Store s = Store::open(test::drenthe_store_250());
  for (const auto& L : s.manifest().layers) EXPECT_EQ(L.data_sha256.size(), 64u) << L.id;
  for (const auto& c : check_store(s)) {
    EXPECT_TRUE(c.ok) << c.id << ": " << c.problem;
    EXPECT_FALSE(c.unchecked) << c.id;
  }
}

TEST(Integrity, ADamagedLayerIsNamedInsteadOfGivingOtherFigures) {
  test::TempDir dir;
  fs::copy_file(test::drenthe_store_250(), dir / "d.gpkg");
  damage(dir / "d.gpkg", "inwoners");
  Store s = Store::open(dir / "d.gpkg");
  try {
    s.read("inwoners");
    ADD_FAILURE() << "a damaged layer was read without an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layer 'inwoners'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("is damaged"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(s.read("natura2000"));  // the others are fine
  std::vector<std::string> damaged;
  for (const auto& c : check_store(s))
    if (!c.ok) damaged.push_back(c.id);
  EXPECT_EQ(damaged, std::vector<std::string>{"inwoners"});
}

// Stores written before checksums existed still open and read; they are reported as unchecked.
TEST(Integrity, AStoreWithoutChecksumsReadsAndSaysItIsUnchecked) {
  test::TempDir dir;
  fs::copy_file(test::drenthe_store_250(), dir / "d.gpkg");
  {
    GDALDatasetUniquePtr ds(GDALDataset::Open(
        (dir / "d.gpkg").c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr));
    OGRLayer* r = ds->ExecuteSQL("UPDATE casco_layers SET data_sha256 = NULL", nullptr, nullptr);
    if (r) ds->ReleaseResultSet(r);
  }
  Store s = Store::open(dir / "d.gpkg");
  EXPECT_NO_THROW(s.read("inwoners"));
  for (const auto& c : check_store(s)) {
    EXPECT_TRUE(c.ok) << c.id;
    EXPECT_TRUE(c.unchecked) << c.id;
  }
}

}  // namespace
}  // namespace casco
