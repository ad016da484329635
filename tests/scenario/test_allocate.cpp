// The exact allocation against hand-computed optima, against GLPK's LP optimum on random small
// instances (the transportation LP is totally unimodular, so its optimum is integral), and its
// shadow prices against the optimality conditions.
#include <glpk.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "scenario/allocate.hpp"

using namespace casco::scenario;

namespace {

const float kNaN = std::nanf("");

// An instance that owns its layers.
struct Instance {
  std::vector<std::vector<float>> layers;
  std::vector<std::int32_t> region_of;
  std::vector<Claim> claims;
  AllocationInput input() const {
    AllocationInput in;
    in.cells = layers.empty() ? region_of.size() : layers[0].size();
    for (const auto& l : layers) in.suitability.push_back(l.data());
    in.region_of = region_of.empty() ? nullptr : region_of.data();
    in.claims = claims;
    return in;
  }
};

Claim claim(int kind, int region, std::int64_t lo, std::int64_t hi) {
  return {"c" + std::to_string(kind) + "_" + std::to_string(region), kind, region, lo, hi};
}

bool eligible(const AllocationInput& in, int k, std::size_t c) {
  const Claim& cl = in.claims[k];
  return (cl.region < 0 || in.region_of[c] == cl.region) && !std::isnan(in.suitability[cl.kind][c]);
}

// Lexicographic LP optimum: minimal total shortfall, then maximal suitability.
struct LpResult {
  double shortfall = 0, objective = 0;
};
LpResult solve_lp(const AllocationInput& in) {
  glp_term_out(GLP_OFF);
  glp_prob* lp = glp_create_prob();
  const int K = static_cast<int>(in.claims.size());
  const int n = static_cast<int>(in.cells);
  // Rows: one per cell (<= 1), two per claim (sum + y >= min, sum <= max).
  glp_add_rows(lp, n + 2 * K);
  for (int c = 0; c < n; ++c) glp_set_row_bnds(lp, c + 1, GLP_UP, 0, 1);
  for (int k = 0; k < K; ++k) {
    glp_set_row_bnds(lp, n + 2 * k + 1, GLP_LO, static_cast<double>(in.claims[k].min_cells), 0);
    glp_set_row_bnds(lp, n + 2 * k + 2, GLP_UP, 0, static_cast<double>(in.claims[k].max_cells));
  }
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0};
  std::vector<double> value;  // suitability of each x column
  auto add = [&](int row, int col, double v) {
    ia.push_back(row), ja.push_back(col), ar.push_back(v);
  };
  for (int k = 0; k < K; ++k) {  // shortfall columns y_k in [0, min_k]
    const int col = glp_add_cols(lp, 1);
    glp_set_col_bnds(lp, col, GLP_DB, 0, static_cast<double>(in.claims[k].min_cells));
    if (in.claims[k].min_cells == 0) glp_set_col_bnds(lp, col, GLP_FX, 0, 0);
    add(n + 2 * k + 1, col, 1);
    value.push_back(0);
  }
  for (int c = 0; c < n; ++c)
    for (int k = 0; k < K; ++k) {
      if (!eligible(in, k, c)) continue;
      const int col = glp_add_cols(lp, 1);
      glp_set_col_bnds(lp, col, GLP_DB, 0, 1);
      add(c + 1, col, 1);
      add(n + 2 * k + 1, col, 1);
      add(n + 2 * k + 2, col, 1);
      value.push_back(in.suitability[in.claims[k].kind][c]);
    }
  glp_load_matrix(lp, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  LpResult r;
  // Stage 1: minimal shortfall.
  glp_set_obj_dir(lp, GLP_MIN);
  for (int k = 0; k < K; ++k) glp_set_obj_coef(lp, k + 1, 1);
  EXPECT_EQ(glp_simplex(lp, &parm), 0);
  EXPECT_EQ(glp_get_status(lp), GLP_OPT);
  r.shortfall = glp_get_obj_val(lp);
  // Stage 2: maximal suitability with the shortfall held.
  const int row = glp_add_rows(lp, 1);
  std::vector<int> idx{0};
  std::vector<double> one{0};
  for (int k = 0; k < K; ++k) idx.push_back(k + 1), one.push_back(1);
  glp_set_mat_row(lp, row, K, idx.data(), one.data());
  glp_set_row_bnds(lp, row, GLP_UP, 0, std::round(r.shortfall) + 1e-9);
  glp_set_obj_dir(lp, GLP_MAX);
  for (int col = 1; col <= static_cast<int>(value.size()); ++col)
    glp_set_obj_coef(lp, col, value[col - 1]);
  EXPECT_EQ(glp_simplex(lp, &parm), 0);
  EXPECT_EQ(glp_get_status(lp), GLP_OPT);
  r.objective = glp_get_obj_val(lp);
  glp_delete_prob(lp);
  return r;
}

double largest(const AllocationInput& in) {
  double m = 1;
  for (const auto* l : in.suitability)
    for (std::size_t c = 0; c < in.cells; ++c)
      if (!std::isnan(l[c])) m = std::max(m, std::fabs(static_cast<double>(l[c])));
  return m;
}

// Feasibility, bookkeeping and the optimality (complementary slackness) conditions.
void check_solution(const AllocationInput& in, const Allocation& a, const std::string& what) {
  SCOPED_TRACE(what);
  const int K = static_cast<int>(in.claims.size());
  const double tol = 1e-6 * largest(in);
  ASSERT_EQ(a.claim_of.size(), in.cells);
  ASSERT_EQ(a.margin.size(), in.cells);
  ASSERT_EQ(a.claims.size(), in.claims.size());
  std::vector<std::int64_t> n(K, 0);
  double objective = 0;
  for (std::size_t c = 0; c < in.cells; ++c) {
    const int k = a.claim_of[c];
    ASSERT_GE(k, -1);
    ASSERT_LT(k, K);
    double own = 0;
    if (k >= 0) {
      ASSERT_TRUE(eligible(in, k, c))
          << "cell " << c << " allocated where claim " << k << " may not go";
      ++n[k];
      objective += in.suitability[in.claims[k].kind][c];
      own = in.suitability[in.claims[k].kind][c] - a.claims[k].shadow_price;
    }
    EXPECT_GE(own, -tol) << "cell " << c << " would rather be unallocated";
    bool any = false;
    for (int j = 0; j < K; ++j) {
      if (!eligible(in, j, c)) continue;
      any = true;
      const double v = in.suitability[in.claims[j].kind][c] - a.claims[j].shadow_price;
      EXPECT_LE(v, own + tol) << "cell " << c << " in claim " << k << " prefers claim " << j;
    }
    EXPECT_EQ(std::isnan(a.margin[c]), !any) << "cell " << c;
    if (any) {
      EXPECT_GE(a.margin[c], -tol);
    }
  }
  EXPECT_NEAR(a.objective, objective, 1e-9 * std::max(1.0, std::fabs(objective)));
  bool feasible = true;
  for (int k = 0; k < K; ++k) {
    const Claim& cl = in.claims[k];
    const ClaimResult& r = a.claims[k];
    EXPECT_EQ(r.cells, n[k]);
    EXPECT_LE(n[k], cl.max_cells) << cl.id;
    EXPECT_EQ(r.shortfall, std::max<std::int64_t>(0, cl.min_cells - n[k])) << cl.id;
    if (r.shortfall > 0) feasible = false;
    std::int64_t e = 0;
    for (std::size_t c = 0; c < in.cells; ++c) e += eligible(in, k, c);
    EXPECT_EQ(r.eligible_cells, e) << cl.id;
    if (n[k] < cl.max_cells) {
      EXPECT_LE(r.shadow_price, tol) << cl.id << " below max, priced";
    }
    if (n[k] > cl.min_cells) {
      EXPECT_GE(r.shadow_price, -tol) << cl.id << " above min, subsidised";
    }
  }
  EXPECT_EQ(a.feasible, feasible);
}

std::int64_t total_shortfall(const Allocation& a) {
  std::int64_t s = 0;
  for (const auto& r : a.claims) s += r.shortfall;
  return s;
}

Instance random_instance(std::uint32_t seed) {
  std::mt19937 rng(seed);
  auto uni = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
  Instance x;
  const int n = uni(1, 60), kinds = uni(1, 4), regions = uni(1, 3), K = uni(1, 5);
  const bool ties = seed % 3 == 0;  // small integers: many equal suitabilities
  x.layers.assign(kinds, std::vector<float>(n));
  for (auto& l : x.layers)
    for (auto& v : l) {
      if (uni(0, 9) == 0)
        v = kNaN;
      else
        v = ties ? static_cast<float>(uni(-2, 5))
                 : std::uniform_real_distribution<float>(-3.0f, 10.0f)(rng);
    }
  x.region_of.resize(n);
  for (auto& r : x.region_of) r = uni(-1, regions - 1);
  for (int k = 0; k < K; ++k) {
    const std::int64_t hi = uni(0, n / 2 + 2),
                       lo = uni(0, 3) == 0 ? 0 : uni(0, static_cast<int>(hi));
    x.claims.push_back(claim(uni(0, kinds - 1), uni(-1, regions - 1), lo, hi));
  }
  return x;
}

}  // namespace

