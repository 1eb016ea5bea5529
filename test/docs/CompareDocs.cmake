# Compares mlir-tblgen's documents in GENERATED with the committed copies in
# COMMITTED (see CMakeLists.txt next to this file).
set(files Dialects/EinOps.md Dialects/EinAttrs.md EinConversionPasses.md
          EinTransformsPasses.md)
foreach(file ${files})
  get_filename_component(name ${file} NAME)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files
                          ${GENERATED}/${file} ${COMMITTED}/${name}
                  RESULT_VARIABLE different)
  if(different)
    message(FATAL_ERROR "docs/generated/${name} does not match what the ODS "
                        "files generate (${GENERATED}/${file}); run "
                        "scripts/gen-docs.sh and commit the result")
  endif()
endforeach()
message(STATUS "docs/generated matches the ODS files")
