#pragma once
// PDFs of the report's pages, printed by Chromium headless (Debian package chromium). Page
// numbers come from the style sheet's @page rules; links between pages are made relative again
// after printing, so they work in the PDFs too and no local path stays in them.
#include <filesystem>
#include <optional>
#include <string>

namespace casco::report {

// $CASCO_CHROMIUM, else chromium or chromium-browser on the PATH.
std::optional<std::filesystem::path> find_chromium();

// Prints `html` to `pdf` with a fresh profile in `profile`; killed after two minutes. Returns an
// error text, empty on success.
std::string print_pdf(const std::filesystem::path& chromium, const std::filesystem::path& html,
                      const std::filesystem::path& pdf, const std::filesystem::path& profile);

// Chromium writes every link as an absolute file:// URI (the temporary folder's path). This turns
// each into a relative link to the page's PDF ("assen.html#water" -> "assen.pdf#water"), in place
// and keeping the file's length (the PDF's byte offsets stay valid). Returns the links changed;
// throws casco::Error when the file cannot be read or written.
std::size_t relative_links(const std::filesystem::path& pdf);

}  // namespace casco::report
