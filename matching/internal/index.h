// Internal to matching/: the hash indexes behind Matcher (no pairwise scans).
#ifndef PURR_MATCHING_INTERNAL_INDEX_H_
#define PURR_MATCHING_INTERNAL_INDEX_H_

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "matching/internal/engine.h"

namespace purr::matching::internal {

uint64_t HashKey(std::string_view key);

// A static multimap from 64-bit key hashes to invoice indices, laid out as buckets in two
// flat arrays (8 bytes per entry plus 4 per bucket). Lookups return every value whose key
// hash falls into the same bucket with the same 32-bit fingerprint: a superset that callers
// verify. Immutable after construction; safe to share between threads.
class HashIndex {
 public:
  using Emit = std::function<void(uint64_t hash, uint32_t value)>;
  // Calls `each(emit)` once to collect the entries.
  explicit HashIndex(const std::function<void(const Emit&)>& each);
  HashIndex() = default;

  void Find(uint64_t hash, std::vector<uint32_t>& out) const;
  size_t size() const { return entries_.size(); }

 private:
  size_t Bucket(uint64_t hash) const { return static_cast<size_t>(hash >> shift_); }
  static uint32_t Fingerprint(uint64_t hash) { return static_cast<uint32_t>(hash); }

  int shift_ = 63;
  std::vector<uint32_t> starts_;        // bucket b is [starts_[b], starts_[b + 1])
  struct Entry {
    uint32_t fingerprint;
    uint32_t value;
  };
  std::vector<Entry> entries_;
};

// CandidateSource over HashIndexes, including the deletion-neighbourhood index: every
// reference and each of its one-character deletions is indexed, so two strings within one
// Damerau edit share a key (substitution and transposition: a deletion of each; insertion
// and deletion: one string and a deletion of the other).
class IndexedSource : public CandidateSource {
 public:
  explicit IndexedSource(const LedgerData& ledger);

  void ByReference(std::string_view ref, std::vector<uint32_t>& out) const override;
  void ByStrippedReference(std::string_view stripped, std::vector<uint32_t>& out) const override;
  void ByOneEdit(std::string_view ref, std::vector<uint32_t>& out) const override;
  void ByInvoiceNumber(std::string_view key, std::vector<uint32_t>& out) const override;
  void ByCase(std::string_view key, std::vector<uint32_t>& out) const override;
  void ByCustomer(std::string_view customer, std::vector<uint32_t>& out) const override;
  void ByPayerAccount(std::string_view canonical, std::vector<uint32_t>& out) const override;
  void ByNameKey(std::string_view key, std::vector<uint32_t>& out) const override;
  void ByNameAndAmount(std::string_view key, int64_t amount,
                       std::vector<uint32_t>& out) const override;

  size_t deletion_entries() const { return deletions_.size(); }

 private:
  HashIndex refs_, stripped_, deletions_, invoices_, cases_, customers_, accounts_, names_,
      names_amounts_;
};

}  // namespace purr::matching::internal

#endif  // PURR_MATCHING_INTERNAL_INDEX_H_