TEST(Allocate, SixCellsTwoClaims) {
  Instance x;
  x.layers = {{5, 4, 3, 1, 0, -1}, {4, 1, 3, 2, -2, 0.5}};
  x.claims = {claim(0, -1, 0, 2), claim(1, -1, 1, 2)};
  const auto in = x.input();
  const Allocation a = allocate(in, {.progress = false});
  // By hand: A on 0 and 1 (9), B on 2 and 3 (5); every other pairing gives at most 13.
  EXPECT_EQ(a.claim_of, (std::vector<std::int16_t>{0, 0, 1, 1, -1, -1}));
  EXPECT_DOUBLE_EQ(a.objective, 14);
  EXPECT_TRUE(a.feasible);
  check_solution(in, a, "six cells");
  // Both are rationed at their maximum: A leaves cell 2 (3) and B cell 5 (0.5) unallocated.
  EXPECT_GT(a.claims[0].shadow_price, 0);
  EXPECT_GE(a.claims[1].shadow_price, 0.5 - 1e-9);
}

TEST(Allocate, MinimumUsesNegativeCells) {
  Instance x;
  x.layers = {{1, -1, -3, kNaN}};
  x.claims = {claim(0, -1, 2, 3)};
  const auto in = x.input();
  const Allocation a = allocate(in, {.progress = false});
  EXPECT_EQ(a.claim_of, (std::vector<std::int16_t>{0, 0, -1, -1}));
  EXPECT_DOUBLE_EQ(a.objective, 0);
  EXPECT_TRUE(a.feasible);
  // Held at its minimum: -3 <= price <= -1.
  EXPECT_LE(a.claims[0].shadow_price, -1 + 1e-9);
  EXPECT_GE(a.claims[0].shadow_price, -3 - 1e-9);
  EXPECT_TRUE(std::isnan(a.margin[3]));
  check_solution(in, a, "negative cells");
}

