# Fuzz targets of classify/ (included by tests/fuzz/CMakeLists.txt).
if(TARGET purr_classify)
  purr_add_fuzzer(rules LIBS purr::classify)
  purr_add_fuzzer(letter LIBS purr::classify)
  target_compile_definitions(letter_fuzzer PRIVATE PURR_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endif()
