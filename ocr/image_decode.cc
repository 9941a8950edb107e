#include "ocr/image_decode.h"

#include <leptonica/allheaders.h>
#include <png.h>
// jpeglib.h needs size_t and FILE declared before it.
#include <cstddef>
#include <cstdio>
#include <jpeglib.h>
#include <jerror.h>  // message codes (JWRN_JPEG_EOF)

#include <csetjmp>
#include <cstring>
#include <string>
#include <vector>

namespace purr::ocr {
namespace {

uint32_t BigEndian32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// The resolution in the pHYs chunk (pixels per metre), read from the chunks before the first
// IDAT; 0 when there is none or its unit is not the metre.
int PngDpi(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t at = 8;  // after the signature
  while (at + 8 <= bytes.size()) {
    const uint32_t length = BigEndian32(p + at);
    const std::string_view type = bytes.substr(at + 4, 4);
    if (type == "IDAT" || type == "IEND") break;
    if (type == "pHYs" && length == 9 && at + 8 + 9 <= bytes.size() && p[at + 16] == 1) {
      const double ppm = BigEndian32(p + at + 8);
      return static_cast<int>(ppm * 0.0254 + 0.5);
    }
    if (length > bytes.size() - at - 12) break;
    at += 12 + length;
  }
  return 0;
}

// Copies 8-bit grey or RGB rows into a new Pix of depth 8 or 32.
PixPtr ToPix(const unsigned char* pixels, int w, int h, int channels) {
  PixPtr pix(pixCreate(w, h, channels == 1 ? 8 : 32));
  if (!pix) return nullptr;
  l_uint32* data = pixGetData(pix.get());
  const l_int32 wpl = pixGetWpl(pix.get());
  for (int y = 0; y < h; ++y) {
    l_uint32* line = data + static_cast<size_t>(y) * wpl;
    const unsigned char* row = pixels + static_cast<size_t>(y) * w * channels;
    if (channels == 1) {
      for (int x = 0; x < w; ++x) SET_DATA_BYTE(line, x, row[x]);
    } else {
      for (int x = 0; x < w; ++x) {
        composeRGBPixel(row[3 * x], row[3 * x + 1], row[3 * x + 2], &line[x]);
      }
    }
  }
  return pix;
}

struct JpegErrors {
  jpeg_error_mgr mgr;  // first: libjpeg passes a pointer to it
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool truncated;
};

[[noreturn]] void JpegFail(j_common_ptr cinfo) {
  auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, errors->message);
  std::longjmp(errors->jump, 1);
}

void JpegMessage(j_common_ptr cinfo, int level) {
  auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  if (level >= 0) return;  // trace messages
  ++cinfo->err->num_warnings;
  if (cinfo->err->msg_code == JWRN_JPEG_EOF) errors->truncated = true;
  if (errors->message[0] == '\0') (*cinfo->err->format_message)(cinfo, errors->message);
}

// Runs the caller's check outside DecodeJpegC's frame, so that no C++ object (the Status's
// string) lives in the function that calls setjmp.
[[gnu::noinline]] bool SizeAllowed(const SizeCheck* check, int64_t w, int64_t h, Status* out) {
  *out = (*check)(w, h);
  return out->ok();
}

// Everything between setjmp and a longjmp is plain C data: no destructor is skipped.
// Returns nullptr with errors->message set on failure, or with `size_error` set when
// check_size refused the image.
Pix* DecodeJpegC(const unsigned char* data, size_t size, JpegErrors* errors,
                 const SizeCheck* check_size, Status* size_error, int* dpi) {
  jpeg_decompress_struct cinfo;
  std::memset(&cinfo, 0, sizeof(cinfo));
  cinfo.err = jpeg_std_error(&errors->mgr);
  errors->mgr.error_exit = JpegFail;
  errors->mgr.emit_message = JpegMessage;
  Pix* volatile pix = nullptr;
  unsigned char* volatile row = nullptr;
  if (setjmp(errors->jump) != 0) {
    jpeg_destroy_decompress(&cinfo);
    if (pix != nullptr) {
      Pix* p = pix;
      pixDestroy(&p);
    }
    std::free(row);
    return nullptr;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  if (!SizeAllowed(check_size, cinfo.image_width, cinfo.image_height, size_error)) {
    jpeg_destroy_decompress(&cinfo);
    return nullptr;
  }
  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  const bool grey = cinfo.jpeg_color_space == JCS_GRAYSCALE;
  cinfo.out_color_space = cmyk ? JCS_CMYK : grey ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&cinfo);
  const int w = static_cast<int>(cinfo.output_width);
  const int h = static_cast<int>(cinfo.output_height);
  const int channels = cinfo.output_components;
  pix = pixCreate(w, h, grey ? 8 : 32);
  row = static_cast<unsigned char*>(std::malloc(static_cast<size_t>(w) * channels));
  if (pix == nullptr || row == nullptr) {
    std::snprintf(errors->message, sizeof(errors->message), "out of memory for %dx%d pixels",
                  w, h);
    std::longjmp(errors->jump, 1);
  }
  l_uint32* out = pixGetData(pix);
  const l_int32 wpl = pixGetWpl(pix);
  while (cinfo.output_scanline < cinfo.output_height) {
    const int y = static_cast<int>(cinfo.output_scanline);
    JSAMPROW rows[1] = {row};
    if (jpeg_read_scanlines(&cinfo, rows, 1) != 1) break;
    l_uint32* line = out + static_cast<size_t>(y) * wpl;
    for (int x = 0; x < w; ++x) {
      const unsigned char* s = row + static_cast<size_t>(x) * channels;
      if (channels == 1) {
        SET_DATA_BYTE(line, x, s[0]);
      } else if (channels == 3) {
        composeRGBPixel(s[0], s[1], s[2], &line[x]);
      } else {
        // Photoshop (Adobe marker) writes CMYK inverted; others plain.
        const bool inverted = cinfo.saw_Adobe_marker;
        const int c = inverted ? s[0] : 255 - s[0], m = inverted ? s[1] : 255 - s[1];
        const int yy = inverted ? s[2] : 255 - s[2], k = inverted ? s[3] : 255 - s[3];
        composeRGBPixel(c * k / 255, m * k / 255, yy * k / 255, &line[x]);
      }
    }
  }
  if (!errors->truncated) jpeg_finish_decompress(&cinfo);
  if (cinfo.density_unit == 1) *dpi = cinfo.X_density;
  if (cinfo.density_unit == 2) *dpi = static_cast<int>(cinfo.X_density * 2.54 + 0.5);
  jpeg_destroy_decompress(&cinfo);
  std::free(row);
  return pix;
}

}  // namespace

