# Fuzz targets of cases/ (included by tests/fuzz/CMakeLists.txt).
if(TARGET purr_cases)
  purr_add_fuzzer(decision_rules LIBS purr::cases)
  purr_add_fuzzer(linker LIBS purr::cases)
endif()
