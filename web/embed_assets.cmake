# Writes OUT, a C++ file defining purr::web::kReviewJs and kReviewCss from the files JS and
# CSS, as hex byte arrays (no raw-string delimiter can clash with the content).
function(embed var file out_var)
  file(READ ${file} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  set(${out_var} "extern const unsigned char ${var}[] = {${hex}0x00};\n" PARENT_SCOPE)
endfunction()
embed(kReviewJs ${JS} js)
embed(kReviewCss ${CSS} css)
file(WRITE ${OUT} "// Generated from web/static by web/embed_assets.cmake. Do not edit.\nnamespace purr::web {\n${js}${css}}  // namespace purr::web\n")