Result<DecodedImage> DecodePng(std::string_view bytes, const SizeCheck& check_size) {
  png_image image;
  std::memset(&image, 0, sizeof(image));
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()) == 0) {
    const std::string why = image.message;
    png_image_free(&image);
    return Status::InvalidInput(why);
  }
  if (Status s = check_size(image.width, image.height); !s.ok()) {
    png_image_free(&image);
    return s;
  }
  // A 1-bit grey PNG is a bilevel scan (a fax saved as PNG): kept as 1 bpp, as Leptonica
  // reads it, so that it takes the bilevel path.
  const auto* header = reinterpret_cast<const unsigned char*>(bytes.data());
  // So is a 1-bit palette PNG (two entries, usually black and white).
  const bool bilevel = bytes.size() > 25 && header[24] == 1 && (header[25] == 0 || header[25] == 3);
  const bool colour = !bilevel && (image.format & PNG_FORMAT_FLAG_COLOR) != 0;
  image.format = colour ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  const int channels = colour ? 3 : 1;
  std::vector<unsigned char> pixels;
  try {
    pixels.resize(static_cast<size_t>(image.width) * image.height * channels);
  } catch (const std::bad_alloc&) {
    png_image_free(&image);
    return Status::LimitExceeded("out of memory for " + std::to_string(image.width) + "x" +
                                 std::to_string(image.height) + " pixels");
  }
  const png_color white = {255, 255, 255};  // transparency is laid on paper
  if (png_image_finish_read(&image, &white, pixels.data(), 0, nullptr) == 0) {
    const std::string why = image.message;
    png_image_free(&image);
    return Status::InvalidInput(why);
  }
  DecodedImage out;
  out.pix = ToPix(pixels.data(), static_cast<int>(image.width), static_cast<int>(image.height),
                  channels);
  png_image_free(&image);
  if (!out.pix) return Status::LimitExceeded("out of memory for the page image");
  if (bilevel) {
    out.pix.reset(pixThresholdToBinary(out.pix.get(), 128));
    if (!out.pix) return Status::Internal("bilevel PNG could not be kept as 1 bpp");
  }
  out.dpi = PngDpi(bytes);
  pixSetResolution(out.pix.get(), out.dpi, out.dpi);
  return out;
}

Result<DecodedImage> DecodeJpeg(std::string_view bytes, const SizeCheck& check_size) {
  JpegErrors errors;
  std::memset(&errors, 0, sizeof(errors));
  Status size_error = Status::Ok();
  int dpi = 0;
  Pix* pix = DecodeJpegC(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                         &errors, &check_size, &size_error, &dpi);
  if (!size_error.ok()) return size_error;
  DecodedImage out;
  out.pix.reset(pix);
  if (errors.truncated) {
    // The lower part of the page is missing: reading the rest would lose text silently.
    return Status::InvalidInput(std::string(errors.message) + " (truncated)");
  }
  if (!out.pix) {
    return Status::InvalidInput(errors.message[0] != '\0' ? errors.message : "corrupt JPEG");
  }
  out.dpi = dpi;
  pixSetResolution(out.pix.get(), dpi, dpi);
  return out;
}

}  // namespace purr::ocr