TEST(Allocate, MaximumLeavesGoodCellsUnallocated) {
  Instance x;
  x.layers = {{1, 2, 3, 4, 5}};
  x.claims = {claim(0, -1, 0, 2)};
  const auto in = x.input();
  const Allocation a = allocate(in, {.progress = false});
  EXPECT_EQ(a.claim_of, (std::vector<std::int16_t>{-1, -1, -1, 0, 0}));
  EXPECT_DOUBLE_EQ(a.objective, 9);
  EXPECT_GE(a.claims[0].shadow_price, 3 - 1e-9);
  EXPECT_LE(a.claims[0].shadow_price, 4 + 1e-9);
  check_solution(in, a, "maximum");
}

TEST(Allocate, ShortfallWhenTooFewEligibleCells) {
  Instance x;
  x.layers = {{1, 1, 1, 1, 1, kNaN}, {2, 2, 2, 2, 2, 2}};
  x.region_of = {0, 0, 1, 1, 1, 0};
  // Claim 0 needs 3 cells in region 0, where only 2 are eligible; claims 1 and 2 both need 2 of
  // the 3 cells of region 1: one of them falls 1 short.
  x.claims = {claim(0, 0, 3, 5), claim(1, 1, 2, 3), claim(1, 1, 2, 3)};
  const auto in = x.input();
  const Allocation a = allocate(in, {.progress = false});
  EXPECT_FALSE(a.feasible);
  EXPECT_EQ(a.claims[0].shortfall, 1);
  EXPECT_EQ(a.claims[0].cells, 2);
  EXPECT_EQ(a.claims[0].eligible_cells, 2);
  EXPECT_EQ(a.claims[1].shortfall + a.claims[2].shortfall, 1);
  EXPECT_EQ(a.claims[1].cells + a.claims[2].cells, 3);
  check_solution(in, a, "shortfall");
  EXPECT_NEAR(a.objective, solve_lp(in).objective, 1e-9);
}

