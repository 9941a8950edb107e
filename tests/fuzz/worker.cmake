# Fuzz targets of worker/ (included by tests/fuzz/CMakeLists.txt). The batch sources are
# compiled in alone: they need only common/ and libarchive.
find_package(LibArchive QUIET)
if(TARGET purr_common AND LibArchive_FOUND)
  add_executable(batch_sources_fuzzer batch_sources_fuzzer.cc
                 ${PROJECT_SOURCE_DIR}/worker/batch_sources.cc)
  target_include_directories(batch_sources_fuzzer PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(batch_sources_fuzzer PRIVATE purr::common LibArchive::LibArchive
                        purr_warnings)
  purr_fuzz_finish(batch_sources)
endif()

if(TARGET purr_worker)
  purr_add_fuzzer(config LIBS purr::worker)
  purr_add_fuzzer(cli LIBS purr::worker)
endif()
if(TARGET purr_web AND TARGET purr_worker)
  find_package(Poco REQUIRED COMPONENTS Foundation JSON Net)
  find_package(GTest REQUIRED)
  add_executable(review_http_fuzzer review_http_fuzzer.cc
                 ${PROJECT_SOURCE_DIR}/tests/web/web_test_util.cc
                 ${PROJECT_SOURCE_DIR}/tests/store/backend.cc)
  target_compile_definitions(review_http_fuzzer PRIVATE PURR_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                             PURR_TEST_PG_DIR="${PURR_TEST_PG_DIR}")
  target_link_libraries(review_http_fuzzer PRIVATE purr::worker purr::web purr::store purr::cases
                        purr::casework Poco::Foundation Poco::JSON Poco::Net GTest::gtest
                        PkgConfig::PQXX Threads::Threads purr_warnings)
  purr_fuzz_finish(review_http)
endif()
