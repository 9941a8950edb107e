#include "common/status.h"

#include <gtest/gtest.h>

namespace purr {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(StatusTest, CarriesCodeAndMessage) {
  Status s = Status::InvalidInput("scan.tif page 3: truncated");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kInvalidInput);
  EXPECT_EQ(s.ToString(), "invalid input: scan.tif page 3: truncated");
  EXPECT_EQ(Status::CodeName(s.code()), "invalid_input");
}

TEST(StatusTest, WithContextPrefixesTheMessage) {
  Status s = Status::TimedOut("page 2 exceeded 5 s").WithContext("letter.tif");
  EXPECT_EQ(s.message(), "letter.tif: page 2 exceeded 5 s");
  EXPECT_EQ(s.code(), Status::Code::kTimedOut);
  EXPECT_TRUE(Status::Ok().WithContext("x").ok());
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> good = 42;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 42);
  Result<int> bad = Status::NotFound("no such invoice");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "no such invoice");
}

}  // namespace
}  // namespace purr
