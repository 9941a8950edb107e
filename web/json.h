// The review API's JSON documents (docs/openapi.yaml), built from store records.
#ifndef PURR_WEB_JSON_H_
#define PURR_WEB_JSON_H_

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "store/store.h"

namespace purr::web {

// One follow-up: the keys of `purr followups --json` (id, kind, rule, reasons, deadline,
// priority, letter, payment_id, case, candidates, status), then the queue's: assignee,
// created_at, classes, legal, language, version, due ("overdue", "today", "later", "none"),
// resolved_by, resolved_at, comment.
Poco::JSON::Object::Ptr FollowUpJson(const store::FollowUpRecord& r, const std::string& today);

// A letter with its pages (text in segments marked by the reasons and entities that cover
// them, word boxes of those marks, the page image's URL), classification, follow-ups, holds
// and history.
Poco::JSON::Object::Ptr LetterDetailJson(const store::LetterRecord& letter,
                                         const std::vector<store::FollowUpRecord>& follow_ups,
                                         const std::vector<store::HoldRecord>& holds,
                                         const std::vector<store::AuditRecord>& history,
                                         const std::string& today);
Poco::JSON::Object::Ptr PaymentDetailJson(const store::PaymentRecord& payment,
                                          const std::vector<store::FollowUpRecord>& follow_ups,
                                          const std::vector<store::InvoiceRecord>& invoices,
                                          const std::vector<store::AuditRecord>& history,
                                          const std::string& today);
Poco::JSON::Object::Ptr CaseDetailJson(const store::CaseRecord& c,
                                       const std::vector<store::InvoiceRecord>& invoices,
                                       const std::vector<store::PaymentRecord>& payments,
                                       const std::vector<store::LetterRecord>& letters,
                                       const std::vector<store::HoldRecord>& holds,
                                       const std::vector<store::AuditRecord>& history);
Poco::JSON::Object::Ptr CaseHitJson(const store::CaseHit& hit);
Poco::JSON::Object::Ptr AuditJson(const store::AuditRecord& a);
Poco::JSON::Object::Ptr UserJson(const store::UserRecord& u);  // never the hash

// Compact JSON text of an object.
std::string Stringify(const Poco::JSON::Object::Ptr& o);

// Why a user name is refused (1-64 of letters, digits, ".", "_", "-", "@"), or empty.
std::string UserNameProblem(const std::string& name);

// The classes a clerk may choose.
std::vector<std::string> AllClassNames();

}  // namespace purr::web

#endif  // PURR_WEB_JSON_H_
