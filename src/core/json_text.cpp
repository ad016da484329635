#include "core/json_text.hpp"

#include "core/error.hpp"

namespace casco {

std::string json_text(const nlohmann::json& j, int indent, const std::string& what) {
  try {
    return j.dump(indent);
  } catch (const nlohmann::json::type_error&) {  // 316: invalid UTF-8
    warn(
        "{}: text that is not valid UTF-8 (e.g. a name in another encoding) is written with "
        "U+FFFD in place of the invalid bytes",
        what);
    return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

}  // namespace casco