TEST(Allocate, ShortfallFirstThenSuitability) {
  // Claim 0 (min 1) could only go to cell 0, which claim 1 values much more: the shortfall is
  // minimised first, so claim 0 gets cell 0 and claim 1 the worse cell 1.
  Instance x;
  x.layers = {{1, kNaN}, {100, 1}};
  x.claims = {claim(0, -1, 1, 1), claim(1, -1, 1, 1)};
  const auto in = x.input();
  const Allocation a = allocate(in, {.progress = false});
  EXPECT_EQ(a.claim_of, (std::vector<std::int16_t>{0, 1}));
  EXPECT_TRUE(a.feasible);
  check_solution(in, a, "lexicographic");
}

TEST(Allocate, EmptyAndTrivial) {
  Instance x;
  x.layers = {{}};
  x.claims = {claim(0, -1, 0, 0)};
  const Allocation a = allocate(x.input(), {.progress = false});
  EXPECT_TRUE(a.claim_of.empty());
  Instance y;
  y.layers = {{1, 2}};
  const Allocation b = allocate(y.input(), {.progress = false});  // no claims
  EXPECT_EQ(b.claim_of, (std::vector<std::int16_t>{-1, -1}));
  EXPECT_TRUE(std::isnan(b.margin[0]));
}

TEST(Allocate, BadInput) {
  Instance x;
  x.layers = {{1, 2, 3}};
  x.claims = {claim(0, -1, 3, 2)};
  EXPECT_THROW(allocate(x.input()), casco::Error);  // min > max
  x.claims = {claim(1, -1, 0, 2)};
  EXPECT_THROW(allocate(x.input()), casco::Error);  // kind out of range
  x.claims = {claim(-1, -1, 0, 2)};
  EXPECT_THROW(allocate(x.input()), casco::Error);
  x.claims = {claim(0, 0, 0, 2)};
  EXPECT_THROW(allocate(x.input()), casco::Error);  // region without region_of
  x.claims = {claim(0, -1, -1, 2)};
  EXPECT_THROW(allocate(x.input()), casco::Error);  // negative
  x.claims = {claim(0, -1, 0, -2)};
  EXPECT_THROW(allocate(x.input()), casco::Error);
  x.claims = {claim(0, -2, 0, 2)};
  EXPECT_THROW(allocate(x.input()), casco::Error);
  x.claims = {claim(0, -1, 0, 2)};
  x.layers[0][1] = std::numeric_limits<float>::infinity();
  EXPECT_THROW(allocate(x.input()), casco::Error);
  EXPECT_THROW(allocate_greedy(x.input()), casco::Error);
}

