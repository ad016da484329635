#include <gtest/gtest.h>

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
