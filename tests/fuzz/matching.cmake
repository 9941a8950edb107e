# Fuzz targets of refs/ and matching/ (included by tests/fuzz/CMakeLists.txt).
if(TARGET purr_matching)
  purr_add_fuzzer(ledger LIBS purr::matching)
endif()
if(TARGET purr_refs)
  purr_add_fuzzer(refs LIBS purr::refs)
endif()
