#include "scenario/allocate.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>

#include "core/error.hpp"
#include "core/progress.hpp"

namespace casco::scenario {
namespace {

constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kGrain = 1 << 14;

// A validated view of the input. Claims are numbered 0..K-1; an "option" of a cell is 0 = none or
// k + 1 = claim k. Samples of the cells (the coarse levels of the price search) own their data.
struct Problem {
  std::size_t n = 0;
  int K = 0;
  std::vector<const float*> s;  // per claim: its kind's suitability
  std::vector<int> region;      // per claim, -1 = everywhere
  const std::int32_t* region_of = nullptr;
  std::vector<std::int64_t> lo, hi;  // bounds per claim
  std::vector<std::int64_t> eligible;
  double scale = 1;  // largest |suitability| of an eligible cell, for tolerances
  // Cells grouped by region, so a regional claim visits only its own cells.
  std::vector<std::uint32_t> order;
  std::vector<std::size_t> start;  // region r: order[start[r] .. start[r + 1])
  // Storage of a sample.
  std::vector<std::vector<float>> own_s;
  std::vector<std::int32_t> own_region;

  bool ok(int k, std::size_t c) const {
    return (region[k] < 0 || region_of[c] == region[k]) && !std::isnan(s[k][c]);
  }
  std::size_t candidates(int k) const {
    return region[k] < 0 ? n : start[region[k] + 1] - start[region[k]];
  }
  // f(i, cell) over claim k's candidate cells (its region, NaN included), in parallel.
  template <class F>
  void for_candidates(int k, F&& f) const {
    const bool all = region[k] < 0;
    const std::size_t b = all ? 0 : start[region[k]], m = candidates(k);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, m, kGrain), [&](const auto& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) f(i, all ? i : order[b + i]);
    });
  }
  // Sum of f(i, cell) over the candidates (a per-range sum: combinable::local() per cell is slow).
  template <class T, class F>
  T sum_candidates(int k, F&& f) const {
    const bool all = region[k] < 0;
    const std::size_t b = all ? 0 : start[region[k]], m = candidates(k);
    return tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, m, kGrain), T{},
        [&](const auto& r, T acc) {
          for (std::size_t i = r.begin(); i != r.end(); ++i) acc += f(i, all ? i : order[b + i]);
          return acc;
        },
        std::plus<>());
  }

  void index_regions() {
    int regions = 0;
    for (int r : region) regions = std::max(regions, r + 1);
    start.assign(static_cast<std::size_t>(regions) + 1, 0);
    order.clear();
    if (regions == 0) return;
    for (std::size_t c = 0; c < n; ++c)
      if (region_of[c] >= 0 && region_of[c] < regions) ++start[region_of[c] + 1];
    for (int r = 0; r < regions; ++r) start[r + 1] += start[r];
    order.resize(start[regions]);
    std::vector<std::size_t> fill(start.begin(), start.end() - 1);
    for (std::size_t c = 0; c < n; ++c)
      if (region_of[c] >= 0 && region_of[c] < regions)
        order[fill[region_of[c]]++] = static_cast<std::uint32_t>(c);
  }
  void count_eligible() {
    eligible.assign(K, 0);
    tbb::parallel_for(0, K, [&](int k) {
      eligible[k] = sum_candidates<std::int64_t>(
          k, [&](std::size_t, std::size_t c) { return static_cast<std::int64_t>(ok(k, c)); });
    });
  }
};

struct Max {  // a "sum" that keeps the maximum
  float v = 0;
  Max& operator+=(const Max& o) {
    v = std::max(v, o.v);
    return *this;
  }
  Max operator+(const Max& o) const { return Max{std::max(v, o.v)}; }
};

