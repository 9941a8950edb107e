# Fuzz targets for the bank-file parsers and amount parsing (included by CMakeLists.txt here).
if(TARGET purr_bank)
  purr_add_fuzzer(bank_camt LIBS purr::bank purr::common)
  purr_add_fuzzer(bank_ocr_giro LIBS purr::bank purr::common)
  purr_add_fuzzer(bank_bgmax LIBS purr::bank purr::common)
  purr_add_fuzzer(bank_csv LIBS purr::bank purr::common)
  purr_add_fuzzer(csv_profiles LIBS purr::bank purr::common)
endif()
purr_add_fuzzer(money LIBS purr::common)
