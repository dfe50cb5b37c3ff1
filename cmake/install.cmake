# Install rules (make install) and the Debian package (make package).
#
# Layout under the prefix:
#   lib/libpostern.so.X.Y.Z, .so.X (soname), .so   lib/libpostern.a
#   include/postern/*.h                             bin/postern
#   lib/pkgconfig/postern.pc                        share/man/man1/postern.1
#   lib/cmake/postern/  postern-config.cmake, -config-version.cmake,
#                       postern-targets*.cmake, postern_gen.cmake
# The CMake package finds the others relative to itself; postern.pc names
# the prefix given at install time (`cmake --install --prefix P` included).
include(CMakePackageConfigHelpers)

set(POSTERN_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/postern)
set(POSTERN_PKGCONFIG_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(TARGETS postern_shared postern postern-gen
        EXPORT postern-targets
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/postern
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
configure_file(${CMAKE_SOURCE_DIR}/docs/postern.1.in ${CMAKE_BINARY_DIR}/postern.1 @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/postern.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# CMake package: find_package(postern) -> postern::postern (shared),
# postern::postern_static, postern::postern-gen and postern_generate().
install(EXPORT postern-targets NAMESPACE postern:: DESTINATION ${POSTERN_CMAKE_DIR})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/templates/postern-config.cmake.in
                              ${CMAKE_BINARY_DIR}/postern-config.cmake
                              INSTALL_DESTINATION ${POSTERN_CMAKE_DIR})
# 0.x: a minor release may break the API, so only the same minor matches.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/postern-config-version.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/postern-config.cmake
              ${CMAKE_BINARY_DIR}/postern-config-version.cmake
              ${CMAKE_SOURCE_DIR}/cmake/postern_gen.cmake
        DESTINATION ${POSTERN_CMAKE_DIR})

# pkg-config: written at install time, so the paths are those of the prefix
# actually installed to (cmake --install --prefix P overrides the configured
# one; DESTDIR stays out of them, as packaging wants). Written straight into
# the destination: two installs at once (make test installs twice) must not
# share a file in the build tree.
install(CODE "
  set(POSTERN_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  set(CMAKE_INSTALL_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
  set(CMAKE_INSTALL_INCLUDEDIR \"${CMAKE_INSTALL_INCLUDEDIR}\")
  set(CMAKE_INSTALL_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(PROJECT_VERSION \"${PROJECT_VERSION}\")
  set(pc \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${POSTERN_PKGCONFIG_DIR}/postern.pc\")
  message(STATUS \"Installing: \${pc}\")
  configure_file(\"${CMAKE_SOURCE_DIR}/cmake/templates/postern.pc.in\" \"\${pc}\" @ONLY)
  list(APPEND CMAKE_INSTALL_MANIFEST_FILES \"\${pc}\")
")

# make package: one .deb with everything above, installed under /usr.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME postern)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "postern")
set(CPACK_PACKAGE_CONTACT "postern maintainers <postern@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Thrift-compatible RPC framework in C: library, headers and IDL compiler")
set(CPACK_PACKAGE_DESCRIPTION
    "postern speaks Apache Thrift's binary and compact protocols byte for byte.
This package has the runtime library (shared and static), its headers, the
IDL compiler `postern`, a pkg-config file and a CMake package.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
# The library and the compiler need glibc (2.34 moved libpthread into libc,
# and the build links against it), OpenSSL 3 for TLS and zlib; the headers
# of the static library's users need libssl-dev (postern.pc's Libs.private).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.34), libssl3 (>= 3.0), zlib1g, libssl-dev")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "pkg-config | cmake")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_STRIP_FILES ON)
# Relative to where cpack runs: build/package/ for make package.
set(CPACK_OUTPUT_FILE_PREFIX package)
include(CPack)
