// The condition language (src/condition): parse, bind to a few layers and evaluate over cells that
// cross a block boundary. Oracle besides the sanitizers: the block evaluation equals the
// evaluation of each cell on its own.
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "condition/expression.hpp"
#include "fuzz_util.hpp"

namespace {

// Layer names of the seeds (data/drenthe) and a few short ones for the fuzzer to find.
const std::vector<std::string> kLayers = {"natura2000",
                                          "afstand_natura2000",
                                          "afstand_hunebed",
                                          "inwoners",
                                          "bebouwd",
                                          "cell_ha",
                                          "afstand_station",
                                          "afstand_bushalte",
                                          "studiegebied",
                                          "woonplaatsen",
                                          "gemeenten",
                                          "regios",
                                          "basisschool",
                                          "afstand_water",
                                          "a",
                                          "b"};
constexpr std::size_t kCells = 1030;  // more than one block of 1024

float value(std::size_t layer, std::size_t cell) {
  static const float special[] = {0.0f,
                                  1.0f,
                                  -1.0f,
                                  0.5f,
                                  250.0f,
                                  -0.0f,
                                  1e30f,
                                  -1e30f,
                                  std::numeric_limits<float>::quiet_NaN(),
                                  std::numeric_limits<float>::infinity()};
  return special[(cell * (layer + 3) + layer) % 10];
}

bool same(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  fuzz::quiet();
  const std::string text = fuzz::text_of(data, size);
  fuzz::expect_clean("rules.toml", text, [&] {
    auto e = condition::Expression::parse(text, {"rules.toml", 1, 1});
    e.bind(kLayers, "woningbouw");
    std::vector<std::vector<float>> cells(kLayers.size(), std::vector<float>(kCells));
    for (std::size_t l = 0; l < kLayers.size(); ++l)
      for (std::size_t c = 0; c < kCells; ++c) cells[l][c] = value(l, c);
    std::vector<const float*> slots;  // slot i: the i-th layer passed to bind()
    for (const auto& c : cells) slots.push_back(c.data());
    std::vector<float> out(kCells);
    e.evaluate(slots.data(), kCells, out.data());
    for (std::size_t c = 0; c < kCells; c += 7) {
      std::vector<const float*> one;
      for (const float* p : slots) one.push_back(p + c);
      float v = 0;
      e.evaluate(one.data(), 1, &v);
      if (!same(v, out[c]))
        fuzz::finding("cell " + std::to_string(c) + " is " + std::to_string(out[c]) +
                      " in a block but " + std::to_string(v) + " on its own");
    }
  });
  return 0;
}
