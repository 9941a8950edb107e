// One OCR engine with default options for a whole test binary: creating one loads six
// Tesseract models, so the tests that need no special options share it.
#ifndef PURR_TESTS_OCR_SHARED_ENGINE_H_
#define PURR_TESTS_OCR_SHARED_ENGINE_H_

#include <cstdio>
#include <cstdlib>

#include "ocr/ocr.h"

namespace purr::testing {

// Created on first use and kept until the process ends. Not thread-safe (neither is Engine).
inline ocr::Engine& SharedEngine() {
  static ocr::Engine* engine = [] {
    auto created = ocr::Engine::Create(ocr::EngineOptions());
    if (!created.ok()) {
      std::fprintf(stderr, "cannot create the OCR engine: %s\n",
                   created.status().ToString().c_str());
      std::abort();
    }
    return std::move(created).value().release();
  }();
  return *engine;
}

}  // namespace purr::testing

#endif  // PURR_TESTS_OCR_SHARED_ENGINE_H_
