#pragma once
// JSON as text for people and programs. Names from source data may hold bytes that are not UTF-8
// (a place name in Latin-1, a damaged attribute); JSON must be UTF-8, so such bytes are replaced
// by U+FFFD with one warning naming what was written, instead of failing the whole output.
#include <nlohmann/json.hpp>
#include <string>

namespace casco {

// `what` names the output in the warning ("the kernen table"). indent < 0: one line.
std::string json_text(const nlohmann::json& j, int indent = 2, const std::string& what = "output");

}  // namespace casco