Problem validate(const AllocationInput& in) {
  Problem P;
  P.n = in.cells;
  P.K = static_cast<int>(in.claims.size());
  P.region_of = in.region_of;
  if (in.claims.size() > 32767) fail("allocate: {} claims, at most 32767", in.claims.size());
  if (in.cells >= std::numeric_limits<std::uint32_t>::max())
    fail("allocate: {} cells, at most 2^32 - 1", in.cells);
  for (std::size_t k = 0; k < in.claims.size(); ++k) {
    const Claim& c = in.claims[k];
    if (c.kind < 0 || c.kind >= static_cast<int>(in.suitability.size()))
      fail("allocate: claim '{}' has kind {}, but there are {} suitability layers", c.id, c.kind,
           in.suitability.size());
    if (in.cells > 0 && !in.suitability[c.kind])
      fail("allocate: claim '{}': suitability layer {} has no data", c.id, c.kind);
    if (c.min_cells < 0 || c.max_cells < 0)
      fail("allocate: claim '{}' has a negative bound (min {}, max {})", c.id, c.min_cells,
           c.max_cells);
    if (c.min_cells > c.max_cells)
      fail("allocate: claim '{}' has min_cells {} > max_cells {}", c.id, c.min_cells, c.max_cells);
    if (c.region < -1) fail("allocate: claim '{}' has region {}; use -1 for all", c.id, c.region);
    if (c.region >= 0 && !in.region_of)
      fail("allocate: claim '{}' is limited to region {} but no region_of was given", c.id,
           c.region);
    P.s.push_back(in.suitability[c.kind]);
    P.region.push_back(c.region);
    P.lo.push_back(c.min_cells);
    P.hi.push_back(c.max_cells);
  }
  P.index_regions();
  P.count_eligible();
  // Scale for tolerances; infinite suitabilities would break every price.
  std::vector<double> big(P.K, 0);
  std::vector<char> inf(P.K, 0);
  tbb::parallel_for(0, P.K, [&](int k) {
    // Largest |s| (NaN ignored); an infinity makes it infinite.
    big[k] = P.sum_candidates<Max>(k, [&](std::size_t, std::size_t c) {
                const float v = P.s[k][c];
                return Max{std::isnan(v) ? 0.0f : std::fabs(v)};
              }).v;
    inf[k] = std::isinf(big[k]);
  });
  for (int k = 0; k < P.K; ++k) {
    if (inf[k]) fail("allocate: claim '{}': infinite suitability; use NaN", in.claims[k].id);
    P.scale = std::max(P.scale, big[k]);
  }
  return P;
}

// A deterministic sample of about n / stride cells, bounds scaled alike.
Problem sample(const Problem& P, std::size_t stride) {
  Problem S;
  std::vector<std::uint32_t> pick;
  for (std::size_t c = 0; c < P.n; ++c) {
    std::uint64_t h = (c + 1) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    if ((h * 0xBF58476D1CE4E5B9ull >> 40) % stride == 0) pick.push_back(static_cast<uint32_t>(c));
  }
  S.n = pick.size();
  S.K = P.K;
  S.region = P.region;
  S.scale = P.scale;
  S.own_s.resize(P.K);
  // Claims of one kind share a layer in the input; a copy per claim keeps this simple.
  tbb::parallel_for(0, P.K, [&](int k) {
    S.own_s[k].resize(S.n);
    for (std::size_t i = 0; i < S.n; ++i) S.own_s[k][i] = P.s[k][pick[i]];
  });
  for (int k = 0; k < P.K; ++k) S.s.push_back(S.own_s[k].data());
  if (P.region_of) {
    S.own_region.resize(S.n);
    for (std::size_t i = 0; i < S.n; ++i) S.own_region[i] = P.region_of[pick[i]];
    S.region_of = S.own_region.data();
  }
  const double f = static_cast<double>(S.n) / static_cast<double>(std::max<std::size_t>(P.n, 1));
  for (int k = 0; k < P.K; ++k) {
    S.lo.push_back(std::llround(static_cast<double>(P.lo[k]) * f));
    S.hi.push_back(std::max<std::int64_t>(S.lo[k], std::llround(static_cast<double>(P.hi[k]) * f)));
  }
  S.index_regions();
  S.count_eligible();
  return S;
}

// ------------------------------------------------------------------ phase 1: shadow prices
// Gauss-Seidel on the dual: each step sets one claim's price so that the number of cells that
// prefer it (s - price against their best other option) fits its bounds, given the other prices.
// Per cell the best and second best option are kept, so a step costs O(candidate cells).
struct Top2 {
  float v1, v2;
  std::int16_t i1, i2;
};

