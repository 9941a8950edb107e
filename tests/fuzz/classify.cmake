# Fuzz targets of classify/ (included by tests/fuzz/CMakeLists.txt).
if(TARGET purr_classify)
  purr_add_fuzzer(rules LIBS purr::classify)
endif()
