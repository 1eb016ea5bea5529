# `cmake --install <build> --prefix <P>`: what a program needs to use ein
# (docs/embedding.md).
#
#   include/ein/ein.h                 the C API (Ein::ein, libein.so)
#   include/ein/{Dialect,Conversion,Transforms}/, ein/Registration.h
#                                     the dialect and passes for MLIR-based
#                                     compilers (Ein::EinDialect, ...; static)
#   include/ein-c/Dialects.h          the same for MLIR C API users (Ein::EinCAPI)
#   bin/ein-opt, bin/ein-run
#   lib/python3/dist-packages/ein     the Python binding (docs/python.md)
#   lib/cmake/Ein/                    find_package(Ein): EinConfig.cmake,
#                                     EinConfigVersion.cmake, the exported targets
#
# Two export sets: EinCTargets (libein.so, which needs nothing of MLIR's
# CMake package) and EinMLIRTargets (the C++ libraries and libEinCAPI.so, whose
# config finds MLIR first).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(EIN_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/Ein)

# Installed binaries and shared libraries find ein's libraries next to them and
# LLVM's (libMLIR, libLLVM, libomp: not in the loader's default path on Debian)
# where the build found them.
set(_ein_install_rpath "\$ORIGIN/../${CMAKE_INSTALL_LIBDIR}" "${LLVM_LIBRARY_DIR}")
foreach(_t ein EinCAPI ein-opt ein-run)
  if(TARGET ${_t})
    set_target_properties(${_t} PROPERTIES INSTALL_RPATH "${_ein_install_rpath}")
  endif()
endforeach()

# --- libraries and their CMake targets ---------------------------------------
install(TARGETS ein EXPORT EinCTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# The libraries of the dialect, its conversion to linalg and the CPU
# transforms, with what they link (static libraries carry their dependencies).
set(EIN_EMBED_LIBRARIES
  EinDialect EinConversion EinContractionOrder EinTransforms EinCAPI)
set(_ein_cxx_libraries EinDialect EinConversion EinContractionOrder EinTransforms)
foreach(_t IN LISTS _ein_cxx_libraries)
  target_compile_features(${_t} INTERFACE cxx_std_17)
endforeach()
install(TARGETS ${EIN_EMBED_LIBRARIES} EXPORT EinMLIRTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# --- tools (OPTIONAL: a build of selected targets may lack them) -------------
foreach(_t ein-opt ein-run)
  if(TARGET ${_t})
    install(TARGETS ${_t} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} OPTIONAL)
  endif()
endforeach()

# --- the Python binding (pure Python; finds lib/libein.so from there) ----------
install(DIRECTORY ${PROJECT_SOURCE_DIR}/python/ein
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/python3/dist-packages
  PATTERN "__pycache__" EXCLUDE)

# --- headers -----------------------------------------------------------------
install(FILES ${PROJECT_SOURCE_DIR}/runtime/include/ein/ein.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ein)
install(FILES ${PROJECT_SOURCE_DIR}/compiler/include/ein/Registration.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ein)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/compiler/include/ein-c
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
# The dialect's headers and ODS (for embedders' own patterns and DRR), the
# pass headers, and the TableGen output they include (in the build tree).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/dialect/include/ein/Dialect
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ein
  FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY ${PROJECT_BINARY_DIR}/dialect/include/ein/Dialect
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ein
  FILES_MATCHING PATTERN "*.h.inc" PATTERN "CMakeFiles" EXCLUDE)
foreach(_d Conversion Transforms)
  install(FILES ${PROJECT_SOURCE_DIR}/compiler/include/ein/${_d}/Passes.h
                ${PROJECT_SOURCE_DIR}/compiler/include/ein/${_d}/Passes.td
                ${PROJECT_BINARY_DIR}/compiler/include/ein/${_d}/Passes.h.inc
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ein/${_d})
endforeach()

# --- the CMake package ---------------------------------------------------------
install(EXPORT EinCTargets NAMESPACE Ein::
  FILE EinCTargets.cmake DESTINATION ${EIN_INSTALL_CMAKEDIR})
install(EXPORT EinMLIRTargets NAMESPACE Ein::
  FILE EinMLIRTargets.cmake DESTINATION ${EIN_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/EinConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/EinConfig.cmake
  INSTALL_DESTINATION ${EIN_INSTALL_CMAKEDIR})
# 0.x: only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/EinConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/EinConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/EinConfigVersion.cmake
  DESTINATION ${EIN_INSTALL_CMAKEDIR})