class PriceSearch {
 public:
  PriceSearch(const Problem& P, std::vector<double>& price) : P_(P), p_(price), top_(P.n) {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, P.n, kGrain), [&](const auto& r) {
      for (std::size_t c = r.begin(); c != r.end(); ++c) recompute(c);
    });
  }

  // Sweeps until no price moves by more than tol (or max_sweeps); returns the sweeps done.
  int run(double tol, int max_sweeps) {
    int sweeps = 0;
    while (sweeps < max_sweeps) {
      check_interrupted();
      ++sweeps;
      double moved = 0;
      for (int k = 0; k < P_.K; ++k) moved = std::max(moved, step(k));
      if (moved <= tol) break;
    }
    return sweeps;
  }
  const std::vector<Top2>& top() const { return top_; }

 private:
  void recompute(std::size_t c) {
    Top2 t{0, -kInfF, 0, -1};  // none is always an option at value 0
    for (int k = 0; k < P_.K; ++k) {
      if (!P_.ok(k, c)) continue;
      const float w = static_cast<float>(P_.s[k][c] - p_[k]);
      if (w > t.v1) {
        t.v2 = t.v1, t.i2 = t.i1;
        t.v1 = w, t.i1 = static_cast<std::int16_t>(k + 1);
      } else if (w > t.v2) {
        t.v2 = w, t.i2 = static_cast<std::int16_t>(k + 1);
      }
    }
    top_[c] = t;
  }

  double step(int k) {
    const std::size_t m = P_.candidates(k);
    if (m == 0 || P_.eligible[k] == 0) return 0;
    const auto opt = static_cast<std::int16_t>(k + 1);
    d_.resize(m);
    const std::int64_t n_pos =
        P_.sum_candidates<std::int64_t>(k, [&](std::size_t i, std::size_t c) {
          const float s = P_.s[k][c];
          if (std::isnan(s)) {
            d_[i] = -kInfF;
            return std::int64_t{0};
          }
          const Top2& t = top_[c];
          d_[i] = s - (t.i1 == opt ? t.v2 : t.v1);
          return static_cast<std::int64_t>(d_[i] > 0);
        });
    const std::int64_t e = P_.eligible[k];
    const std::int64_t hi = std::min(P_.hi[k], e), lo = std::min(P_.lo[k], e);
    const double gap = 1e-7 * P_.scale;
    // The price between the r-th and (r+1)-th largest d: exactly r cells prefer the claim.
    auto between = [&](std::int64_t r) {
      auto at = [&](std::int64_t i) {
        auto it = d_.begin() + i;
        std::nth_element(d_.begin(), it, d_.end(), std::greater<>());
        return static_cast<double>(*it);
      };
      if (r == 0) return static_cast<double>(*std::max_element(d_.begin(), d_.end())) + gap;
      const double a = at(r - 1);
      const double b =
          r < e ? static_cast<double>(*std::max_element(d_.begin() + r, d_.end())) : a - 2 * gap;
      return 0.5 * (a + b);
    };
    // Eligible d are finite, the NaN cells' -inf sort last: the e largest are the eligible.
    double np = 0;
    if (n_pos > hi)
      np = std::max(0.0, between(hi));
    else if (n_pos < lo)
      np = std::min(0.0, between(lo));
    const double old = p_[k];
    if (np == old) return 0;
    p_[k] = np;
    P_.for_candidates(k, [&](std::size_t, std::size_t c) {
      if (!P_.ok(k, c)) return;
      Top2& t = top_[c];
      const float w = static_cast<float>(P_.s[k][c] - np);
      if (np < old) {  // the claim got more attractive
        if (t.i1 == opt) {
          t.v1 = w;
        } else if (w > t.v1) {
          t.v2 = t.v1, t.i2 = t.i1, t.v1 = w, t.i1 = opt;
        } else if (t.i2 == opt || w > t.v2) {
          t.v2 = w, t.i2 = opt;
        }
      } else if (t.i1 == opt || t.i2 == opt) {
        recompute(c);
      }
    });
    return std::fabs(np - old);
  }

  const Problem& P_;
  std::vector<double>& p_;
  std::vector<Top2> top_;
  std::vector<float> d_;
};

