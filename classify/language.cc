#include "classify/language.h"

#include <cld2/public/compact_lang_det.h>

#include <algorithm>
#include <string>
#include <unordered_map>

namespace purr::classify {
namespace {

constexpr size_t kMaxBytes = 4 * 1024;  // the start of a letter says enough

// Words used by one language and not by its neighbours (function words and spellings).
struct Marker {
  const char* word;
  Language language;
};
constexpr Marker kMarkers[] = {
    // Bokmål vs Danish and Nynorsk
    {"hva", Language::kNb}, {"nå", Language::kNb}, {"etter", Language::kNb},
    {"noe", Language::kNb}, {"ble", Language::kNb}, {"mye", Language::kNb},
    {"dere", Language::kNb}, {"deres", Language::kNb}, {"vennlig", Language::kNb},
    {"av", Language::kNb}, {"meg", Language::kNb}, {"deg", Language::kNb},
    {"seg", Language::kNb}, {"fikk", Language::kNb}, {"å", Language::kNb},
    {"takk", Language::kNb}, {"ikke", Language::kNb}, {"jeg", Language::kNb},
    {"hvordan", Language::kNb}, {"gjeld", Language::kNb}, {"beløpet", Language::kNb},
    {"mottatt", Language::kNb}, {"kjøpt", Language::kNb}, {"hei", Language::kNb},
    {"betalingen", Language::kNb}, {"uke", Language::kNb}, {"hilsen", Language::kNb},
    // Nynorsk
    {"eg", Language::kNn}, {"ikkje", Language::kNn}, {"kva", Language::kNn},
    {"frå", Language::kNn}, {"berre", Language::kNn}, {"noko", Language::kNn},
    {"ein", Language::kNn}, {"eit", Language::kNn}, {"dykk", Language::kNn},
    {"dykkar", Language::kNn}, {"mykje", Language::kNn}, {"korleis", Language::kNn},
    {"kven", Language::kNn}, {"vere", Language::kNn}, {"helsing", Language::kNn},
    {"me", Language::kNn}, {"heile", Language::kNn}, {"sjølv", Language::kNn},
    {"fekk", Language::kNn}, {"kan", Language::kUnknown},
    // Danish
    {"hvad", Language::kDa}, {"nu", Language::kDa}, {"efter", Language::kDa},
    {"noget", Language::kDa}, {"blev", Language::kDa}, {"meget", Language::kDa},
    {"jer", Language::kDa}, {"jeres", Language::kDa}, {"venlig", Language::kDa},
    {"af", Language::kDa}, {"mig", Language::kDa}, {"dig", Language::kDa},
    {"sig", Language::kDa}, {"fik", Language::kDa}, {"tak", Language::kDa},
    {"gæld", Language::kDa}, {"beløbet", Language::kDa}, {"modtaget", Language::kDa},
    {"købt", Language::kDa}, {"uge", Language::kDa}, {"mine", Language::kDa},
    {"hilsner", Language::kDa}, {"ikke", Language::kDa}, {"jeg", Language::kDa},
    {"være", Language::kDa}, {"også", Language::kDa}, {"at", Language::kDa},
    // Swedish
    {"inte", Language::kSv}, {"jag", Language::kSv}, {"vad", Language::kSv},
    {"hur", Language::kSv}, {"också", Language::kSv}, {"från", Language::kSv},
    {"något", Language::kSv}, {"mycket", Language::kSv}, {"är", Language::kSv},
    {"och", Language::kSv}, {"att", Language::kSv}, {"för", Language::kSv},
    {"hälsningar", Language::kSv}, {"skuld", Language::kSv}, {"beloppet", Language::kSv},
    {"mig", Language::kSv}, {"vill", Language::kSv}, {"ni", Language::kSv},
    {"tack", Language::kSv}, {"betala", Language::kSv}, {"hälsning", Language::kSv},
    {"mina", Language::kSv}, {"mitt", Language::kSv}, {"över", Language::kSv},
    {"enligt", Language::kSv}, {"begär", Language::kSv}, {"ärende", Language::kSv},
    {"kronor", Language::kSv}, {"hej", Language::kSv}, {"skulle", Language::kSv},
    // English
    {"the", Language::kEn}, {"and", Language::kEn}, {"i", Language::kEn},
    {"you", Language::kEn}, {"not", Language::kEn}, {"to", Language::kEn},
    {"of", Language::kEn}, {"is", Language::kEn}, {"have", Language::kEn},
    {"my", Language::kEn}, {"please", Language::kEn}, {"your", Language::kEn},
    {"this", Language::kEn}, {"that", Language::kEn}, {"was", Language::kEn},
};

const std::unordered_multimap<std::string_view, Language>& MarkerTable() {
  static const auto* table = [] {
    auto* t = new std::unordered_multimap<std::string_view, Language>();
    for (const Marker& m : kMarkers) {
      if (m.language != Language::kUnknown) t->emplace(m.word, m.language);
    }
    return t;
  }();
  return *table;
}

bool IsWordByte(unsigned char c) { return (c >= 'a' && c <= 'z') || c >= 0x80; }

// Marker counts per language, indexed by Language.
std::array<double, 6> CountMarkers(std::string_view text, int* words) {
  std::array<double, 6> counts{};
  const auto& table = MarkerTable();
  size_t i = 0;
  *words = 0;
  while (i < text.size()) {
    while (i < text.size() && !IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) break;
    ++*words;
    auto [from, to] = table.equal_range(text.substr(start, i - start));
    for (auto it = from; it != to; ++it) counts[static_cast<size_t>(it->second)] += 1;
  }
  return counts;
}

Language FromCld2(CLD2::Language language) {
  switch (language) {
    case CLD2::NORWEGIAN: return Language::kNb;
    case CLD2::NORWEGIAN_N: return Language::kNn;
    case CLD2::SWEDISH: return Language::kSv;
    case CLD2::DANISH: return Language::kDa;
    case CLD2::ENGLISH: return Language::kEn;
    default: return Language::kUnknown;
  }
}

void Normalise(std::array<double, 6>* scores) {
  double sum = 0;
  for (double s : *scores) sum += s;
  if (sum <= 0) return;
  for (double& s : *scores) s /= sum;
}

size_t ArgMax(const std::array<double, 6>& v) {
  return static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

// The markers and the model name the same language, each with a clear majority.
bool Agree(const std::array<double, 6>& markers, const std::array<double, 6>* model) {
  if (model == nullptr) return false;
  size_t m = ArgMax(markers), p = ArgMax(*model);
  auto norwegian = [](size_t i) {
    return i == static_cast<size_t>(Language::kNb) || i == static_cast<size_t>(Language::kNn);
  };
  bool same = m == p || (norwegian(m) && norwegian(p));
  return same && markers[m] >= 0.6 && (*model)[p] >= 0.8;
}

}  // namespace

LanguageResult DetectLanguage(std::string_view lowered, const std::array<double, 6>* model) {
  std::string_view text = lowered.substr(0, kMaxBytes);
  int words = 0;
  std::array<double, 6> markers = CountMarkers(text, &words);
  if (words < 2) return {Language::kUnknown, 0};
  Normalise(&markers);
  // CLD2 is asked only when the model and the marker words do not agree on one language;
  // when they do, its vote could not change the outcome.
  std::array<double, 6> cld{};
  if (!Agree(markers, model)) {
    bool reliable = false;
    Language cld_language = FromCld2(CLD2::DetectLanguage(
        text.data(), static_cast<int>(text.size()), true, &reliable));
    cld[static_cast<size_t>(cld_language)] = reliable ? 1.0 : 0.5;
  }
  std::array<double, 6> score{};
  for (size_t i = 1; i < score.size(); ++i) {
    score[i] = model != nullptr ? 0.4 * (*model)[i] + 0.4 * markers[i] + 0.2 * cld[i]
                                : 0.65 * markers[i] + 0.35 * cld[i];
  }
  // Nynorsk and Bokmål share most words; settle Norwegian first, then which written form.
  const size_t nb = static_cast<size_t>(Language::kNb), nn = static_cast<size_t>(Language::kNn);
  double norwegian = score[nb] + score[nn];
  std::array<double, 6> grouped = score;
  grouped[nb] = norwegian;
  grouped[nn] = 0;
  size_t best = static_cast<size_t>(std::max_element(grouped.begin(), grouped.end()) - grouped.begin());
  double total = 0;
  for (double s : grouped) total += s;
  if (best == 0 || total <= 0 || grouped[best] <= 0) return {Language::kUnknown, 0};
  double confidence = grouped[best] / total;
  Language language = static_cast<Language>(best);
  if (language == Language::kNb) {
    // Nynorsk when its own words outweigh the Bokmål ones (markers are shares of all hits).
    bool nynorsk = markers[nn] > 0 && markers[nn] >= 0.5 * markers[nb];
    if (model != nullptr && (*model)[nn] > (*model)[nb]) nynorsk = true;
    language = nynorsk ? Language::kNn : Language::kNb;
  }
  if (confidence < 0.3) return {Language::kUnknown, confidence};
  return {language, confidence};
}

}  // namespace purr::classify
