# Fuzz target of the e-mail parser (included by tests/fuzz/CMakeLists.txt).
if(TARGET purr_mail)
  purr_add_fuzzer(mail LIBS purr::mail)
endif()
