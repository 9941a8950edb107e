// A letter's classification and entities as the JSON the store and `purr batch` keep.
// Reason details and entity values are masked (extract::MaskSensitive / extract::Mask):
// no personal identity or account number is written out in full.
#ifndef PURR_WORKER_LETTER_JSON_H_
#define PURR_WORKER_LETTER_JSON_H_

#include <string>
#include <vector>

#include "classify/classify.h"
#include "extract/entities.h"

namespace purr {

// [{"class", "confidence", "reasons": [{"source", "id", "detail", "spans"?}]}, ...]
std::string ClassificationJson(const classify::Classification& c);
// [{"type", "value" (masked), "valid", "start", "end"}, ...]
std::string EntitiesJson(const std::vector<extract::Entity>& entities);

}  // namespace purr

#endif  // PURR_WORKER_LETTER_JSON_H_
