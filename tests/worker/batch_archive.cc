#include "tests/worker/batch_archive.h"

#include <Poco/DigestEngine.h>
#include <Poco/MD5Engine.h>
#include <Poco/SHA2Engine.h>
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "tests/ocr/test_files.h"

namespace purr::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kZipSeparator = "!/";

// 09:00 UTC on a day: when the post room stamped the letter.
time_t Day(int year, int month, int day) {
  std::tm tm = {};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = 9;
  return timegm(&tm);
}

std::string Sha256(const std::string& bytes) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  sha.update(bytes.data(), bytes.size());
  return Poco::DigestEngine::digestToHex(sha.digest());
}

void WriteFile(const fs::path& path, const std::string& bytes, time_t mtime) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
  const struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
  if (!fs::exists(path) || fs::file_size(path) != bytes.size() ||
      ::utimensat(AT_FDCWD, path.c_str(), times, 0) != 0) {
    ADD_FAILURE() << "cannot write " << path;
  }
}

struct ZipMember {
  std::string name;  // inside the zip: "box 2/sub/b.tif"
  const std::string* bytes;
  time_t mtime;
};

struct ArchiveWriterDeleter {
  void operator()(struct archive* zip) const { archive_write_free(zip); }
};
struct EntryDeleter {
  void operator()(struct archive_entry* entry) const { archive_entry_free(entry); }
};

// One zip entry: a folder when `bytes` is null.
bool WriteEntry(struct archive* zip, const std::string& name, const std::string* bytes,
                time_t mtime) {
  std::unique_ptr<struct archive_entry, EntryDeleter> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), name.c_str());
  archive_entry_set_filetype(entry.get(), bytes ? AE_IFREG : AE_IFDIR);
  archive_entry_set_perm(entry.get(), bytes ? 0644 : 0755);
  archive_entry_set_size(entry.get(), bytes ? static_cast<la_int64_t>(bytes->size()) : 0);
  archive_entry_set_mtime(entry.get(), mtime, 0);
  if (archive_write_header(zip, entry.get()) != ARCHIVE_OK) return false;
  return !bytes || archive_write_data(zip, bytes->data(), bytes->size()) ==
                       static_cast<la_ssize_t>(bytes->size());
}

