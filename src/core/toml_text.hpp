#pragma once
// The text of a TOML file, made safe for the toml++ that Debian ships (3.3). That version reaches
// an "unreachable" point — undefined behaviour, found by casco's fuzzing — when it asks whether a
// character beyond ASCII is whitespace: in a quoted key ("één" = 1), after a line-ending backslash
// in a """…""" text, and outside quotes (upstream marzer/tomlplusplus#190 and #295, fixed after
// 3.4). So before toml++ reads a file, casco
//  - refuses bytes that are not UTF-8, and characters beyond ASCII outside quotes and comments
//    (TOML allows neither there), naming file:line:column;
//  - writes every character beyond ASCII inside "…" and """…""" as a \uXXXX or \UXXXXXXXX escape,
//    and a '…' or '''…''' text holding one as "…" or """…""" with escapes: the same TOML value.
// So toml++ sees characters beyond ASCII only in comments, where it never asks.
// Columns in later messages about the same line may count an escape as its six or ten letters.
#include <string>
#include <string_view>

namespace casco {

// Throws casco::Error "file:line:col: malformed TOML: …".
std::string toml_text_for_parser(std::string_view text, const std::string& file);

}  // namespace casco