// 200 random instances, with and without the price search in front of the exact repair.
TEST(Allocate, RandomAgainstGlpk) {
  int infeasible = 0;
  for (std::uint32_t seed = 1; seed <= 200; ++seed) {
    const Instance x = random_instance(seed);
    const auto in = x.input();
    const LpResult lp = solve_lp(in);
    for (bool search : {true, false}) {
      const std::string what = "seed " + std::to_string(seed) + (search ? "" : " (repair only)");
      const Allocation a = allocate(in, {.progress = false, .price_search = search});
      check_solution(in, a, what);
      EXPECT_EQ(static_cast<double>(total_shortfall(a)), std::round(lp.shortfall)) << what;
      EXPECT_NEAR(a.objective, lp.objective, 1e-6 * std::max(1.0, std::fabs(lp.objective))) << what;
    }
    infeasible += lp.shortfall > 0.5;
    // The greedy reference is feasible in the bounds and never better than the optimum.
    const Allocation g = allocate_greedy(in);
    for (std::size_t k = 0; k < in.claims.size(); ++k)
      EXPECT_LE(g.claims[k].cells, in.claims[k].max_cells);
    if (total_shortfall(g) == std::llround(lp.shortfall)) {
      EXPECT_LE(g.objective, lp.objective + 1e-6 * std::max(1.0, std::fabs(lp.objective)));
    }
  }
  EXPECT_GT(infeasible, 10);  // the shortfall path is exercised
}

// Larger instances take the sampled price search; the prices prove optimality.
TEST(Allocate, LargeSmoothAndTied) {
  for (bool ties : {false, true}) {
    const std::size_t n = 200000;
    std::mt19937 rng(7);
    Instance x;
    x.layers.assign(3, std::vector<float>(n));
    x.region_of.resize(n);
    for (std::size_t c = 0; c < n; ++c) {
      const double u = static_cast<double>(c % 500) / 500, v = static_cast<double>(c / 500) / 400;
      x.region_of[c] = static_cast<std::int32_t>(c % 500 / 125 + 4 * (c / 100000));  // 8 regions
      for (int k = 0; k < 3; ++k) {
        double s = std::sin(3 * u + k) * std::cos(4 * v - k) * 5 +
                   std::uniform_real_distribution<double>(-0.5, 0.5)(rng);
        if (ties) s = std::round(s);
        x.layers[k][c] = (c * 7 + k) % 23 == 0 ? kNaN : static_cast<float>(s);
      }
    }
    x.claims = {claim(0, -1, 20000, 30000), claim(1, 2, 5000, 8000), claim(1, 5, 10000, 10000),
                claim(2, -1, 40000, 60000), claim(0, 7, 0, 1000)};
    const auto in = x.input();
    const Allocation a = allocate(in, {.progress = false});
    check_solution(in, a, ties ? "tied" : "smooth");
    EXPECT_TRUE(a.feasible);
    if (!ties) continue;
    // The repair alone (about 10^5 cycles through the refilled queues) reaches the same optimum.
    const Allocation b = allocate(in, {.progress = false, .price_search = false});
    check_solution(in, b, "tied, repair only");
    EXPECT_NEAR(a.objective, b.objective, 1e-9 * std::fabs(a.objective));
    EXPECT_GT(b.iterations, 50000);
  }
}

// More claims and cells than above, fewer seeds: every claim in several regions, overlapping.
TEST(Allocate, RandomMediumAgainstGlpk) {
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    auto uni = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
    Instance x;
    const int n = 400, K = 12;
    x.layers.assign(4, std::vector<float>(n));
    for (auto& l : x.layers)
      for (auto& v : l)
        v = uni(0, 14) == 0 ? kNaN : std::uniform_real_distribution<float>(-5.0f, 10.0f)(rng);
    x.region_of.resize(n);
    for (auto& r : x.region_of) r = uni(0, 4);
    for (int k = 0; k < K; ++k) {
      const std::int64_t hi = uni(5, 60), lo = uni(0, static_cast<int>(hi));
      x.claims.push_back(claim(uni(0, 3), uni(-1, 4), lo, hi));
    }
    const auto in = x.input();
    const LpResult lp = solve_lp(in);
    const Allocation a = allocate(in, {.progress = false});
    const std::string what = "medium seed " + std::to_string(seed);
    check_solution(in, a, what);
    EXPECT_EQ(static_cast<double>(total_shortfall(a)), std::round(lp.shortfall)) << what;
    EXPECT_NEAR(a.objective, lp.objective, 1e-6 * std::max(1.0, std::fabs(lp.objective))) << what;
  }
}
