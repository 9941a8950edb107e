#include "worker/corrections.h"

#include <map>

#include "store/store.h"

namespace purr {

Result<std::vector<LabelledLetter>> ReadCorrectedLetters(const std::string& db_path,
                                                         const std::string& split) {
  Result<std::unique_ptr<store::Store>> s =
      store::OpenStore(store::StoreOptions{db_path, 10000, 1, nullptr});
  if (!s.ok()) return s.status();
  std::vector<LabelledLetter> out;
  Status read = (*s)->Read([&](store::Txn& txn) {
    // The last correction of each letter is what the clerks settled on.
    std::map<int64_t, store::CorrectionRecord> last;
    for (store::CorrectionRecord& c : txn.Corrections()) last[c.letter_id] = std::move(c);
    for (const auto& [id, c] : last) {
      const std::string letter_split = id % 5 == 0 ? "test" : "train";
      if (split != "all" && split != letter_split) continue;
      std::optional<store::LetterRecord> letter = txn.GetLetter(id);
      if (!letter) continue;
      LabelledLetter l;
      l.split = letter_split;
      l.example.name = "letter:" + std::to_string(id) + " (" + letter->file + ")";
      for (const store::PageRecord& p : letter->pages) {
        if (!l.example.text.empty()) l.example.text += "\n\n";
        l.example.text += p.text;
      }
      l.example.language = classify::ParseLanguage(letter->language);
      l.example.legal =
          classify::ParseLegalCategory(letter->legal).value_or(classify::LegalCategory::kNone);
      for (const std::string& name : c.classes_after) {
        if (std::optional<classify::Class> cls = classify::ParseClass(name)) {
          l.example.classes.push_back(*cls);
        }
      }
      if (l.example.classes.empty() || l.example.text.empty()) continue;
      out.push_back(std::move(l));
    }
  });
  if (!read.ok()) return read;
  return out;
}

}  // namespace purr
