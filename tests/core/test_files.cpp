#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "core/dutch.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hash.hpp"
#include "test_util.hpp"

using namespace casco;

TEST(AtomicOutput, CommitReplacesTarget) {
  test::TempDir dir;
  auto target = dir / "out.txt";
  test::write_file(target, "old");
  {
    AtomicOutput out(target);
    test::write_file(out.temp_path(), "new");
    EXPECT_EQ(out.temp_path().extension(), ".txt");
    out.commit();
  }
  std::ifstream in(target);
  std::string s;
  in >> s;
  EXPECT_EQ(s, "new");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(AtomicOutput, FailureLeavesOldFileAndNoTemporary) {
  test::TempDir dir;
  auto target = dir / "out.txt";
  test::write_file(target, "old");
  try {
    AtomicOutput out(target);
    test::write_file(out.temp_path(), "half");
    throw Error("writer failed");
  } catch (const Error&) {
  }
  std::ifstream in(target);
  std::string s;
  in >> s;
  EXPECT_EQ(s, "old");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(Hash, Sha256OfKnownText) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  test::TempDir dir;
  test::write_file(dir / "a.txt", "abc");
  EXPECT_EQ(sha256_file(dir / "a.txt"), sha256_hex("abc"));
  EXPECT_THROW(sha256_file(dir / "missing.txt"), Error);
}

TEST(DutchNumber, GroupsThousandsAndUsesADecimalComma) {
  EXPECT_EQ(dutch_number(1234567.891, 2), "1.234.567,89");
  EXPECT_EQ(dutch_number(-0.001, 2), "0,00");  // no "-0"
  EXPECT_EQ(dutch_number(-1500), "-1.500");
  // Legends drop trailing zeros.
  EXPECT_EQ(dutch_number(2.50, 2, true), "2,5");
  EXPECT_EQ(dutch_number(2000.0, 2, true), "2.000");
  EXPECT_EQ(dutch_number(0.0, 3, true), "0");
}

// A killed run leaves its temporaries; the next output in the folder removes those whose process
// is gone (after a minute) or that are a day old, and nothing else.
TEST(AtomicOutput, TemporariesOfKilledRunsAreRemovedByTheNextRun) {
  namespace fs = std::filesystem;
  test::TempDir dir;
  const auto now = fs::file_time_type::clock::now();
  auto make = [&](const std::string& name, std::chrono::minutes age) {
    test::write_file(dir / name, "x");
    fs::last_write_time(dir / name, now - age);
  };
  const std::string gone = "2147483600";                           // no such process
  const std::string alive = std::to_string(getppid());             // the test runner's parent
  make("drenthe.tmp-" + gone + ".gpkg", std::chrono::minutes(5));  // removed
  make("drenthe.tmp-" + gone + ".gpkg-journal", std::chrono::minutes(5));  // removed
  make("kaart.tmp-" + gone + ".png", std::chrono::minutes(0));     // kept: may be starting now
  make("model.tmp-" + alive + ".gpkg", std::chrono::minutes(30));  // kept: its run goes on
  make("oud.tmp-" + alive + ".gpkg", std::chrono::minutes(3 * 24 * 60));  // removed: 3 days old
  make("notities.tmp.txt", std::chrono::minutes(5000));                   // kept: not ours
  fs::create_directory(dir / (".rapport.tmp-" + gone));
  fs::last_write_time(dir / (".rapport.tmp-" + gone), now - std::chrono::minutes(5));  // removed
  { AtomicOutput out(dir / "drenthe.gpkg"); }
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir.path())) left.push_back(e.path().filename());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"kaart.tmp-" + gone + ".png",
                                            "model.tmp-" + alive + ".gpkg", "notities.tmp.txt"}));
}
