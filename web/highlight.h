// Which OCR words and which text to highlight on a letter's review page.
//
// The classifier's reasons and the extracted references, amounts and dates point at byte
// ranges of the letter's text, which is its pages' texts joined by a blank line ("\n\n", as
// the worker reads scans and e-mails). A page's words carry boxes in the normalised page's
// pixels; each word is found in the page's text in reading order, so a range of the text
// maps onto the words that overlap it. Pure functions, no I/O.
#ifndef PURR_WEB_HIGHLIGHT_H_
#define PURR_WEB_HIGHLIGHT_H_

#include <cstddef>
#include <string>
#include <vector>

namespace purr::web {

// A range of the letter's text worth showing: a classification reason or an entity.
struct Mark {
  size_t start = 0, end = 0;  // bytes of the letter's text, end exclusive
  std::string kind;           // "reason" or the entity type ("invoice", "amount", "date", ...)
  std::string label;          // what the page says about it
};

struct PageWord {
  int x = 0, y = 0, width = 0, height = 0;
  std::string text;
  size_t start = std::string::npos, end = std::string::npos;  // in the page's text; npos: not found
};

// Parses a page's words JSON ([[x, y, w, h, "text"], ...]) and finds each word in
// `page_text`. Malformed JSON gives no words.
std::vector<PageWord> LocateWords(const std::string& page_text, const std::string& words_json);

// The marks and classification reasons of a stored letter: reasons with spans from the
// classification JSON, entities from the entities JSON. Malformed JSON gives none.
std::vector<Mark> MarksOf(const std::string& classification_json,
                          const std::string& entities_json);

struct PageMarks {
  struct Box {
    int x = 0, y = 0, width = 0, height = 0;  // normalised page pixels
    size_t mark = 0;                          // index into the marks
  };
  struct Run {
    size_t start = 0, end = 0;  // in the page's text
    size_t mark = 0;
  };
  std::vector<Box> boxes;
  std::vector<Run> runs;
};

// For each page (its text and words), the boxes and text runs of the marks that fall on it.
std::vector<PageMarks> PlaceMarks(const std::vector<std::string>& page_texts,
                                  const std::vector<std::vector<PageWord>>& page_words,
                                  const std::vector<Mark>& marks);

}  // namespace purr::web

#endif  // PURR_WEB_HIGHLIGHT_H_
