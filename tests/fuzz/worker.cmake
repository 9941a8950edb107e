# Fuzz targets of worker/ (included by tests/fuzz/CMakeLists.txt). The batch sources are
# compiled in alone: they need only common/ and libarchive.
find_package(LibArchive QUIET)
if(TARGET purr_common AND LibArchive_FOUND)
  add_executable(batch_sources_fuzzer batch_sources_fuzzer.cc
                 ${PROJECT_SOURCE_DIR}/worker/batch_sources.cc)
  target_include_directories(batch_sources_fuzzer PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(batch_sources_fuzzer PRIVATE purr::common LibArchive::LibArchive
                        purr_warnings)
  target_link_options(batch_sources_fuzzer PRIVATE -fsanitize=fuzzer)
endif()
