#include "worker/letter_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace purr {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string Stringify(const Array::Ptr& a) {
  std::ostringstream out;
  a->stringify(out);
  return out.str();
}

}  // namespace

std::string ClassificationJson(const classify::Classification& c) {
  Array::Ptr classes = new Array;
  for (const classify::ClassResult& r : c.classes) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("class", std::string(classify::ClassName(r.cls)));
    o->set("confidence", static_cast<double>(static_cast<int>(r.confidence * 1000)) / 1000);
    Array::Ptr reasons = new Array;
    for (const classify::Reason& why : r.reasons) {
      Object::Ptr w = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      w->set("source", why.source);
      w->set("id", why.id);
      w->set("detail", extract::MaskSensitive(why.detail));
      if (!why.spans.empty()) {
        Array::Ptr spans = new Array;
        for (const classify::Span& span : why.spans) {
          Array::Ptr pair = new Array;
          pair->add(static_cast<uint64_t>(span.start));
          pair->add(static_cast<uint64_t>(span.end));
          spans->add(pair);
        }
        w->set("spans", spans);
      }
      reasons->add(w);
    }
    o->set("reasons", reasons);
    classes->add(o);
  }
  return Stringify(classes);
}

std::string EntitiesJson(const std::vector<extract::Entity>& entities) {
  Array::Ptr out = new Array;
  for (const extract::Entity& e : entities) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("type", e.type);
    o->set("value", extract::Mask(e));
    o->set("valid", e.valid);
    o->set("start", static_cast<uint64_t>(e.start));
    o->set("end", static_cast<uint64_t>(e.end));
    out->add(o);
  }
  return Stringify(out);
}

}  // namespace purr
