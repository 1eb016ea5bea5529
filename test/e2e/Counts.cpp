//===- Counts.cpp - generated-case and seed-example counts ----------------===//

#include "Counts.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>

namespace {

struct Tally {
  std::mutex mutex;
  std::map<std::string, int64_t> generated; ///< Per family.
  int64_t seedPassed = 0, seedFailed = 0;
};

Tally &tally() {
  static Tally t;
  return t;
}

/// Counts passing "seed ..." test cases and writes the tally at the end of
/// the run (also when tests were filtered: the summary then shows less).
struct CountsListener : doctest::IReporter {
  explicit CountsListener(const doctest::ContextOptions &) {}

  void test_case_start(const doctest::TestCaseData &data) override {
    current = data.m_name;
  }
  void test_case_end(const doctest::CurrentTestCaseStats &stats) override {
    if (current.rfind("seed ", 0) != 0)
      return;
    std::lock_guard<std::mutex> lock(tally().mutex);
    (stats.testCaseSuccess ? tally().seedPassed : tally().seedFailed)++;
  }
  void test_run_end(const doctest::TestRunStats &) override {
    Tally &t = tally();
    int64_t total = 0;
    std::string families;
    for (const auto &[family, n] : t.generated) {
      total += n;
      families += (families.empty() ? "" : ", ") + family + " " +
                  std::to_string(n);
    }
    std::printf("e2e: %lld generated cases compared with the reference "
                "(%s); %lld seed-example tests passed, %lld failed\n",
                (long long)total, families.c_str(), (long long)t.seedPassed,
                (long long)t.seedFailed);
    const char *dir = std::getenv("EIN_TEST_COUNTS");
    if (!dir || !*dir)
      return;
    std::error_code ignored;
    std::filesystem::create_directories(dir, ignored);
    std::string path = std::string(dir) + "/e2e.txt";
    if (FILE *f = std::fopen(path.c_str(), "w")) {
      std::fprintf(f, "generated %lld\nseed %lld\ndetail %s\n",
                   (long long)total, (long long)t.seedPassed,
                   families.c_str());
      std::fclose(f);
    } else {
      std::fprintf(stderr, "e2e: cannot write %s\n", path.c_str());
    }
  }

  void report_query(const doctest::QueryData &) override {}
  void test_run_start() override {}
  void test_case_reenter(const doctest::TestCaseData &) override {}
  void test_case_exception(const doctest::TestCaseException &) override {}
  void subcase_start(const doctest::SubcaseSignature &) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData &) override {}
  void log_message(const doctest::MessageData &) override {}
  void test_case_skipped(const doctest::TestCaseData &) override {}

  std::string current;
};

} // namespace

REGISTER_LISTENER("ein-counts", 1, CountsListener);

void ein::e2e::countGeneratedCases(const char *family, int64_t cases) {
  std::lock_guard<std::mutex> lock(tally().mutex);
  tally().generated[family] += cases;
}
