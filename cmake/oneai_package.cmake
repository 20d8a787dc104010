# `cpack -G DEB`: one Debian package, oneai, with the programs, the libraries,
# the headers and the CMake and pkg-config files. Its dependencies are those
# dpkg-shlibdeps finds for the programs (libboost-json1.81.0, libssl3, ...)
# plus the development packages that find_package(oneai) and the headers need.
set(CPACK_PACKAGE_NAME oneai)
set(CPACK_PACKAGE_VENDOR "oneai-cpp")
set(CPACK_PACKAGE_CONTACT "oneai-cpp maintainers <oneai-cpp@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Asynchronous C++20 client for the One AI Pipeline API, with an emulator")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libboost1.81-dev, libboost-json1.81-dev, libboost-url1.81-dev, libssl-dev")
include(CPack)
