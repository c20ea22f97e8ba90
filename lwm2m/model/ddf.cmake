# ddf.cmake (included by lwm2m/CMakeLists.txt): compiles every lwm2m/model/ddf/*.xml into
# target lwm2m as byte arrays, so ModelRegistry::Builtin() works from any directory.
# embed_ddf.cmake runs in script mode at build time; the generated .cc is rebuilt when an
# XML changes, and the list of files is part of the command so that adding or removing
# a file (CONFIGURE_DEPENDS re-globs) regenerates it too.
file(GLOB LWM2M_DDF_FILES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/ddf/*.xml)
list(SORT LWM2M_DDF_FILES)
list(LENGTH LWM2M_DDF_FILES LWM2M_DDF_COUNT)
string(REPLACE ";" "|" LWM2M_DDF_FILE_ARG "${LWM2M_DDF_FILES}")
set(LWM2M_DDF_CC ${CMAKE_CURRENT_BINARY_DIR}/model/ddf_builtin.cc)
add_custom_command(
  OUTPUT ${LWM2M_DDF_CC}
  COMMAND ${CMAKE_COMMAND} "-DFILES=${LWM2M_DDF_FILE_ARG}" "-DOUTPUT=${LWM2M_DDF_CC}"
          -P ${CMAKE_CURRENT_LIST_DIR}/embed_ddf.cmake
  DEPENDS ${LWM2M_DDF_FILES} ${CMAKE_CURRENT_LIST_DIR}/embed_ddf.cmake
  COMMENT "Embedding ${LWM2M_DDF_COUNT} DDF object models"
  VERBATIM)
target_sources(lwm2m PRIVATE ${LWM2M_DDF_CC})
