// Tests of WriteFileAtomic: complete files only, no temporary files left behind.
#include "reports/write_atomic.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

namespace lwm2m::report {
namespace {

namespace fs = std::filesystem;

class WriteAtomicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("reports-atomic-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  static std::string Read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  fs::path dir_;
};

TEST_F(WriteAtomicTest, WritesTheContentAndLeavesNoTemporaryFile) {
  ASSERT_TRUE(WriteFileAtomic(dir_ / "report.json", "{\"a\": 1}\n").ok());
  EXPECT_EQ(Read(dir_ / "report.json"), "{\"a\": 1}\n");
  ASSERT_TRUE(WriteFileAtomic(dir_ / "report.json", "second", /*sync=*/true).ok());
  EXPECT_EQ(Read(dir_ / "report.json"), "second");
  EXPECT_EQ(Entries(), std::vector<std::string>{"report.json"});
  struct stat st {};
  ASSERT_EQ(stat((dir_ / "report.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(WriteAtomicTest, EmptyContentGivesAnEmptyFile) {
  ASSERT_TRUE(WriteFileAtomic(dir_ / "empty.md", "").ok());
  EXPECT_TRUE(fs::exists(dir_ / "empty.md"));
  EXPECT_EQ(fs::file_size(dir_ / "empty.md"), 0u);
}

TEST_F(WriteAtomicTest, MissingFolderIsAnErrorNamingThePath) {
  Status s = WriteFileAtomic(dir_ / "no" / "such" / "report.json", "x");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no/such/report.json"), std::string::npos) << s.message();
  EXPECT_TRUE(Entries().empty());
}

TEST_F(WriteAtomicTest, FailedRenameRemovesTheTemporaryAndKeepsTheTarget) {
  // The target is a non-empty directory: rename(2) fails after the data was written.
  fs::create_directories(dir_ / "report.html" / "inside");
  Status s = WriteFileAtomic(dir_ / "report.html", "<html></html>");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("rename"), std::string::npos) << s.message();
  EXPECT_EQ(Entries(), std::vector<std::string>{"report.html"});
  EXPECT_TRUE(fs::is_directory(dir_ / "report.html" / "inside"));
}

TEST_F(WriteAtomicTest, AConcurrentReaderNeverSeesAHalfFile) {
  const fs::path path = dir_ / "report.json";
  const std::string a(1 << 20, 'a'), b(3 << 19, 'b');
  ASSERT_TRUE(WriteFileAtomic(path, a).ok());
  std::atomic<bool> done{false};
  std::atomic<int> writes{0};
  std::thread writer([&] {
    for (int i = 0; i < 40; ++i) {
      ASSERT_TRUE(WriteFileAtomic(path, i % 2 ? a : b).ok());
      ++writes;
    }
    done = true;
  });
  int reads = 0, torn = 0;
  while (!done || reads < 10) {
    std::string got = Read(path);
    ++reads;
    bool whole = got == a || got == b;
    if (!whole) ++torn;
    if (done && reads >= 10) break;
  }
  writer.join();
  EXPECT_EQ(writes.load(), 40);
  EXPECT_EQ(torn, 0) << "of " << reads << " reads";
  EXPECT_EQ(Entries(), std::vector<std::string>{"report.json"});
}

}  // namespace
}  // namespace lwm2m::report
