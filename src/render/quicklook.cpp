#include "render/quicklook.hpp"

#include "core/error.hpp"

namespace casco {
void write_quicklook(const Store&, const std::string&, const std::filesystem::path&, const QuicklookOptions&) {
  fail("PNG export is not built yet");
}
}  // namespace casco
