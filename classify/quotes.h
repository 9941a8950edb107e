// Quoted text in a letter: words the writer repeats from someone else (internal to classify/).
//
// Debtors quote the agency's own letters ("you wrote: 'the estate of ...'", "> Du kan komme
// med innsigelser innen 14 dager") and reply above earlier e-mails. A rule that matches only
// inside such text says what someone else wrote, not what the writer asks for
// (domain.md D.7), so the classifier does not count it as the writer's statement; a halt
// class seen only there still sends the letter to a human.
#ifndef PURR_CLASSIFY_QUOTES_H_
#define PURR_CLASSIFY_QUOTES_H_

#include <string_view>
#include <vector>

#include "classify/classify.h"

namespace purr::classify {

// Byte ranges of `text` (sorted, not overlapping) that are quoted:
//  - lines whose first non-blank character is '>';
//  - everything after a reply or forward header that follows some text of the writer's own:
//    "-----Original Message-----" and its Nordic forms, "On <date> <name> wrote:" /
//    "Den ... skrev:", or a "From:/Fra:/Från:" line followed by a "Sent:/Sendt:/Skickat:" or
//    "Date:/Dato:/Datum:" line;
//  - a block of two or more indented lines after a line ending in ':' (a pasted letter);
//  - text between quotation marks (" ", “ ”, „ “, ” ”, « », » «) that close within the same
//    paragraph and within 400 bytes.
std::vector<Span> QuotedRegions(std::string_view text);

// True when [span.start, span.end) lies inside one of `regions` (as returned above).
bool InsideAny(const std::vector<Span>& regions, Span span);

}  // namespace purr::classify

#endif  // PURR_CLASSIFY_QUOTES_H_
