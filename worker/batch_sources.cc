#include "worker/batch_sources.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace purr::batch {
namespace {

namespace fs = std::filesystem;

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;

ArchivePtr OpenZip(const std::string& file) {
  ArchivePtr a(archive_read_new(), archive_read_free);
  archive_read_support_format_zip(a.get());
  if (archive_read_open_filename(a.get(), file.c_str(), 1 << 16) != ARCHIVE_OK) {
    return ArchivePtr(nullptr, archive_read_free);
  }
  return a;
}

bool IsZip(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0;
}

int64_t MtimeOf(const std::string& file) {
  struct stat st {};
  return ::stat(file.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_mtime) : 0;
}

void ListZip(const std::string& file, const std::string& shown, std::vector<Input>* out) {
  ArchivePtr a = OpenZip(file);
  if (!a) {
    out->push_back({shown, file, "", 0, MtimeOf(file), "not a readable zip archive"});
    return;
  }
  archive_entry* e = nullptr;
  int r = ARCHIVE_OK;
  while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    const char* name = archive_entry_pathname(e);
    Input in;
    in.entry = name ? name : "";
    in.path = shown + "!/" + in.entry;
    in.file = file;
    in.size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
    in.mtime = archive_entry_mtime_is_set(e) ? archive_entry_mtime(e) : MtimeOf(file);
    if (archive_entry_is_encrypted(e)) in.problem = "an encrypted zip entry (no password)";
    out->push_back(std::move(in));
  }
  if (r != ARCHIVE_EOF) {
    const char* why = archive_error_string(a.get());
    out->push_back({shown + "!/", file, "", 0, MtimeOf(file),
                    std::string("the zip archive is damaged after its last good entry: ") +
                        (why ? why : "unreadable")});
  }
}

void AddFile(const std::string& file, const std::string& shown, std::vector<Input>* out) {
  if (IsZip(file)) {
    ListZip(file, shown, out);
    return;
  }
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  out->push_back({shown, file, "", ec ? 0 : static_cast<int64_t>(size), MtimeOf(file),
                  ec ? "cannot read: " + ec.message() : ""});
}

Status Walk(const fs::path& dir, const std::string& shown, std::vector<Input>* out) {
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    entries.push_back(*it);
  }
  if (ec) return Status::IoError(dir.string() + ": cannot list the folder: " + ec.message());
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.path().filename().string() < b.path().filename().string();
  });
  for (const fs::directory_entry& e : entries) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    const std::string child = shown + "/" + name;
    std::error_code type_ec;
    if (e.is_directory(type_ec)) {
      if (e.is_symlink(type_ec)) continue;  // a link may loop back up the tree
      Status s = Walk(e.path(), child, out);
      if (!s.ok()) return s;
    } else if (e.is_regular_file(type_ec)) {
      AddFile(e.path().string(), child, out);
    }
  }
  return Status::Ok();
}

// "./scans/" is shown as "scans".
std::string Shown(const std::string& source) {
  std::string s = fs::path(source).lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

Result<std::vector<Input>> ListInputs(const std::vector<std::string>& sources) {
  std::vector<Input> out;
  for (const std::string& source : sources) {
    std::error_code ec;
    const fs::file_status st = fs::status(source, ec);
    if (ec || !fs::exists(st)) return Status::NotFound(source + ": no such file or folder");
    if (fs::is_directory(st)) {
      Status s = Walk(source, Shown(source), &out);
      if (!s.ok()) return s;
    } else {
      AddFile(source, Shown(source), &out);
    }
  }
  return out;
}

struct InputReader::Zip {
  std::string file;
  ArchivePtr archive{nullptr, archive_read_free};
};

InputReader::InputReader() = default;
InputReader::~InputReader() = default;

namespace {

Result<std::string> ReadFile(const Input& input, int64_t max_bytes) {
  std::ifstream in(input.file, std::ios::binary);
  if (!in) return Status::IoError(input.path + ": cannot open: " + std::strerror(errno));
  std::string bytes;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
    bytes.append(buffer, static_cast<size_t>(in.gcount()));
    if (static_cast<int64_t>(bytes.size()) > max_bytes) {
      return Status::LimitExceeded(input.path + ": larger than the limit of " +
                                   std::to_string(max_bytes) + " bytes");
    }
  }
  if (in.bad()) return Status::IoError(input.path + ": read error");
  return bytes;
}

Result<std::string> ReadEntryData(archive* a, const Input& input, int64_t max_bytes) {
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    la_ssize_t n = archive_read_data(a, buffer, sizeof(buffer));
    if (n == 0) break;
    if (n < 0) {
      const char* why = archive_error_string(a);
      return Status::InvalidInput(input.path + ": damaged zip entry: " + (why ? why : "?"));
    }
    bytes.append(buffer, static_cast<size_t>(n));
    // Declared sizes may lie (a zip bomb): the limit counts what comes out.
    if (static_cast<int64_t>(bytes.size()) > max_bytes) {
      return Status::LimitExceeded(input.path + ": larger than the limit of " +
                                   std::to_string(max_bytes) + " bytes");
    }
  }
  return bytes;
}

}  // namespace

Result<std::string> InputReader::Read(const Input& input, int64_t max_bytes) {
  if (!input.problem.empty()) return Status::InvalidInput(input.path + ": " + input.problem);
  if (input.entry.empty()) return ReadFile(input, max_bytes);
  // Forward through the open archive; from the start again when the entry is behind us.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!zip_ || zip_->file != input.file || attempt == 1) {
      zip_ = std::make_unique<Zip>();
      zip_->file = input.file;
      zip_->archive = OpenZip(input.file);
      if (!zip_->archive) {
        zip_.reset();
        return Status::IoError(input.path + ": cannot open the zip archive");
      }
    }
    archive_entry* e = nullptr;
    int r = ARCHIVE_OK;
    while ((r = archive_read_next_header(zip_->archive.get(), &e)) == ARCHIVE_OK ||
           r == ARCHIVE_WARN) {
      const char* name = archive_entry_pathname(e);
      if (archive_entry_filetype(e) == AE_IFREG && name && input.entry == name) {
        return ReadEntryData(zip_->archive.get(), input, max_bytes);
      }
    }
    zip_.reset();
  }
  return Status::NotFound(input.path + ": the entry is no longer in the zip archive");
}

std::string OutputName(const std::string& path) {
  std::string p = path;
  for (size_t at; (at = p.find("!/")) != std::string::npos;) p.replace(at, 2, "/");
  std::string out;
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    std::string part = p.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") part = "_";
    for (char& c : part) {
      if (static_cast<unsigned char>(c) < 0x20 || c == '\\') c = '_';
    }
    if (part.size() > 200) part.resize(200);
    if (!out.empty()) out += '/';
    out += part;
  }
  return out.empty() ? "_" : out;
}

}  // namespace purr::batch
