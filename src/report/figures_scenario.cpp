// Allocation figures: per opgavenkaart in the store (role allocation), the hectares each kind of
// claim gets in each area, with the labels and colours of the layer's own classes.
#include <algorithm>
#include <cmath>

#include "report/figures_context.hpp"

namespace casco::report {

std::vector<AllocationFigures> allocation_figures(const Context& c) {
  std::vector<AllocationFigures> out;
  for (const auto& L : c.store().manifest().layers) {
    if (L.describe.role != role::kAllocation) continue;
    AllocationFigures f;
    f.layer = L.id;
    f.title = L.title.empty() ? L.id : L.title;
    f.scenario = L.describe.param("scenario");
    f.map = "toewijzing-" + L.id;
    const Raster r = c.store().read(L.id);
    int max_class = 0;
    for (const StyleClass& k : L.describe.style.classes)
      max_class = std::max(max_class, static_cast<int>(std::lround(k.value)));
    const auto ha = c.class_hectares(r, max_class);
    for (const StyleClass& k : L.describe.style.classes) {
      const auto v = static_cast<std::size_t>(std::max(0L, std::lround(k.value)));
      AllocationClass a{k.value, k.label, !k.colour.empty(), {}};
      for (std::size_t area = 0; area < c.size(); ++area) a.hectares.push_back(ha[area][v]);
      f.classes.push_back(std::move(a));
    }
    c.draw(f.map, L, r);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace casco::report