// ------------------------------------------------------------------ phase 2: exact repair
// Lexicographic cost of a move: (excess over maxima, total shortfall, lost suitability).
struct Cost {
  std::int64_t ex = 0, sh = 0;
  double loss = 0;
  Cost operator+(const Cost& o) const { return {ex + o.ex, sh + o.sh, loss + o.loss}; }
};
// a + eps < b, lexicographically (eps only on the real part).
bool less(const Cost& a, const Cost& b, double eps) {
  if (a.ex != b.ex) return a.ex < b.ex;
  if (a.sh != b.sh) return a.sh < b.sh;
  return a.loss + eps < b.loss;
}

struct Entry {
  double key;  // loss of moving the cell from the queue's node to its target (exact)
  std::uint32_t cell;
};
struct EntryAfter {  // min-heap, ties by cell
  bool operator()(const Entry& a, const Entry& b) const {
    return a.key > b.key || (a.key == b.key && a.cell > b.cell);
  }
};

// One queue of cells per (from, to) pair of nodes, cheapest move first, stale entries (cells that
// left) dropped lazily. Queues are built only for nodes a cycle touches, and then hold only the
// `kept` cheapest cells: every cell of the node with a key below `limit` is in it, so its top is
// exact while top.key <= limit; beyond that it is rebuilt from the node's current cells.
struct Queue {
  std::vector<Entry> heap;
  double limit = kInf;
  std::size_t kept = 0;
};

