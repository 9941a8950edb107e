# Fuzz targets of store/ (included by tests/fuzz/CMakeLists.txt).
if(TARGET purr_store)
  purr_add_fuzzer(text_search LIBS purr::store)
endif()
