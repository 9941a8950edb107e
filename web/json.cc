#include "web/json.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "classify/classify.h"
#include "web/highlight.h"

namespace purr::web {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr NewObject() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Array::Ptr Strings(const std::vector<std::string>& values) {
  Array::Ptr a = new Array;
  for (const std::string& v : values) a->add(v);
  return a;
}

Poco::Dynamic::Var OrNull(const std::string& s) {
  if (s.empty()) return Poco::Dynamic::Var();
  return s;
}

// Stored JSON as a value (null when empty or malformed).
Poco::Dynamic::Var Parsed(const std::string& json) {
  if (json.empty()) return Poco::Dynamic::Var();
  try {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    return parser.parse(json);
  } catch (const Poco::Exception&) {
    return Poco::Dynamic::Var();
  }
}

std::string Due(const std::string& deadline, const std::string& today) {
  if (deadline.empty()) return "none";
  if (deadline < today) return "overdue";
  if (deadline == today) return "today";
  return "later";
}

// Moves a byte offset back to the start of a UTF-8 character.
size_t CharStart(const std::string& s, size_t i) {
  while (i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return std::min(i, s.size());
}

// The page's text cut at every mark boundary, each piece with the marks covering it.
Array::Ptr Segments(const std::string& text, const std::vector<PageMarks::Run>& runs) {
  std::set<size_t> cuts = {0, text.size()};
  for (const PageMarks::Run& r : runs) {
    cuts.insert(CharStart(text, r.start));
    cuts.insert(CharStart(text, r.end));
  }
  Array::Ptr out = new Array;
  for (auto it = cuts.begin(); std::next(it) != cuts.end(); ++it) {
    const size_t a = *it, b = *std::next(it);
    if (a >= b) continue;
    Object::Ptr seg = NewObject();
    seg->set("text", text.substr(a, b - a));
    Array::Ptr marks = new Array;
    std::set<size_t> seen;
    for (const PageMarks::Run& r : runs) {
      if (CharStart(text, r.start) <= a && CharStart(text, r.end) >= b && seen.insert(r.mark).second) {
        marks->add(r.mark);
      }
    }
    seg->set("marks", marks);
    out->add(seg);
  }
  return out;
}

Array::Ptr History(const std::vector<store::AuditRecord>& history) {
  Array::Ptr out = new Array;
  for (const store::AuditRecord& a : history) out->add(AuditJson(a));
  return out;
}

Array::Ptr FollowUps(const std::vector<store::FollowUpRecord>& follow_ups,
                     const std::string& today) {
  Array::Ptr out = new Array;
  for (const store::FollowUpRecord& f : follow_ups) out->add(FollowUpJson(f, today));
  return out;
}

Array::Ptr Holds(const std::vector<store::HoldRecord>& holds) {
  Array::Ptr out = new Array;
  for (const store::HoldRecord& h : holds) {
    Object::Ptr o = NewObject();
    o->set("id", h.id);
    o->set("case", h.case_id);
    o->set("letter_id", h.letter_id);
    o->set("reason", h.reason);
    o->set("rule", h.rule_id);
    o->set("created_at", h.created_at);
    o->set("active", h.released_at.empty());
    o->set("released_at", OrNull(h.released_at));
    o->set("released_by", OrNull(h.released_by));
    out->add(o);
  }
  return out;
}

Object::Ptr InvoiceJson(const store::InvoiceRecord& i) {
  Object::Ptr o = NewObject();
  o->set("invoice", i.invoice);
  o->set("case", i.case_id);
  o->set("customer", i.customer);
  o->set("reference", i.reference);
  o->set("original_minor", i.original_minor);
  o->set("open_minor", i.open_minor);
  o->set("currency", i.currency);
  o->set("due_date", i.due_date);
  o->set("status", i.status);
  o->set("blocking", i.blocking);
  return o;
}

Object::Ptr PaymentJson(const store::PaymentRecord& p) {
  Object::Ptr o = NewObject();
  o->set("payment_id", p.payment_id);
  o->set("file", p.file);
  o->set("amount_minor", p.amount_minor);
  o->set("currency", p.currency);
  o->set("booking_date", p.booking_date);
  o->set("references", Strings(p.references));
  o->set("text", p.text);
  o->set("payer", p.payer);
  o->set("direction", p.direction);
  o->set("reversal", p.reversal);
  o->set("decision", p.decision);
  o->set("disposition", p.disposition);
  o->set("unapplied_minor", p.unapplied_minor);
  o->set("customer", p.customer);
  o->set("case", p.case_id);
  Array::Ptr allocations = new Array;
  for (const store::AllocationRecord& a : p.allocations) {
    Object::Ptr ao = NewObject();
    ao->set("invoice", a.invoice);
    ao->set("amount_minor", a.amount_minor);
    allocations->add(ao);
  }
  o->set("allocations", allocations);
  return o;
}

}  // namespace

Object::Ptr FollowUpJson(const store::FollowUpRecord& r, const std::string& today) {
  const cases::FollowUp& f = r.follow_up;
  Object::Ptr o = NewObject();
  o->set("id", r.id);
  o->set("kind", f.kind);
  o->set("rule", f.rule_id);
  o->set("reasons", Strings(f.reasons));
  o->set("deadline", OrNull(f.deadline));
  o->set("priority", f.priority);
  if (r.letter_id > 0) {
    Object::Ptr letter = NewObject();
    letter->set("id", r.letter_id);
    letter->set("file", r.letter_file);
    o->set("letter", letter);
  } else {
    o->set("letter", Poco::Dynamic::Var());
  }
  o->set("payment_id", OrNull(r.payment_id));
  o->set("case", OrNull(f.case_id));
  o->set("candidates", Strings(f.candidates));
  o->set("status", r.status);
  o->set("assignee", OrNull(r.assignee));
  o->set("created_at", r.created_at);
  o->set("classes", Strings(r.classes));
  o->set("legal", OrNull(r.legal));
  o->set("language", OrNull(r.language));
  o->set("version", r.version);
  o->set("due", Due(f.deadline, today));
  o->set("resolved_by", OrNull(r.resolved_by));
  o->set("resolved_at", OrNull(r.resolved_at));
  o->set("comment", OrNull(r.comment));
  return o;
}

Object::Ptr LetterDetailJson(const store::LetterRecord& l,
                             const std::vector<store::FollowUpRecord>& follow_ups,
                             const std::vector<store::HoldRecord>& holds,
                             const std::vector<store::AuditRecord>& history,
                             const std::string& today) {
  Object::Ptr o = NewObject();
  o->set("id", l.id);
  o->set("file", l.file);
  o->set("received", l.received);
  o->set("kind", l.kind);
  o->set("language", l.language);
  o->set("classes", Strings(l.classes));
  o->set("legal", l.legal);
  o->set("jurisdiction", l.jurisdiction);
  o->set("deadline", OrNull(l.deadline));
  o->set("statute", OrNull(l.statute));
  o->set("needs_human", l.needs_human);
  o->set("needs_human_reasons", Strings(l.needs_human_reasons));
  o->set("case", OrNull(l.case_id));
  o->set("status", l.status);
  o->set("model_version", l.model_version);
  o->set("rules_version", l.rules_version);
  o->set("classification", Parsed(l.classification_json));
  o->set("entities", Parsed(l.entities_json));

  const std::vector<Mark> marks = MarksOf(l.classification_json, l.entities_json);
  std::vector<std::string> texts;
  std::vector<std::vector<PageWord>> words;
  for (const store::PageRecord& p : l.pages) {
    texts.push_back(p.text);
    words.push_back(LocateWords(p.text, p.words_json));
  }
  const std::vector<PageMarks> placed = PlaceMarks(texts, words, marks);
  Array::Ptr mark_list = new Array;
  for (const Mark& m : marks) {
    Object::Ptr mo = NewObject();
    mo->set("kind", m.kind);
    mo->set("label", m.label);
    mark_list->add(mo);
  }
  o->set("marks", mark_list);
  Array::Ptr pages = new Array;
  for (size_t i = 0; i < l.pages.size(); ++i) {
    const store::PageRecord& p = l.pages[i];
    Object::Ptr po = NewObject();
    po->set("page", p.page);
    po->set("confidence", p.confidence);
    po->set("width", p.width);
    po->set("height", p.height);
    po->set("image", p.image_path.empty() ? Poco::Dynamic::Var()
                                          : Poco::Dynamic::Var("/api/v1/letters/" +
                                                               std::to_string(l.id) + "/pages/" +
                                                               std::to_string(p.page) + ".png"));
    po->set("image_scale", p.image_scale);
    po->set("segments", Segments(p.text, placed[i].runs));
    Array::Ptr boxes = new Array;
    for (const PageMarks::Box& b : placed[i].boxes) {
      Array::Ptr box = new Array;
      box->add(b.x);
      box->add(b.y);
      box->add(b.width);
      box->add(b.height);
      box->add(b.mark);
      boxes->add(box);
    }
    po->set("boxes", boxes);
    pages->add(po);
  }
  o->set("pages", pages);
  o->set("follow_ups", FollowUps(follow_ups, today));
  o->set("holds", Holds(holds));
  o->set("history", History(history));
  return o;
}

Object::Ptr PaymentDetailJson(const store::PaymentRecord& p,
                              const std::vector<store::FollowUpRecord>& follow_ups,
                              const std::vector<store::InvoiceRecord>& invoices,
                              const std::vector<store::AuditRecord>& history,
                              const std::string& today) {
  Object::Ptr o = PaymentJson(p);
  o->set("reasons", Parsed(p.reasons_json));
  o->set("candidates", Parsed(p.candidates_json));
  Array::Ptr open = new Array;
  for (const store::InvoiceRecord& i : invoices) {
    if (i.open_minor > 0) open->add(InvoiceJson(i));
  }
  o->set("open_invoices", open);
  o->set("follow_ups", FollowUps(follow_ups, today));
  o->set("history", History(history));
  return o;
}

Object::Ptr CaseDetailJson(const store::CaseRecord& c,
                           const std::vector<store::InvoiceRecord>& invoices,
                           const std::vector<store::PaymentRecord>& payments,
                           const std::vector<store::LetterRecord>& letters,
                           const std::vector<store::HoldRecord>& holds,
                           const std::vector<store::AuditRecord>& history) {
  Object::Ptr o = NewObject();
  o->set("case", c.case_id);
  o->set("customer", c.customer);
  o->set("flag", c.flag);
  Array::Ptr inv = new Array;
  for (const store::InvoiceRecord& i : invoices) inv->add(InvoiceJson(i));
  o->set("invoices", inv);
  Array::Ptr pay = new Array;
  for (const store::PaymentRecord& p : payments) pay->add(PaymentJson(p));
  o->set("payments", pay);
  Array::Ptr let = new Array;
  for (const store::LetterRecord& l : letters) {
    Object::Ptr lo = NewObject();
    lo->set("id", l.id);
    lo->set("file", l.file);
    lo->set("received", l.received);
    lo->set("classes", Strings(l.classes));
    lo->set("legal", l.legal);
    lo->set("status", l.status);
    let->add(lo);
  }
  o->set("letters", let);
  o->set("holds", Holds(holds));
  o->set("history", History(history));
  return o;
}

Object::Ptr CaseHitJson(const store::CaseHit& h) {
  Object::Ptr o = NewObject();
  o->set("case", h.case_id);
  o->set("customer", h.customer);
  o->set("customer_name", h.customer_name);
  o->set("matched", h.matched);
  return o;
}

Object::Ptr AuditJson(const store::AuditRecord& a) {
  Object::Ptr o = NewObject();
  o->set("id", a.id);
  o->set("at", a.at);
  o->set("actor", a.actor);
  o->set("subject", a.subject);
  o->set("action", a.action);
  o->set("rule", a.rule_id);
  o->set("reason", a.reason);
  o->set("score", a.score ? Poco::Dynamic::Var(*a.score) : Poco::Dynamic::Var());
  o->set("before", Parsed(a.before));
  o->set("after", Parsed(a.after));
  return o;
}

Object::Ptr UserJson(const store::UserRecord& u) {
  Object::Ptr o = NewObject();
  o->set("name", u.name);
  o->set("role", u.role);
  o->set("disabled", u.disabled);
  o->set("created_at", u.created_at);
  o->set("updated_at", u.updated_at);
  return o;
}

std::string Stringify(const Object::Ptr& o) {
  std::ostringstream out;
  o->stringify(out);
  return out.str();
}

std::string UserNameProblem(const std::string& name) {
  if (name.empty() || name.size() > 64) return "a user name has 1 to 64 characters";
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '@';
    if (!ok) return "a user name may hold letters, digits and . _ - @ only";
  }
  return "";
}

std::vector<std::string> AllClassNames() {
  std::vector<std::string> out;
  for (classify::Class c : classify::kAllClasses) out.push_back(classify::ClassName(c));
  return out;
}

}  // namespace purr::web
