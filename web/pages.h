// The review pages: small HTML shells that load /static/review.js, which draws each view from
// the JSON API with DOM text nodes only (no HTML from data is ever parsed), and the static
// files themselves, compiled into the binary (no external fetches, no install step).
#ifndef PURR_WEB_PAGES_H_
#define PURR_WEB_PAGES_H_

#include <string>
#include <vector>

#include "web/review.h"

namespace purr::web {

struct PageContext {
  std::string user;
  std::string role;
  std::string csrf;
};

// `view`: "queue", "letter", "payment", "case", "audit", "users"; `id` the record shown.
Response HtmlPage(const PageContext& ctx, const std::string& view, const std::string& id);
Response HtmlNotFound(const PageContext& ctx);
Response SignInPage();
// /static/review.js, /static/review.css; 404 for anything else.
Response StaticAsset(const std::vector<std::string>& parts);

// HTML-escapes text for an element or a quoted attribute.
std::string Escape(const std::string& text);

}  // namespace purr::web

#endif  // PURR_WEB_PAGES_H_
