// HtmlToText and DetectType: table-driven.
#include <gtest/gtest.h>

#include <string>

#include "mail/message.h"

namespace purr::mail {
namespace {

struct HtmlCase {
  std::string html;
  std::string text;
};

class HtmlToTextTest : public ::testing::TestWithParam<HtmlCase> {};

TEST_P(HtmlToTextTest, Converts) {
  EXPECT_EQ(HtmlToText(GetParam().html), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HtmlToTextTest,
    ::testing::Values(
        HtmlCase{"<p>Hei</p><p>Andre avsnitt</p>", "Hei\n\nAndre avsnitt"},
        HtmlCase{"linje 1<br>linje 2<BR/>linje 3", "linje 1\nlinje 2\nlinje 3"},
        HtmlCase{"<script>alert('<p>x</p>')</script>synlig", "synlig"},
        HtmlCase{"<STYLE>p { color: red }</STYLE><p>tekst</p>", "tekst"},
        HtmlCase{"&aring;&oslash;&aelig; &Aring;&Oslash;&AElig; &auml;&ouml;",
                 "åøæ ÅØÆ äö"},
        HtmlCase{"kr&nbsp;1&nbsp;249,50 &amp; &lt;KID&gt; &#229; &#xE6; &euro;",
                 "kr 1 249,50 & <KID> å æ €"},
        HtmlCase{"unknown &foo; and lone & stay",
                 "unknown &foo; and lone & stay"},
        HtmlCase{"<a href=\"x>y\">lenke</a> tekst", "lenke tekst"},
        HtmlCase{"  mye    \n\n  luft   ", "mye luft"},
        HtmlCase{"<!-- skjult <p>kommentar</p> -->vis", "vis"},
        HtmlCase{"<ul><li>en</li><li>to</li></ul>etter", "- en\n- to\n\netter"},
        HtmlCase{"a < b og c", "a < b og c"},
        HtmlCase{"<p>uavsluttet <b", "uavsluttet"}, HtmlCase{"", ""}));

TEST(HtmlToText, HostileInputStaysLinear) {
  // Quadratic scanning would take minutes on these; linear takes milliseconds.
  EXPECT_EQ(HtmlToText(std::string(2 << 20, '&')).size(), size_t{2} << 20);
  std::string tags;
  for (int i = 0; i < 500000; ++i) tags += "<a";
  EXPECT_EQ(HtmlToText(tags), "");
  std::string comments;
  for (int i = 0; i < 200000; ++i) comments += "<!-- x";
  EXPECT_EQ(HtmlToText(comments), "");
}

struct MagicCase {
  std::string bytes;
  std::string type;
};

class DetectTypeTest : public ::testing::TestWithParam<MagicCase> {};

TEST_P(DetectTypeTest, Detects) {
  EXPECT_EQ(DetectType(GetParam().bytes), GetParam().type);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DetectTypeTest,
    ::testing::Values(MagicCase{"%PDF-1.7\n...", "pdf"},
                      MagicCase{std::string("II*\0\x08\0\0\0", 8), "tiff"},
                      MagicCase{std::string("MM\0*\0\0\0\x08", 8), "tiff"},
                      MagicCase{"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "png"},
                      MagicCase{"\xFF\xD8\xFF\xE0\0\x10JFIF", "jpeg"},
                      MagicCase{"Betalingsplan: kr 500 pr. måned\n", "text"},
                      MagicCase{std::string("PK\x03\x04\0\0\0\0", 8), "other"},
                      MagicCase{"", "other"}));

}  // namespace
}  // namespace purr::mail
