if(TARGET purr_ocr)
  purr_add_fuzzer(ocr_document LIBS purr::ocr)
endif()