class Repair {
 public:
  // node_of[c]: option of every cell (0 = none, k + 1 = claim k).
  Repair(const Problem& P, std::vector<std::int16_t>& node_of)
      : P_(P),
        node_(node_of),
        W_(P.K + 1),
        V_(P.K + 2),
        T_(P.K + 1),
        q_(W_ * W_),
        n_(W_),
        built_(W_, 0),
        first_(W_ * W_),
        keep_(std::clamp<std::size_t>(P.n / 16, 2, 4096)) {
    for (std::size_t c = 0; c < P.n; ++c) ++n_[node_[c]];
    // Cells by node, for building the queues of a node that has not changed yet.
    bstart_.assign(W_ + 1, 0);
    for (std::size_t c = 0; c < P.n; ++c) ++bstart_[node_[c] + 1];
    for (int i = 0; i < W_; ++i) bstart_[i + 1] += bstart_[i];
    by_.resize(P.n);
    std::vector<std::size_t> fill(bstart_.begin(), bstart_.end() - 1);
    for (std::size_t c = 0; c < P.n; ++c) by_[fill[node_[c]]++] = static_cast<std::uint32_t>(c);
    // The cheapest move per pair, in one pass: often no cycle is left and no queue is needed.
    using Best = std::vector<Entry>;
    const Entry none{kInf, std::numeric_limits<std::uint32_t>::max()};
    first_ = tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, P.n, kGrain), Best(W_ * W_, none),
        [&](const auto& r, Best best) {
          for (std::size_t c = r.begin(); c != r.end(); ++c) {
            const int i = node_[c];
            for (int j = 0; j < W_; ++j) {
              if (j == i || (j > 0 && !P.ok(j - 1, c))) continue;
              const Entry e{key(i, j, c), static_cast<std::uint32_t>(c)};
              if (EntryAfter()(best[i * W_ + j], e)) best[i * W_ + j] = e;
            }
          }
          return best;
        },
        [](Best a, const Best& b) {
          for (std::size_t x = 0; x < a.size(); ++x)
            if (EntryAfter()(a[x], b[x])) a[x] = b[x];
          return a;
        });
  }

  double value(int node, std::size_t c) const {
    return node == 0 ? 0.0 : static_cast<double>(P_.s[node - 1][c]);
  }
  double key(int i, int j, std::size_t c) const { return value(i, c) - value(j, c); }

  // Cancels negative cycles until none is left; returns the number cancelled.
  int run(Progress* progress) {
    const double eps = 1e-10 * P_.scale;
    int cancelled = 0;
    for (;;) {
      if ((cancelled & 1023) == 0) {
        check_interrupted();
        if (progress && cancelled > 0)
          progress->set_label(fmt::format("exact repair: {} moves", cancelled));
      }
      build_arcs(true);
      std::vector<int> cycle = negative_cycle(eps);
      if (cycle.empty()) return cancelled;
      cancel(cycle);
      ++cancelled;
    }
  }

  // Shadow prices: shortest-path potentials over the arcs that are free at the optimum.
  std::vector<double> prices() {
    build_arcs(false);
    std::vector<double> d(V_, 0);
    for (int round = 0; round < V_; ++round) {
      bool changed = false;
      for (const Arc& a : arcs_)
        if (d[a.from] + a.cost.loss < d[a.to]) d[a.to] = d[a.from] + a.cost.loss, changed = true;
      if (!changed) break;
    }
    std::vector<double> p(P_.K);
    for (int k = 0; k < P_.K; ++k) p[k] = d[0] - d[k + 1];
    return p;
  }

 private:
  struct Arc {
    int from, to;
    Cost cost;
  };

  // The cheapest cell to move from node i to node j, or nullptr.
  const Entry* top(int i, int j) {
    const int ij = i * W_ + j;
    if (!built_[i]) return first_[ij].cell < P_.n ? &first_[ij] : nullptr;
    Queue& q = q_[ij];
    for (;;) {
      while (!q.heap.empty() && node_[q.heap.front().cell] != i) {
        std::pop_heap(q.heap.begin(), q.heap.end(), EntryAfter());
        q.heap.pop_back();
      }
      if (!q.heap.empty() && q.heap.front().key <= q.limit) return &q.heap.front();
      if (q.limit == kInf) return nullptr;
      fill_queue(i, j, nullptr, 0, q.kept * 8);  // ran past the kept cells
    }
  }

  // Queue (i, j) from the given cells of node i (all cells when list is null), the `keep`
  // cheapest.
  void fill_queue(int i, int j, const std::uint32_t* list, std::size_t m, std::size_t keep) {
    Queue& q = q_[i * W_ + j];
    q.heap.clear();
    auto add = [&](std::size_t c) {
      if (node_[c] == i && (j == 0 || P_.ok(j - 1, c)))
        q.heap.push_back({key(i, j, c), static_cast<std::uint32_t>(c)});
    };
    if (list) {
      for (std::size_t x = 0; x < m; ++x) add(list[x]);
    } else {
      for (std::size_t c = 0; c < P_.n; ++c) add(c);
    }
    q.kept = keep;
    q.limit = kInf;
    if (q.heap.size() > keep) {
      std::nth_element(q.heap.begin(), q.heap.begin() + static_cast<std::ptrdiff_t>(keep) - 1,
                       q.heap.end(),
                       [](const Entry& a, const Entry& b) { return EntryAfter()(b, a); });
      q.limit = q.heap[keep - 1].key;
      q.heap.resize(keep);
      q.heap.shrink_to_fit();
    }
    std::make_heap(q.heap.begin(), q.heap.end(), EntryAfter());
  }

  // The queues out of node i, before its cells change for the first time.
  void build(int i) {
    if (built_[i]) return;
    tbb::parallel_for(0, W_, [&](int j) {
      if (j != i) fill_queue(i, j, by_.data() + bstart_[i], bstart_[i + 1] - bstart_[i], keep_);
    });
    built_[i] = 1;
  }

  // lex = true: every arc with its lexicographic cost. lex = false: only the arcs that are free
  // in the bound components (for the prices).
  void build_arcs(bool lex) {
    arcs_.clear();
    const int K = P_.K;
    for (int i = 0; i < W_; ++i)
      for (int j = 0; j < W_; ++j) {
        if (i == j) continue;
        if (const Entry* e = top(i, j)) arcs_.push_back({i, j, {0, 0, e->key}});
      }
    arcs_.push_back({0, T_, {}});
    arcs_.push_back({T_, 0, {}});
    for (int k = 1; k <= K; ++k) {
      const std::int64_t n = n_[k], lo = P_.lo[k - 1], hi = P_.hi[k - 1];
      // k -> T: the claim keeps one cell more; T -> k: one cell less.
      Cost up{n >= hi ? 1 : 0, n < lo ? -1 : 0, 0};
      Cost down{n > hi ? -1 : 0, n <= lo ? 1 : 0, 0};
      if (lex) {
        arcs_.push_back({k, T_, up});
        if (n > 0) arcs_.push_back({T_, k, down});
      } else {
        if (n < hi) arcs_.push_back({k, T_, {}});
        if (n > lo) arcs_.push_back({T_, k, {}});
      }
    }
  }

  // Bellman-Ford from a virtual source. Every cycle of the parent graph is negative (each
  // relaxation gains more than eps), so one is returned as soon as it appears.
  std::vector<int> negative_cycle(double eps) {
    std::vector<Cost> d(V_);
    std::vector<int> parent(V_, -1), seen(V_);
    for (int round = 0; round < 10 * V_; ++round) {
      bool changed = false;
      for (const Arc& a : arcs_) {
        const Cost c = d[a.from] + a.cost;
        if (less(c, d[a.to], eps)) d[a.to] = c, parent[a.to] = a.from, changed = true;
      }
      if (!changed) return {};
      for (int v0 = 0; v0 < V_; ++v0) {
        std::fill(seen.begin(), seen.end(), 0);
        int v = v0;
        while (v >= 0 && !seen[v]) seen[v] = 1, v = parent[v];
        if (v < 0) continue;
        std::vector<int> cycle{v};
        for (int u = parent[v]; u != v; u = parent[u]) cycle.push_back(u);
        std::reverse(cycle.begin(), cycle.end());  // parent order -> forward order
        Cost sum;
        for (std::size_t x = 0; x < cycle.size(); ++x)
          sum = sum + cost_of(cycle[x], cycle[(x + 1) % cycle.size()]);
        return less(sum, Cost{}, 0.5 * eps) ? cycle : std::vector<int>{};
      }
    }
    return {};
  }

  Cost cost_of(int i, int j) const {
    for (const Arc& a : arcs_)
      if (a.from == i && a.to == j) return a.cost;
    return {};
  }

  void cancel(const std::vector<int>& cycle) {
    // Take every cell first: a cell moved into a node must not be picked again in this cycle.
    std::vector<std::pair<std::uint32_t, int>> moves;
    const int m = static_cast<int>(cycle.size());
    for (int x = 0; x < m; ++x) {
      const int i = cycle[x], j = cycle[(x + 1) % m];
      if (i == T_ || j == T_) continue;
      moves.push_back({top(i, j)->cell, j});
    }
    for (auto [c, j] : moves) build(node_[c]), build(j);
    for (auto [c, j] : moves) {
      --n_[node_[c]];
      ++n_[j];
      node_[c] = static_cast<std::int16_t>(j);
      for (int x = 0; x < W_; ++x) {
        if (x == j || (x > 0 && !P_.ok(x - 1, c))) continue;
        auto& q = q_[j * W_ + x].heap;
        q.push_back({key(j, x, c), c});
        std::push_heap(q.begin(), q.end(), EntryAfter());
      }
    }
  }

  const Problem& P_;
  std::vector<std::int16_t>& node_;
  int W_, V_, T_;  // W_ = nodes with cells (none + claims), V_ = W_ + the bound node T_
  std::vector<Queue> q_;
  std::vector<std::int64_t> n_;
  std::vector<char> built_;
  std::vector<Entry> first_;  // cheapest move per pair at the start
  std::vector<std::uint32_t> by_;
  std::vector<std::size_t> bstart_;
  std::size_t keep_;  // cells per queue at first (small instances: few, so rebuilds get tested)
  std::vector<Arc> arcs_;
};

