#include "web/highlight.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>

namespace purr::web {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Poco::Dynamic::Var Parse(const std::string& json) {
  if (json.empty()) return {};
  try {
    Poco::JSON::Parser parser;
    return parser.parse(json);
  } catch (const Poco::Exception&) {
    return {};
  }
}

}  // namespace

std::vector<PageWord> LocateWords(const std::string& page_text, const std::string& words_json) {
  std::vector<PageWord> out;
  Poco::Dynamic::Var parsed = Parse(words_json);
  if (parsed.isEmpty() || parsed.type() != typeid(Array::Ptr)) return out;
  Array::Ptr words = parsed.extract<Array::Ptr>();
  size_t cursor = 0;
  try {
    for (size_t i = 0; i < words->size(); ++i) {
      Array::Ptr w = words->getArray(static_cast<unsigned>(i));
      if (!w || w->size() != 5) continue;
      PageWord word;
      word.x = w->getElement<int>(0);
      word.y = w->getElement<int>(1);
      word.width = w->getElement<int>(2);
      word.height = w->getElement<int>(3);
      word.text = w->getElement<std::string>(4);
      if (!word.text.empty()) {
        // Words come in reading order; a word not found near the cursor (the text was
        // post-processed) keeps no range rather than jumping ahead and losing the rest.
        const size_t at = page_text.find(word.text, cursor);
        if (at != std::string::npos && at - cursor <= 64 + word.text.size()) {
          word.start = at;
          word.end = at + word.text.size();
          cursor = word.end;
        }
      }
      out.push_back(std::move(word));
    }
  } catch (const Poco::Exception&) {
    out.clear();
  }
  return out;
}

std::vector<Mark> MarksOf(const std::string& classification_json,
                          const std::string& entities_json) {
  std::vector<Mark> marks;
  Poco::Dynamic::Var classes = Parse(classification_json);
  try {
    if (!classes.isEmpty() && classes.type() == typeid(Array::Ptr)) {
      Array::Ptr list = classes.extract<Array::Ptr>();
      for (size_t i = 0; i < list->size(); ++i) {
        Object::Ptr c = list->getObject(static_cast<unsigned>(i));
        if (!c) continue;
        const std::string cls = c->optValue<std::string>("class", "");
        Array::Ptr reasons = c->getArray("reasons");
        if (!reasons) continue;
        for (size_t j = 0; j < reasons->size(); ++j) {
          Object::Ptr r = reasons->getObject(static_cast<unsigned>(j));
          if (!r) continue;
          Array::Ptr spans = r->getArray("spans");
          if (!spans) continue;
          for (size_t k = 0; k < spans->size(); ++k) {
            Array::Ptr span = spans->getArray(static_cast<unsigned>(k));
            if (!span || span->size() != 2) continue;
            Mark m;
            m.start = span->getElement<size_t>(0);
            m.end = span->getElement<size_t>(1);
            m.kind = "reason";
            m.label = cls + ": " + r->optValue<std::string>("id", "") + " " +
                      r->optValue<std::string>("detail", "");
            if (m.end > m.start) marks.push_back(std::move(m));
          }
        }
      }
    }
    Poco::Dynamic::Var entities = Parse(entities_json);
    if (!entities.isEmpty() && entities.type() == typeid(Array::Ptr)) {
      Array::Ptr list = entities.extract<Array::Ptr>();
      for (size_t i = 0; i < list->size(); ++i) {
        Object::Ptr e = list->getObject(static_cast<unsigned>(i));
        if (!e) continue;
        Mark m;
        m.start = e->optValue<size_t>("start", 0);
        m.end = e->optValue<size_t>("end", 0);
        m.kind = e->optValue<std::string>("type", "entity");
        m.label = m.kind + ": " + e->optValue<std::string>("value", "");
        if (m.end > m.start) marks.push_back(std::move(m));
      }
    }
  } catch (const Poco::Exception&) {
    // A malformed stored document: show what was read so far.
  }
  return marks;
}

std::vector<PageMarks> PlaceMarks(const std::vector<std::string>& page_texts,
                                  const std::vector<std::vector<PageWord>>& page_words,
                                  const std::vector<Mark>& marks) {
  std::vector<PageMarks> out(page_texts.size());
  size_t offset = 0;
  for (size_t p = 0; p < page_texts.size(); ++p) {
    const size_t begin = offset, end = offset + page_texts[p].size();
    for (size_t m = 0; m < marks.size(); ++m) {
      const size_t s = std::max(marks[m].start, begin), e = std::min(marks[m].end, end);
      if (s >= e) continue;
      out[p].runs.push_back({s - begin, e - begin, m});
      if (p < page_words.size()) {
        for (const PageWord& w : page_words[p]) {
          if (w.start == std::string::npos) continue;
          if (w.start < e - begin && w.end > s - begin) {
            out[p].boxes.push_back({w.x, w.y, w.width, w.height, m});
          }
        }
      }
    }
    offset = end + 2;  // the blank line between pages
  }
  return out;
}

}  // namespace purr::web
