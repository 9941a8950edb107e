// Internal to matching/: the reader for one JSON-lines ledger row.
#ifndef PURR_MATCHING_INTERNAL_JSON_LINE_H_
#define PURR_MATCHING_INTERNAL_JSON_LINE_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace purr::matching::internal {

// Parses a line holding one flat JSON object into (name, value) pairs in order. Values:
// strings (escapes and \uXXXX surrogate pairs decoded to UTF-8), integers as their digits,
// true/false as "true"/"false", an array of strings joined with ';'; null fields are left
// out. Returns the reason when the line is anything else (nested objects, fractions, text
// after the object, a malformed string).
std::optional<std::string> ParseFlatJsonObject(
    std::string_view line, std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace purr::matching::internal

#endif  // PURR_MATCHING_INTERNAL_JSON_LINE_H_
