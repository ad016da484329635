// Reading an OpenStreetMap extract for one mode: see osm_collect.hpp.
#include "access/osm_collect.hpp"

#include <algorithm>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/visitor.hpp>
#include <string_view>

#include "core/error.hpp"

namespace casco::access::detail {

void Collector::node(const osmium::Node& n) {
  if (!n.tags().empty() && node_blocks(n.tags(), p_)) blocked.push_back(n.id());
}

void Collector::way(const osmium::Way& w) {
  const auto& tags = w.tags();
  if (tags["highway"] || tags["route"]) ++highway_ways;
  WayRun run;
  run.rule = way_rule(tags, p_, ferry_kmh_);
  if (!run.rule.usable) return;
  run.way = w.id();
  // Nodes missing from the extract break the way into runs.
  run.first = refs.size();
  for (const auto& nr : w.nodes()) {
    if (!nr.location().valid()) {
      finish(run);
      continue;
    }
    refs.push_back(nr.ref());
    locs.push_back(nr.location());
  }
  finish(run);
}

void Collector::relation(const osmium::Relation& r) {
  if (!p_.turn_restrictions) return;
  const auto& tags = r.tags();
  const char* type = tags["type"];
  if (!type || std::string_view(type) != "restriction") return;
  // The mode's names (motorcar, motor_vehicle, vehicle for cars) for restriction:<name> and
  // except=<name>;<name>.
  std::vector<std::string> names(p_.access_keys.begin(), p_.access_keys.end());
  if (names.size() > 1) names.pop_back();  // not "access"
  const char* value = tags["restriction"];
  for (const auto& n : names)
    if (!value) value = tags[("restriction:" + n).c_str()];
  if (!value) return;
  if (const char* except = tags["except"]) {
    std::string_view e(except);
    for (const auto& n : names) {
      std::size_t pos = 0;
      while (pos <= e.size()) {
        std::size_t semi = std::min(e.find(';', pos), e.size());
        std::string_view item = e.substr(pos, semi - pos);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item == n) return;  // not for this mode
        pos = semi + 1;
      }
    }
  }
  RestrictionRelation rel;
  rel.id = r.id();
  rel.value = value;
  for (const auto& m : r.members()) {
    std::string_view role(m.role());
    const bool is_way = m.type() == osmium::item_type::way;
    if (role == "from" && is_way)
      rel.from.push_back(m.ref());
    else if (role == "to" && is_way)
      rel.to.push_back(m.ref());
    else if (role == "via" && is_way)
      rel.via_ways.push_back(m.ref());
    else if (role == "via" && m.type() == osmium::item_type::node)
      rel.via_nodes.push_back(m.ref());
  }
  restrictions.push_back(std::move(rel));
}

void Collector::finish(WayRun& run) {
  run.count = refs.size() - run.first;
  if (run.count >= 2) {
    runs.push_back(run);
  } else {
    refs.resize(run.first);
    locs.resize(run.first);
  }
  run.first = refs.size();
}

void read_extract(const std::filesystem::path& osm, Collector& col) {
  try {
    osmium::io::Reader reader(osmium::io::File(osm.string()),
                              osmium::osm_entity_bits::node | osmium::osm_entity_bits::way |
                                  osmium::osm_entity_bits::relation);
    using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
    Index index;
    osmium::handler::NodeLocationsForWays<Index> locations(index);
    locations.ignore_errors();  // nodes missing from the extract: the way is split there
    osmium::apply(reader, locations, col);
    reader.close();
  } catch (const casco::Error&) {
    throw;
  } catch (const std::exception& e) {
    fail("cannot read OSM extract {}: {}", osm.string(), e.what());
  }
}

}  // namespace casco::access::detail
