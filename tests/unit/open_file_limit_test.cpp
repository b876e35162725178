// The open-file budget: a soft limit below what a run needs is raised toward the hard limit;
// a hard limit below it is an error that names the need and the limit.
#include "core/error.hpp"
#include "core/open_file_limit.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>

namespace {

struct saved_limit {
  rlimit old{};
  saved_limit() { getrlimit(RLIMIT_NOFILE, &old); }
  ~saved_limit() { setrlimit(RLIMIT_NOFILE, &old); }
};

}  // namespace

TEST(OpenFileLimit, ASoftLimitBelowTheNeedIsRaised)
{
  saved_limit const keep;
  if (keep.old.rlim_max != RLIM_INFINITY && keep.old.rlim_max < 2000) GTEST_SKIP() << "hard limit below 2000";
  rlimit low = keep.old;
  low.rlim_cur = 256;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  sinkmap::reserve_open_files(1500, "reading 750 files with 2 threads");
  rlimit now{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &now), 0);
  EXPECT_GE(now.rlim_cur, rlim_t(1500));
}

TEST(OpenFileLimit, AHardLimitBelowTheNeedNamesBoth)
{
  saved_limit const keep;
  if (keep.old.rlim_max == RLIM_INFINITY) GTEST_SKIP() << "no hard limit";
  std::size_t const need = std::size_t(keep.old.rlim_max) + 10;
  try {
    sinkmap::reserve_open_files(need, "reading many files");
    FAIL() << "no error";
  } catch (sinkmap::runtime_failure const& e) {
    std::string const what = e.what();
    EXPECT_NE(what.find("reading many files needs " + std::to_string(need)), std::string::npos) << what;
    EXPECT_NE(what.find(std::to_string(keep.old.rlim_max)), std::string::npos) << what;
  }
}