// A zip as Windows' "Send to compressed folder" makes one: an entry for every
// folder, then the files, in name order.
void WriteZip(const fs::path& path, std::vector<ZipMember> members, time_t mtime) {
  std::sort(members.begin(), members.end(),
            [](const ZipMember& a, const ZipMember& b) { return a.name < b.name; });
  std::set<std::string> folders;
  for (const ZipMember& m : members) {
    for (size_t slash = m.name.find('/'); slash != std::string::npos;
         slash = m.name.find('/', slash + 1)) {
      folders.insert(m.name.substr(0, slash + 1));
    }
  }
  fs::create_directories(path.parent_path());
  std::unique_ptr<struct archive, ArchiveWriterDeleter> zip(archive_write_new());
  bool ok = archive_write_set_format_zip(zip.get()) == ARCHIVE_OK &&
            archive_write_open_filename(zip.get(), path.c_str()) == ARCHIVE_OK;
  for (const std::string& folder : folders) {
    ok = ok && WriteEntry(zip.get(), folder, nullptr, mtime);
  }
  for (const ZipMember& m : members) ok = ok && WriteEntry(zip.get(), m.name, m.bytes, m.mtime);
  ok = ok && archive_write_close(zip.get()) == ARCHIVE_OK;
  if (!ok) ADD_FAILURE() << "cannot write " << path << ": " << archive_error_string(zip.get());
  const struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
  ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

// Collects the archive's files with what purr must say about each, then writes
// them.
class ArchiveBuilder {
 public:
  explicit ArchiveBuilder(fs::path root) : root_(std::move(root)) {}

  // A committed scan with `pages` pages for Tesseract.
  void Scan(const std::string& path, const std::string& fixture, int pages, time_t mtime) {
    Add(path, ReadFile(Repo(fixture)), "done", mtime).pages = pages;
    files_.back().expected.ocr_pages = pages;
  }
  // A one-page PDF whose text layer shows `text`: read without OCR.
  void Typed(const std::string& path, const std::string& text, time_t mtime) {
    Add(path, MakeTextPdf(text), "done", mtime).pages = 1;
  }
  void Unreadable(const std::string& path, std::string bytes, time_t mtime) {
    Add(path, std::move(bytes), "failed", mtime);
  }
  void NotAScan(const std::string& path, std::string bytes, time_t mtime) {
    Add(path, std::move(bytes), "skipped", mtime);
  }
  // The bytes of the earlier `original` again under `path`.
  void Copy(const std::string& path, const std::string& original, time_t mtime) {
    const File* first = Find(original);
    if (!first || !(original < path)) {
      ADD_FAILURE() << "a copy needs an original before it: " << original;
      return;
    }
    std::string bytes = first->bytes;
    Add(path, std::move(bytes), "duplicate", mtime).duplicate_of = original;
  }
  void Hidden(const std::string& path, std::string bytes, time_t mtime) {
    Add(path, std::move(bytes), "", mtime);
    files_.back().hidden = true;
  }

  TestArchive Write() {
    TestArchive archive;
    archive.root = root_.string();
    std::map<std::string, std::vector<ZipMember>> zips;
    std::map<std::string, time_t> zip_mtimes;
    for (const File& f : files_) {
      const std::string& path = f.expected.path;
      const size_t bang = path.find(kZipSeparator);
      if (bang == std::string::npos) {
        WriteFile(root_ / path, f.bytes, f.mtime);
      } else {
        const std::string container = path.substr(0, bang);
        zips[container].push_back({path.substr(bang + kZipSeparator.size()), &f.bytes, f.mtime});
        zip_mtimes[container] = std::max(zip_mtimes[container], f.mtime);
      }
      if (f.hidden) {
        archive.hidden.push_back(path);
      } else {
        archive.documents.push_back(f.expected);
      }
    }
    for (auto& [container, members] : zips) {
      WriteZip(root_ / container, std::move(members), zip_mtimes[container]);
    }
    std::sort(archive.documents.begin(), archive.documents.end(),
              [](const ExpectedDocument& a, const ExpectedDocument& b) { return a.path < b.path; });
    return archive;
  }

 private:
  struct File {
    ExpectedDocument expected;
    std::string bytes;
    time_t mtime = 0;
    bool hidden = false;
  };

  ExpectedDocument& Add(const std::string& path, std::string bytes, const std::string& status,
                        time_t mtime) {
    File f;
    f.expected.path = path;
    f.expected.status = status;
    f.expected.sha256 = Sha256(bytes);
    f.bytes = std::move(bytes);
    f.mtime = mtime;
    files_.push_back(std::move(f));
    return files_.back().expected;
  }
  const File* Find(const std::string& path) const {
    for (const File& f : files_) {
      if (f.expected.path == path) return &f;
    }
    return nullptr;
  }

  fs::path root_;
  std::vector<File> files_;
};

// ---- A password-protected PDF ----

std::string Md5(const std::string& bytes) {
  Poco::MD5Engine md5;
  md5.update(bytes.data(), bytes.size());
  const Poco::DigestEngine::Digest& d = md5.digest();
  return std::string(d.begin(), d.end());
}

std::string Rc4(const std::string& key, const std::string& data) {
  unsigned char s[256];
  for (int i = 0; i < 256; ++i) s[i] = static_cast<unsigned char>(i);
  for (int i = 0, j = 0; i < 256; ++i) {
    j = (j + s[i] + static_cast<unsigned char>(key[static_cast<size_t>(i) % key.size()])) % 256;
    std::swap(s[i], s[j]);
  }
  std::string out = data;
  for (size_t n = 0, i = 0, j = 0; n < out.size(); ++n) {
    i = (i + 1) % 256;
    j = (j + s[i]) % 256;
    std::swap(s[i], s[j]);
    out[n] = static_cast<char>(static_cast<unsigned char>(out[n]) ^ s[(s[i] + s[j]) % 256]);
  }
  return out;
}

std::string Hex(const std::string& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// A one-page PDF showing `text`, encrypted with the standard security handler (revision 2,
// RC4 40-bit) and a user password, as a scanning vendor's "protected" export is: a reader
// asks for the password before it shows anything (pdftotext -upw PASSWORD reads it).
std::string MakeEncryptedPdf(const std::string& text, const std::string& user_password) {
  static const unsigned char kPad[32] = {
      0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E,
      0x56, 0xFF, 0xFA, 0x01, 0x08, 0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68,
      0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A};
  const std::string pad(reinterpret_cast<const char*>(kPad), sizeof kPad);
  auto padded = [&](const std::string& pw) { return (pw + pad).substr(0, 32); };
  const int32_t permissions = -44;
  std::string p_bytes(4, '\0');
  for (int i = 0; i < 4; ++i) {
    p_bytes[static_cast<size_t>(i)] =
        static_cast<char>((static_cast<uint32_t>(permissions) >> (8 * i)) & 0xFF);
  }
  const std::string id = Md5("purr batch test");
  const std::string owner = Rc4(Md5(padded("owner")).substr(0, 5), padded(user_password));
  const std::string key = Md5(padded(user_password) + owner + p_bytes + id).substr(0, 5);
  const std::string user = Rc4(key, pad);
  const std::string content = "BT /F1 12 Tf 72 720 Td (" + text + ") Tj ET";
  // Object 4's key: the file key, the object number (3 bytes) and generation (2 bytes).
  const std::string object_key = Md5(key + std::string("\x04\x00\x00\x00\x00", 5)).substr(0, 10);
  const std::string stream = Rc4(object_key, content);
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
      "/Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream + "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
      "<< /Filter /Standard /V 1 /R 2 /O <" + Hex(owner) + "> /U <" + Hex(user) +
          "> /P " + std::to_string(permissions) + " >>",
  };
  return AssemblePdf(objects, "/Encrypt 6 0 R /ID [<" + Hex(id) + "> <" + Hex(id) + ">]");
}

const char kNotes[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<notater><notat dato=\"2019-03-20\">Eske 1 og 2 sendt til "
    "skanning.</notat></notater>\n";

}  // namespace

int TestArchive::OcrPages() const {
  int pages = 0;
  for (const ExpectedDocument& d : documents) {
    if (d.status == "done") pages += d.ocr_pages;
  }
  return pages;
}

std::vector<std::string> TestArchive::PathsWith(const std::string& status) const {
  std::vector<std::string> paths;
  for (const ExpectedDocument& d : documents) {
    if (d.status == status) paths.push_back(d.path);
  }
  return paths;
}

const ExpectedDocument* TestArchive::Find(const std::string& path) const {
  for (const ExpectedDocument& d : documents) {
    if (d.path == path) return &d;
  }
  return nullptr;
}

TestArchive MakeTestArchive(const std::string& dir) {
  ArchiveBuilder b(fs::path(dir) / "archive");
  const std::string kScans = "fixtures/scans/";
  b.Hidden("2019/.DS_Store", std::string("\0\0\0\1Bud1", 8), Day(2019, 3, 1));
  b.NotAScan("2019/03/notes, mars & april.xml", kNotes, Day(2019, 3, 20));
  b.Scan("2019/03/nb_001_dispute_telecom.png", kScans + "clean300/nb_001_dispute_telecom.png", 1,
         Day(2019, 3, 14));
  b.Scan("2019/03/sv_031_preskription_mobil.tif", kScans + "fax200/sv_031_preskription_mobil.tif",
         1, Day(2019, 3, 18));
  b.Scan("2019/11/en_034_spam_crypto.tif", kScans + "fax200/en_034_spam_crypto.tif", 1,
         Day(2019, 11, 20));
  b.Scan("2019/11/nb_033_lawyer_estate_proclamation.tif",
         kScans + "multipage/nb_033_lawyer_estate_proclamation.tif", 2, Day(2019, 11, 4));
  // ASCII only (MakeTextPdf's Helvetica has no å) and one line that fits the
  // page, yet Norwegian enough not to be taken for Danish.
  const std::string typed =
      "Hei. Jeg bestrider kravet i faktura 4471 fullt ut, jeg sa opp "
      "abonnementet i januar.";
  b.Typed("2020/02/bestridelse_faktura_4471.pdf", typed, Day(2020, 2, 3));
  b.Scan("2020/02/nb_033_lawyer_estate_proclamation.pdf",
         kScans + "multipage/nb_033_lawyer_estate_proclamation.pdf", 2, Day(2020, 2, 10));
  b.Scan("2020/05/nb_029_deferral_sick_leave.jpg", kScans + "jpeg/nb_029_deferral_sick_leave.jpg",
         1, Day(2020, 5, 6));
  // A scan cut off in transfer: the TIFF header promises a directory that is
  // not there.
  std::string cut = ReadFile(Repo(kScans + "fax200/nb_036_partial_payment_proof.tif"));
  cut.resize(std::min<size_t>(cut.size(), 300));
  b.Unreadable("2020/05/skanning 0042 & 0043.tif", cut, Day(2020, 5, 7));
  b.Unreadable("2020/05/tom_skanning.pdf", "", Day(2020, 5, 7));
  b.Unreadable("2020/06/beskyttet_eksport.pdf",
               MakeEncryptedPdf("Jeg bestrider kravet i faktura 5120.", "leverandor"),
               Day(2020, 6, 2));
  b.Copy("2020/kopier/nb_001_dispute_telecom_kopi.png", "2019/03/nb_001_dispute_telecom.png",
         Day(2020, 6, 1));
  b.Scan("vendor.zip!/box 1/en_004_more_time_payday.png",
         kScans + "clean300/en_004_more_time_payday.png", 1, Day(2020, 9, 1));
  b.Scan("vendor.zip!/box 2/sub/da_037_dispute_dentist_crown.tif",
         kScans + "fax200/da_037_dispute_dentist_crown.tif", 1, Day(2020, 9, 2));
  b.Copy("vendor.zip!/box 2/sub/kopi av sv_031.tif", "2019/03/sv_031_preskription_mobil.tif",
         Day(2020, 9, 3));
  TestArchive archive = b.Write();
  archive.typed_letter = "2020/02/bestridelse_faktura_4471.pdf";
  archive.typed_text = typed;
  return archive;
}

}  // namespace purr::testing
