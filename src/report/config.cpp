#include "report/config.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/toml_reader.hpp"

namespace casco::report {
namespace fs = std::filesystem;

const LayerWords* ReportConfig::words(const std::string& layer) const {
  auto it = layers.find(layer);
  return it == layers.end() ? nullptr : &it->second;
}

namespace {

const toml::table* table_at(const TomlReader& r, const toml::table& t, const char* key) {
  const toml::node* n = t.get(key);
  if (!n) return nullptr;
  if (!n->is_table()) r.error_at(*n, fmt::format("'{}' is a table ([{}] or {{ … }})", key, key));
  return n->as_table();
}

int whole(const TomlReader& r, const toml::table& t, const char* key, int fallback, int lo,
          int hi) {
  const double v = r.number(t, key, fallback, "[report]");
  if (!(v >= lo && v <= hi) || v != std::floor(v))  // range first: a huge v is no int
    r.error_at(*t.get(key), fmt::format("'{}' is a whole number from {} to {}", key, lo, hi));
  return static_cast<int>(v);
}

void read_report(const TomlReader& r, const toml::table& t, ReportConfig& c) {
  r.check_keys(t, "[report]",
               {"zones", "population", "population_source", "population_map", "homes", "kinds",
                "leave_out_groups", "compass", "norms_missed", "place_labels", "zone_names",
                "sentences_per_group", "distance_sentences"});
  c.zones = r.text(t, "zones", false, "[report]");
  c.population = r.text(t, "population", false, "[report]");
  c.population_source = r.text(t, "population_source", false, "[report]");
  c.population_map = r.text(t, "population_map", false, "[report]");
  c.homes = r.text(t, "homes", false, "[report]");
  c.kinds = r.texts(t, "kinds", "[report]");
  c.leave_out_groups = r.texts(t, "leave_out_groups", "[report]");
  c.compass = r.texts(t, "compass", "[report]");
  if (!c.compass.empty() && c.compass.size() != 8)
    r.error_at(*t.get("compass"),
               "'compass' names 8 directions, from east counter-clockwise (oosten, noordoosten, "
               "noorden, …)");
  c.norms_missed = r.texts(t, "norms_missed", "[report]");
  if (!c.norms_missed.empty() && c.norms_missed.size() != 4)
    r.error_at(*t.get("norms_missed"),
               "'norms_missed' names 4 classes: every norm met, 1 missed, 2 missed, 3 or more");
  c.place_labels = whole(r, t, "place_labels", c.place_labels, 0, 100);
  c.zone_names = whole(r, t, "zone_names", c.zone_names, 1, 100);
  c.sentences_per_group = whole(r, t, "sentences_per_group", c.sentences_per_group, 0, 100);
  c.distance_sentences = whole(r, t, "distance_sentences", c.distance_sentences, 0, 100);
}

void read_layers(const TomlReader& r, const toml::table& t, ReportConfig& c) {
  for (auto&& [key, node] : t) {
    const std::string id(key.str());
    const std::string where = "[layers." + id + "]";
    const toml::table* lt = node.as_table();
    if (!lt)
      r.error_at(node, where + " is a table: { term = \"…\", explain = \"…\", data = \"…\" }");
    r.check_keys(*lt, where, {"term", "explain", "data"});
    c.layers[id] = {r.text(*lt, "term", false, where), r.text(*lt, "explain", false, where),
                    r.text(*lt, "data", false, where)};
  }
}

void read_water(const TomlReader& r, const toml::table& t, ReportConfig& c) {
  r.check_keys(t, "[water]", {"waits"});
  const toml::node* n = t.get("waits");
  if (!n) return;
  const toml::array* a = n->as_array();
  if (!a) r.error_at(*n, "[[water.waits]] is a list of tables { data, how, layers }");
  for (const auto& item : *a) {
    const toml::table* w = item.as_table();
    if (!w) r.error_at(item, "each [[water.waits]] is a table { data, how, layers }");
    r.check_keys(*w, "[[water.waits]]", {"data", "how", "layers"});
    WaterWait ww;
    ww.data = r.text(*w, "data", true, "[[water.waits]]");
    ww.how = r.text(*w, "how", false, "[[water.waits]]");
    ww.layers = r.texts(*w, "layers", "[[water.waits]]");
    if (ww.layers.empty()) r.error_at(*w, "[[water.waits]] needs 'layers' (the layer ids)");
    c.water_waits.push_back(std::move(ww));
  }
}

}  // namespace

ReportConfig load_report_config(const fs::path& dir) {
  const fs::path file = dir / "report.toml";
  if (!fs::is_regular_file(file))
    fail(
        "no report.toml in '{}': give the folder with the report's templates (--templates, e.g. "
        "data/drenthe/report)",
        dir.string());
  TomlReader r(file.string());
  const toml::table root = r.parse(TomlReader::read_file(file.string(), "report settings"));
  r.check_keys(root, "report.toml", {"report", "layers", "water"});
  ReportConfig c;
  c.dir = dir;
  if (const toml::table* t = table_at(r, root, "report")) read_report(r, *t, c);
  if (const toml::table* t = table_at(r, root, "layers")) read_layers(r, *t, c);
  if (const toml::table* t = table_at(r, root, "water")) read_water(r, *t, c);
  return c;
}

}  // namespace casco::report
