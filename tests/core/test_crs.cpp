#include <gtest/gtest.h>

#include "core/crs.hpp"
#include "core/error.hpp"

using namespace casco;

// The Amersfoort base point of the Dutch RD grid: 52.15517 N, 5.38721 E is (155000, 463000).
TEST(Crs, AmersfoortBasePointWgs84ToRdNew) {
  double x = 5.38721, y = 52.15517;
  transform_point("EPSG:4326", "EPSG:28992", x, y);
  EXPECT_NEAR(x, 155000.0, 2.0);
  EXPECT_NEAR(y, 463000.0, 2.0);
}

TEST(Crs, RdNewToWgs84RoundTrip) {
  double x = 155000.0, y = 463000.0;
  transform_point("EPSG:28992", "EPSG:4326", x, y);
  EXPECT_NEAR(x, 5.38721, 3e-5);
  EXPECT_NEAR(y, 52.15517, 3e-5);
  transform_point("EPSG:4326", "EPSG:28992", x, y);
  EXPECT_NEAR(x, 155000.0, 0.01);
  EXPECT_NEAR(y, 463000.0, 0.01);
}

TEST(Crs, UnknownCrsIsAClearError) {
  try {
    make_srs("EPSG:999999", "model.toml: [model] crs");
    FAIL();
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("model.toml"), std::string::npos);
    EXPECT_NE(m.find("EPSG:999999"), std::string::npos);
  }
}
