#pragma once
// Exact discrete allocation of land claims to grid cells (transportation problem, one shadow price
// per claim).
//
// Problem. Claims k have a kind (a suitability layer s_kind), an optional region and a minimum and
// maximum number of cells. Choose for every cell at most one eligible claim (eligible: the cell is
// in the claim's region and s_kind(cell) is not NaN) so that min_cells <= allocated <= max_cells
// per claim and the total suitability of the allocated cells is maximal. Leaving a cell
// unallocated is worth 0, so cells with negative suitability are only used to reach a minimum.
// When the minimums cannot all be met (too few eligible cells, claims competing for the same
// cells) the total shortfall is minimised first and the suitability second (lexicographically);
// the shortfall per claim is reported, nothing is thrown.
//
// Method (docs/scenarios.md, "Allocation method"). (1) Shadow prices: Gauss-Seidel sweeps over
// the claims; each step gives one claim the price at which exactly as many cells prefer it (value
// s - price, against the best other option and "none" at 0) as its bounds allow, found by a
// selection over its eligible cells; first on a random sample of the cells with scaled bounds, then
// on all cells. (2) Exact repair: the cells are allocated at those prices and negative cycles are
// cancelled in the exchange graph of the K claims + "none" + a bound node, whose arc i -> j costs
// the cheapest move of one cell from i to j (one lazy priority queue of cells per pair, as
// GeoDMS's facets) and whose bound arcs carry the lexicographic cost (excess, shortfall, loss).
// No negative cycle left means optimal. (3) The shadow prices reported are shortest-path
// potentials of that final graph, so they satisfy the optimality conditions exactly:
//   - an allocated cell's claim k maximises s - price over its eligible claims and none (value 0);
//     an unallocated cell has s - price <= 0 for every eligible claim;
//   - price > 0 only for a claim at its maximum (price <= 0 when below max);
//     price < 0 only for a claim at (or short of) its minimum (price >= 0 when above min).
// All within a tolerance of about 1e-9 times the largest |suitability|.
// Cost: a sweep is O(cells x claims), a cancelled cycle O(K^3 + K log cells): meant for tens of
// claims. Uses TBB; reports casco::Progress and stops on casco::check_interrupted().
#include <cstdint>
#include <string>
#include <vector>

namespace casco::scenario {

struct Claim {
  std::string id;   // e.g. "woningbouw_noord"
  int kind = 0;     // index into AllocationInput::suitability
  int region = -1;  // eligible cells: region_of[cell] == region; -1 = every cell
  std::int64_t min_cells = 0, max_cells = 0;
};

struct AllocationInput {
  std::size_t cells = 0;
  std::vector<const float*> suitability;    // per kind: `cells` values; NaN = not allowed there
  const std::int32_t* region_of = nullptr;  // per cell region index (<0 = in no region); may be
                                            // nullptr when every claim has region -1
  std::vector<Claim> claims;
};

struct AllocateOptions {
  bool progress = true;      // casco::Progress bar on stderr (shown only on a terminal)
  bool price_search = true;  // false: the exact repair starts from all cells unallocated (tests)
};

struct ClaimResult {
  std::int64_t cells = 0;           // allocated
  std::int64_t eligible_cells = 0;  // cells where the claim may go at all
  std::int64_t shortfall = 0;       // min_cells - cells when the minimum could not be met, else 0
  double shadow_price = 0;          // the claim's dual price at the optimum (see above)
  double total_suitability = 0;
};

struct Allocation {
  std::vector<std::int16_t> claim_of;  // per cell: claim index, -1 = no claim (keeps current use)
  std::vector<float> margin;  // per cell: value of best option minus the second best at the final
                              // prices (small = contested); NaN where no claim is eligible
  std::vector<ClaimResult> claims;
  double objective = 0;  // sum of suitability over allocated cells
  bool feasible = true;  // every minimum met
  int iterations = 0;    // price sweeps + cancelled cycles
  double seconds = 0;
};

// Throws casco::Error for inconsistent input: min > max, negative bounds, kind out of range or
// without data, region_of missing while a claim has a region, more than 32767 claims.
Allocation allocate(const AllocationInput& in, const AllocateOptions& options = {});

// The straightforward reference: (cell, claim) pairs in order of decreasing suitability, first
// come first served, then the minimums repaired with the best remaining cells. Used by the
// benchmark only; no shadow prices, margin left empty.
Allocation allocate_greedy(const AllocationInput& in);

}  // namespace casco::scenario
