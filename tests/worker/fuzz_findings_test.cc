// Regression tests for what the fuzz campaign (scripts/fuzz.sh) found in worker/: each test
// is named after its finding and runs the input that found it.
#include <gtest/gtest.h>

#include <string>

#include "worker/config.h"

namespace purr {
namespace {

// config_fuzzer: a line with an empty key (": value") made key collection recurse until the
// stack overflowed. An empty key is no purr.* key: it is ignored like any foreign key.
TEST(ConfigFuzzFindings, EmptyKeyDoesNotRecurseForever) {
  const std::string text =
      ": /etc/purr/purr.conf: the installed configuration\n"
      "purr.db = /var/lib/purr/purr.sqlite\n"
      "= also empty\n";
  Result<Config> c = ParseConfig(text, "purr.conf", "/etc/purr/purr.conf");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->db, "/var/lib/purr/purr.sqlite");
}

// The same walk over key parts skipped a key with an empty part: a typo went unnoticed.
TEST(ConfigFuzzFindings, KeyWithAnEmptyPartIsAnUnknownKey) {
  Result<Config> c = ParseConfig("purr..workers = 2\n", "purr.conf", "/etc/purr/purr.conf");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("unknown key 'purr..workers'"), std::string::npos)
      << c.status().message();
}

TEST(ConfigFuzzFindings, OversizedConfigIsRefusedWithItsName) {
  const std::string text(kMaxConfigBytes + 1, '#');
  Result<Config> c = ParseConfig(text, "huge.conf", "/etc/purr/huge.conf");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("huge.conf"), std::string::npos);
}

}  // namespace
}  // namespace purr