Allocation finish(const Problem& P, std::vector<std::int16_t>&& node, const std::vector<double>* p,
                  const AllocationInput& in) {
  Allocation out;
  out.claims.resize(P.K);
  std::vector<double> sum(P.K, 0);
  std::vector<std::int64_t> cnt(P.K, 0);
  for (std::size_t c = 0; c < P.n; ++c)
    if (node[c] > 0) {
      const int k = node[c] - 1;
      ++cnt[k];
      sum[k] += P.s[k][c];
    }
  for (int k = 0; k < P.K; ++k) {
    ClaimResult& r = out.claims[k];
    r.cells = cnt[k];
    r.eligible_cells = P.eligible[k];
    r.shortfall = std::max<std::int64_t>(0, in.claims[k].min_cells - cnt[k]);
    r.total_suitability = sum[k];
    r.shadow_price = p ? (*p)[k] : 0;
    out.objective += sum[k];
    if (r.shortfall > 0) out.feasible = false;
  }
  if (p) {
    out.margin.resize(P.n);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, P.n, kGrain), [&](const auto& r) {
      for (std::size_t c = r.begin(); c != r.end(); ++c) {
        double b1 = 0, b2 = -std::numeric_limits<double>::infinity();
        bool any = false;
        for (int k = 0; k < P.K; ++k) {
          if (!P.ok(k, c)) continue;
          any = true;
          const double w = P.s[k][c] - (*p)[k];
          if (w > b1)
            b2 = b1, b1 = w;
          else if (w > b2)
            b2 = w;
        }
        out.margin[c] = any ? static_cast<float>(b1 - b2) : std::nanf("");
      }
    });
  }
  out.claim_of = std::move(node);
  for (auto& v : out.claim_of) --v;  // option -> claim index, none = -1
  return out;
}

}  // namespace

