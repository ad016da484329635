#include "model/describe.hpp"

#include <nlohmann/json.hpp>

namespace casco {
namespace {

using json = nlohmann::json;

const char* kind_name(LayerStyle::Kind k) {
  switch (k) {
    case LayerStyle::Kind::Classes:
      return "classes";
    case LayerStyle::Kind::Zones:
      return "zones";
    case LayerStyle::Kind::Bins:
      return "bins";
    case LayerStyle::Kind::Ramp:
      break;
  }
  return "ramp";
}

json number_or_null(double v) {
  return std::isnan(v) ? json(nullptr) : json(v);
}

double number_or_nan(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>()
                                          : std::numeric_limits<double>::quiet_NaN();
}

bool contains(const std::string& s, const char* part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

const std::vector<std::string>& ramp_names() {
  static const std::vector<std::string> names = {"viridis", "groen",     "geelrood", "blauw",
                                                 "paars",   "roodgroen", "groenrood"};
  return names;
}

std::string to_json(const LayerDescription& d) {
  json classes = json::array();
  for (const auto& c : d.style.classes)
    classes.push_back({{"value", c.value}, {"label", c.label}, {"colour", c.colour}});
  json j = {{"role", d.role},
            {"params", d.params},
            {"display",
             {{"factor", d.display_factor}, {"decimals", d.decimals}, {"unit", d.display_unit}}},
            {"style",
             {{"kind", kind_name(d.style.kind)},
              {"classes", classes},
              {"ramp", d.style.ramp},
              {"lo", number_or_null(d.style.lo)},
              {"hi", number_or_null(d.style.hi)},
              {"robust", d.style.robust},
              {"zero_blank", d.style.zero_blank},
              {"points", d.style.points}}}};
  return j.dump();
}

LayerDescription description_from_json(const std::string& text, const LayerDescription& fallback) {
  if (text.empty()) return fallback;
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fallback;
  try {
    LayerDescription d;
    d.role = j.value("role", fallback.role);
    if (j.contains("params") && j["params"].is_object())
      for (auto& [k, v] : j["params"].items())
        if (v.is_string()) d.params[k] = v.get<std::string>();
    if (const auto& disp = j.value("display", json::object()); disp.is_object()) {
      d.display_factor = disp.value("factor", 1.0);
      d.decimals = disp.value("decimals", 0);
      d.display_unit = disp.value("unit", std::string());
    }
    const json st = j.value("style", json::object());
    const std::string kind = st.value("kind", std::string("ramp"));
    d.style.kind = kind == "classes" ? LayerStyle::Kind::Classes
                   : kind == "zones" ? LayerStyle::Kind::Zones
                   : kind == "bins"  ? LayerStyle::Kind::Bins
                                     : LayerStyle::Kind::Ramp;
    for (const auto& c : st.value("classes", json::array()))
      d.style.classes.push_back({c.value("value", 0.0), c.value("label", std::string()),
                                 c.value("colour", std::string())});
    d.style.ramp = st.value("ramp", std::string("viridis"));
    d.style.lo = number_or_nan(st, "lo");
    d.style.hi = number_or_nan(st, "hi");
    d.style.robust = st.value("robust", false);
    d.style.zero_blank = st.value("zero_blank", false);
    d.style.points = st.value("points", false);
    return d;
  } catch (const json::exception&) {
    return fallback;
  }
}

LayerDescription default_description(const std::string& derivation, const std::string& unit,
                                     bool points) {
  LayerDescription d;
  LayerStyle& s = d.style;
  const bool per_cell = contains(unit, "per cel");
  const bool yes_no = contains(unit, "0/1");
  const bool share = contains(unit, "aandeel");
  if (derivation == "zones") {
    d.role = role::kZones;
    s.kind = LayerStyle::Kind::Zones;
  } else if (derivation == "presence" || derivation == "point_areas" ||
             (derivation == "expression" && yes_no)) {
    d.role = role::kPresence;
    s.kind = LayerStyle::Kind::Classes;
    s.classes = {{1, "aanwezig", "#d7191c"}};
    s.points = points;
  } else if (derivation == "coverage" || (derivation == "expression" && share)) {
    d.role = role::kShare;
    s.ramp = "groen";
    s.lo = 0, s.hi = 1, s.zero_blank = true;
    d.display_factor = 100, d.display_unit = "%";
  } else if (derivation == "distance") {
    d.role = role::kDistance;
    s.ramp = "viridis";
    d.display_factor = 0.001, d.decimals = 1, d.display_unit = "km";
  } else if (per_cell || derivation == "dasymetric") {
    d.role = role::kCount;
    s.ramp = "geelrood", s.robust = true, s.zero_blank = true;
    d.decimals = 1;
  } else if (contains(unit, "per ha")) {
    d.role = role::kDensity;
    s.ramp = "geelrood", s.robust = true, s.zero_blank = true;
    d.decimals = 1;
  } else if (contains(unit, "gewicht")) {
    d.role = role::kWeight;
    s.ramp = "geelrood", s.robust = true, s.zero_blank = true;
    d.decimals = 1;
  } else {
    d.role = role::kMeasure;
    s.ramp = "viridis";
    d.decimals = 1;
  }
  return d;
}

}  // namespace casco
