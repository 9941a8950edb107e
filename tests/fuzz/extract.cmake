# Fuzz target of entity extraction (included by tests/fuzz/CMakeLists.txt).
if(TARGET purr_extract)
  purr_add_fuzzer(extract LIBS purr::extract)
endif()