Allocation allocate(const AllocationInput& in, const AllocateOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const Problem P = validate(in);
  std::unique_ptr<Progress> progress;
  if (options.progress) progress = std::make_unique<Progress>("allocate: shadow prices", 4);

  // Phase 1, coarse to fine: samples of 1/64 and 1/8 of the cells, then all of them.
  std::vector<double> price(P.K, 0);
  int iterations = 0;
  std::vector<std::int16_t> node(P.n, 0);
  if (options.price_search && P.K > 0) {
    for (std::size_t stride : {64, 8}) {
      if (P.n / stride < 20000) continue;
      const Problem S = sample(P, stride);
      PriceSearch search(S, price);
      iterations += search.run(1e-4 * P.scale, 100);
    }
    if (progress) progress->advance();
    PriceSearch search(P, price);
    iterations += search.run(1e-7 * P.scale, 40);  // the repair finishes what is left
    const auto& top = search.top();
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, P.n, kGrain), [&](const auto& r) {
      for (std::size_t c = r.begin(); c != r.end(); ++c) node[c] = top[c].i1;
    });
  }
  if (progress) {
    progress->advance();
    progress->set_label("allocate: exact repair");
  }
  // Phase 2: exact.
  Repair repair(P, node);
  if (progress) progress->advance();
  iterations += repair.run(progress.get());
  const std::vector<double> p = repair.prices();
  Allocation out = finish(P, std::move(node), &p, in);
  out.iterations = iterations;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

Allocation allocate_greedy(const AllocationInput& in) {
  const auto t0 = std::chrono::steady_clock::now();
  const Problem P = validate(in);
  struct Pair {
    float s;
    std::uint32_t cell;
    std::int16_t claim;
  };
  std::vector<Pair> pairs;
  for (int k = 0; k < P.K; ++k)
    for (std::size_t c = 0; c < P.n; ++c)
      if (P.ok(k, c))
        pairs.push_back({P.s[k][c], static_cast<std::uint32_t>(c), static_cast<std::int16_t>(k)});
  tbb::parallel_sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) {
    if (a.s != b.s) return a.s > b.s;
    return a.cell != b.cell ? a.cell < b.cell : a.claim < b.claim;
  });
  std::vector<std::int16_t> node(P.n, 0);
  std::vector<std::int64_t> n(P.K, 0);
  for (const Pair& x : pairs) {
    if (x.s <= 0) break;
    if (node[x.cell] == 0 && n[x.claim] < P.hi[x.claim]) node[x.cell] = x.claim + 1, ++n[x.claim];
  }
  // Minimums: the best free cells first, then cells of claims above their own minimum.
  for (int pass = 0; pass < 2; ++pass)
    for (int k = 0; k < P.K; ++k)
      for (std::size_t i = 0; i < pairs.size() && n[k] < P.lo[k]; ++i) {
        const Pair& x = pairs[i];
        if (x.claim != k) continue;
        const int j = node[x.cell] - 1;
        if (j == k || (pass == 0 && j >= 0) || (j >= 0 && n[j] <= P.lo[j])) continue;
        if (j >= 0) --n[j];
        node[x.cell] = static_cast<std::int16_t>(k + 1);
        ++n[k];
      }
  Allocation out = finish(P, std::move(node), nullptr, in);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace casco::scenario
