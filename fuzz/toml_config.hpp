#pragma once
// Included before everything in the fuzz build (CMakeLists.txt, CASCO_FUZZ): toml++'s internal
// assertions are off, as in Debian's release build of the library that casco links normally.
// toml++ 3.3.0 asserts on a table header such as [[$a]] that the release build reports as a
// parse error (docs/fuzzing.md).
#define TOML_ASSERT(expr) static_cast<void>(0)
