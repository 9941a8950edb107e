#include "ocr/language.h"

#include <algorithm>
#include <cctype>
#include <array>
#include <map>
#include <set>

namespace purr::ocr {
namespace {

struct Vocabulary {
  const char* model;
  std::set<std::string_view> words;
};

// Frequent words of letters to a collection agency. Words shared by several languages
// count for each in proportion.
const std::array<Vocabulary, 4>& Vocabularies() {
  static const std::array<Vocabulary, 4> kVocabularies = {{
      {"nor",
       {"og", "jeg", "ikke", "er", "det", "som", "har", "til", "med", "av", "på", "meg",
        "min", "mitt", "vennlig", "hilsen", "gjeld", "gjelden", "betalt", "betale", "kan",
        "vil", "om", "hei", "takk", "dere", "deres", "fordi", "sak", "saken", "kroner", "mvh",
        "også", "noen", "noe", "skal", "fra", "etter", "siden", "ved", "hos", "nå", "hva",
        "hvis", "kravet", "beløpet", "jeg", "være", "ble", "deg", "seg", "kjære", "vennligst",
        "nedbetalingsplan", "regningen", "inkassosak", "innen", "dette", "eller", "men", "må",
        "åpnet", "slått", "samlet", "oppnevnt", "ikkje", "eg", "hvordan", "purring",
        "purregebyr", "nå", "ennå", "gjelder", "innkreving", "vedrørende", "fått", "får",
        "mottatt", "mottok", "tidligere", "vært", "enn", "ut", "bare", "kun", "skyldig",
        "ønsker", "betalingen", "beløp", "at", "vegne", "mener", "meddele", "dødsboet"}},
      {"swe",
       {"och", "att", "jag", "inte", "är", "det", "som", "har", "till", "med", "av", "på",
        "mig", "min", "mitt", "vänliga", "hälsningar", "skulden", "betalat", "betala", "kan",
        "vill", "om", "hej", "tack", "ni", "er", "eftersom", "ärende", "ärendet", "kronor",
        "mvh", "också", "någon", "något", "ska", "skall", "från", "efter", "sedan", "vid",
        "hos", "nu", "vad", "om", "fordran", "beloppet", "vara", "blev", "dig", "sig",
        "avbetalningsplan", "fakturan", "inkassoärende", "inom", "detta", "eller", "men",
        "fått", "får", "mottagit", "tidigare", "varit", "än", "ut", "bara", "endast",
        "skyldig", "önskar", "gärna", "vänligen", "hur", "några", "ert", "angående",
        "betalningen", "påminnelse", "avliden", "dödsboet", "gäller", "därför", "kunde",
        "skulle", "alltså", "sådan", "dem", "oss", "vår", "våra"}},
      {"dan",
       {"og", "jeg", "ikke", "er", "det", "som", "har", "til", "med", "af", "på", "mig",
        "min", "mit", "venlig", "hilsen", "gæld", "gælden", "betalt", "betale", "kan", "vil",
        "om", "hej", "tak", "jer", "jeres", "fordi", "sag", "sagen", "kroner", "mvh", "også",
        "nogen", "noget", "skal", "fra", "efter", "siden", "ved", "hos", "nu", "hvad", "hvis",
        "kravet", "beløbet", "være", "blev", "dig", "sig", "kære", "venligst", "afdragsordning",
        "regningen", "inkassosag", "inden", "dette", "eller", "men", "at", "bekendt", "meddele",
        "modtaget", "modtog", "tidligere", "været", "end", "ud", "bare", "kun", "skyldig",
        "ønsker", "gerne", "hvordan", "nogle", "vedrørende", "indbetalt", "betalingen",
        "rykker", "rykkerskrivelse", "afdøde", "boet", "fået", "får", "endnu", "gælder",
        "inddrivelse", "vegne", "mener", "dødsbo", "beløb", "gebyr", "os", "vores"}},
      {"eng",
       // Not "i", "as", "be": Nordic words too ("i" = in, "AS" = Ltd, "be" = ask).
       {"the", "and", "to", "of", "is", "my", "you", "your", "please", "regards", "this",
        "that", "have", "not", "with", "debt", "invoice", "payment", "dear", "sincerely",
        "would", "will", "am", "was", "are", "it", "on", "in", "paid", "pay", "claim",
        "case", "account", "from", "we", "our", "can", "me", "kind", "thank", "best",
        "which", "been", "has", "had", "there", "their", "they", "about", "because"}},
  }};
  return kVocabularies;
}

// Lower-cases ASCII and the Nordic capitals (UTF-8, two bytes each).
std::string Lower(std::string_view word) {
  std::string out(word);
  for (size_t i = 0; i < out.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c - 'A' + 'a');
    } else if (c == 0xC3 && i + 1 < out.size()) {
      unsigned char d = static_cast<unsigned char>(out[i + 1]);
      if (d >= 0x80 && d <= 0x9E && d != 0x97) out[i + 1] = static_cast<char>(d + 0x20);
      ++i;
    }
  }
  return out;
}

bool IsWordByte(unsigned char c) { return std::isalpha(c) || c >= 0x80; }

}  // namespace

LanguageGuess GuessLanguage(std::string_view text, const std::vector<std::string>& allowed) {
  std::map<std::string, double> score;
  for (const std::string& model : allowed) score[model] = 0;
  int evidence = 0;
  auto add = [&](std::string_view model, double points) {
    auto it = score.find(std::string(model));
    if (it != score.end()) it->second += points;
  };

  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) break;
    const std::string word = Lower(text.substr(start, i - start));
    int owners = 0;
    for (const Vocabulary& v : Vocabularies()) owners += v.words.count(word) ? 1 : 0;
    if (owners == 0) continue;
    ++evidence;
    for (const Vocabulary& v : Vocabularies()) {
      if (v.words.count(word)) add(v.model, 1.0 / owners);
    }
  }
  // Letters: ä and ö are Swedish (and Finnish/German names); æ and ø are Norwegian/Danish.
  for (size_t k = 0; k + 1 < text.size(); ++k) {
    if (static_cast<unsigned char>(text[k]) != 0xC3) continue;
    const unsigned char d = static_cast<unsigned char>(text[k + 1]) | 0x20;
    if (d == 0xA4 || d == 0xB6) {  // ä ö
      add("swe", 1.0);
      ++evidence;
    } else if (d == 0xA6 || d == 0xB8) {  // æ ø
      add("nor", 0.5);
      add("dan", 0.5);
      ++evidence;
    }
  }

  LanguageGuess guess;
  guess.evidence = evidence;
  std::vector<std::pair<double, std::string>> ranked;
  double total = 0;
  for (const auto& [model, points] : score) {
    ranked.emplace_back(points, model);
    total += points;
  }
  if (ranked.empty() || total <= 0) return guess;
  std::sort(ranked.rbegin(), ranked.rend());
  auto same_family = [](const std::string& a, const std::string& b) {
    return (a == "nor" && b == "dan") || (a == "dan" && b == "nor");
  };
  // The runner-up that matters: the best one outside the winner's family.
  double rival = 0;
  for (size_t k = 1; k < ranked.size(); ++k) {
    if (!same_family(ranked[0].second, ranked[k].second)) {
      rival = ranked[k].first;
      break;
    }
  }
  guess.confidence = (ranked[0].first - rival) / total;
  if (evidence >= 4 && ranked[0].first >= 2.0 && ranked[0].first >= 2.0 * rival) {
    guess.model = ranked[0].second;
  }
  return guess;
}

}  // namespace purr::ocr
