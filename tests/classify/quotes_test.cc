// Quoted text: what the writer repeats from someone else (classify/quotes.h).
#include "classify/quotes.h"

#include <gtest/gtest.h>

#include <string>

namespace purr::classify {
namespace {

// The quoted parts of `text`, joined with '|'.
std::string Quoted(const std::string& text) {
  std::string out;
  for (const Span& s : QuotedRegions(text)) {
    out += (out.empty() ? "" : "|") + text.substr(s.start, s.end - s.start);
  }
  return out;
}

TEST(QuotedRegionsTest, QuotationMarksOfEveryNordicStyle) {
  EXPECT_EQ(Quoted("Brevet var til \"Dødsboet etter Kari\". Jeg lever."), "\"Dødsboet etter Kari\"");
  EXPECT_EQ(Quoted("Ni skrev ”bestridet krav” i brevet."), "”bestridet krav”");
  EXPECT_EQ(Quoted("I skrev »boet efter« og «konkursboet»."), "»boet efter«|«konkursboet»");
  EXPECT_EQ(Quoted("\"a\"\n\"b\""), "\"a\"\n\"b\"");  // merged across a line break
  EXPECT_EQ(Quoted("Sie schrieben „the estate of“ on it."), "„the estate of“");
  EXPECT_EQ(Quoted("You wrote “the estate of Gillian Hague”."), "“the estate of Gillian Hague”");
}

TEST(QuotedRegionsTest, UnclosedOrParagraphCrossingMarksQuoteNothing) {
  EXPECT_EQ(Quoted("He said \"no and left."), "");
  EXPECT_EQ(Quoted("Start \"here\n\nand end\" later."), "");
  EXPECT_EQ(Quoted("Too long \"" + std::string(500, 'a') + "\" end."), "");
}

TEST(QuotedRegionsTest, ReplyLinesAndThreads) {
  EXPECT_EQ(Quoted("Betalt i dag.\n> Har De innsigelser mot kravet\n> må De gi beskjed\nHilsen"),
            "> Har De innsigelser mot kravet\n> må De gi beskjed");
  const std::string thread =
      "Jeg betalte i går.\n\n-------- Vidarebefordrat meddelande --------\nOm du bestrider kravet";
  EXPECT_EQ(Quoted(thread), "-------- Vidarebefordrat meddelande --------\nOm du bestrider kravet");
  const std::string wrote = "Paid today.\n\nOn 2 Nov 2026, Vega Inkasso wrote:\nIf you dispute";
  EXPECT_EQ(Quoted(wrote), "On 2 Nov 2026, Vega Inkasso wrote:\nIf you dispute");
  const std::string outlook = "Se nedenfor.\nFra: Nordvik Inkasso\nSendt: 2. november\nTil: meg\nbestrider";
  EXPECT_EQ(Quoted(outlook), "Fra: Nordvik Inkasso\nSendt: 2. november\nTil: meg\nbestrider");
}

TEST(QuotedRegionsTest, HeadersAtTheTopAreNotAThread) {
  // An e-mail's own header lines come before any text of the writer's.
  EXPECT_EQ(Quoted("From: Kari\nDate: 2 Nov 2026\nSubject: krav\n\nJeg bestrider kravet."), "");
}

TEST(QuotedRegionsTest, IndentedBlockAfterAColonIsAPastedLetter) {
  const std::string text =
      "I got this letter from you today:\n\n  REMINDER\n  If the debtor is deceased, inform us.\n\nI paid.";
  EXPECT_EQ(Quoted(text), "  REMINDER\n  If the debtor is deceased, inform us.");
  // A numbered list whose items start at the margin is the writer's own.
  EXPECT_EQ(Quoted("Note the following:\n1. The press is\n   still there.\n2. I am bankrupt."), "");
}

TEST(QuotedRegionsTest, InsideAny) {
  const std::vector<Span> regions = {{5, 10}, {20, 30}};
  EXPECT_TRUE(InsideAny(regions, {5, 10}));
  EXPECT_TRUE(InsideAny(regions, {21, 22}));
  EXPECT_FALSE(InsideAny(regions, {8, 12}));
  EXPECT_FALSE(InsideAny(regions, {0, 3}));
  EXPECT_FALSE(InsideAny(regions, {30, 31}));
  EXPECT_FALSE(InsideAny({}, {0, 1}));
}

}  // namespace
}  // namespace purr::classify
