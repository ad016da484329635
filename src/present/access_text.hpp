#pragma once
// The tables of `casco access` as people and programs read them (text, CSV, JSON), made from the
// data src/access returns.
#include <string>
#include <vector>

#include "access/access.hpp"

namespace casco::present {

// One row per origin with its weight and the minutes and km per kind and mode, as CSV.
std::string format_origins(const access::AccessConfig& cfg, const access::AccessResult& r,
                           std::size_t set, const std::vector<access::Origin>& origins);

// Text, CSV or JSON: per norm and zone the people within and below the norm; per kind and mode
// the population-weighted mean minutes and the share within 15 and 30 minutes.
std::string format_access(const access::AccessConfig& cfg, const Store& store,
                          const access::AccessResult& r,
                          const std::vector<access::NormTable>& norms, const std::string& format);

// What-if: the people newly below each norm when `without` facilities close, per zone.
std::string format_what_if(const access::AccessConfig& cfg,
                           const std::vector<access::NormTable>& before,
                           const std::vector<access::NormTable>& after,
                           const std::vector<std::string>& without, const std::string& format);

}  // namespace casco::present
