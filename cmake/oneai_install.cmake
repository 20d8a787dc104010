# What `cmake --install` puts in place, and the Debian package made of it
# (`cpack -G DEB`): the headers, liboneai and liboneai_emulator, the oneai and
# oneai-emulator programs (tools/ adds their bash completion), the CMake
# package (find_package(oneai CONFIG)) with
# the targets oneai::oneai and oneai::emulator, and oneai.pc / oneai-emulator.pc.
include(CMakePackageConfigHelpers)

set(ONEAI_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/oneai
    CACHE STRING "Where oneaiConfig.cmake is installed, relative to the prefix")

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS oneai_library oneai_emulator_library EXPORT oneaiTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS oneai oneai-emulator RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT oneaiTargets NAMESPACE oneai:: DESTINATION ${ONEAI_INSTALL_CMAKEDIR})

# Installed programs find a shared liboneai beside them (prefix/lib...).
if(BUILD_SHARED_LIBS)
    file(RELATIVE_PATH oneai_bin_to_lib ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR})
    set_target_properties(oneai oneai-emulator PROPERTIES
        INSTALL_RPATH "$ORIGIN/${oneai_bin_to_lib}")
endif()

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/oneaiConfig.cmake.in
    ${PROJECT_BINARY_DIR}/oneaiConfig.cmake INSTALL_DESTINATION ${ONEAI_INSTALL_CMAKEDIR})
# 0.x: a new minor version may change the interface.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/oneaiConfigVersion.cmake
    COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/oneaiConfig.cmake ${PROJECT_BINARY_DIR}/oneaiConfigVersion.cmake
        DESTINATION ${ONEAI_INSTALL_CMAKEDIR})

# pkg-config.
set(ONEAI_PC_CFLAGS "")
if(ONEAI_SEPARATE_ASIO)
    list(TRANSFORM oneai_separate_asio_definitions PREPEND "-D" OUTPUT_VARIABLE oneai_pc_defines)
    list(JOIN oneai_pc_defines " " ONEAI_PC_CFLAGS)
endif()
# The public headers use Asio (threads) and Boost.JSON; OpenSSL and Boost.URL
# are needed on the link line only by a static liboneai.
set(ONEAI_PC_LIBS "-lboost_json -pthread")
set(ONEAI_PC_PRIVATE_DEPENDENCIES "-lboost_url -lssl -lcrypto")
if(BUILD_SHARED_LIBS)
    set(ONEAI_PC_LIBS_PRIVATE "${ONEAI_PC_PRIVATE_DEPENDENCIES}")
else()
    string(APPEND ONEAI_PC_LIBS " ${ONEAI_PC_PRIVATE_DEPENDENCIES}")
    set(ONEAI_PC_LIBS_PRIVATE "")
endif()
file(RELATIVE_PATH ONEAI_PC_RELATIVE_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig
     ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" ONEAI_PC_RELATIVE_PREFIX "${ONEAI_PC_RELATIVE_PREFIX}")
foreach(pc oneai oneai-emulator)
    configure_file(${CMAKE_CURRENT_LIST_DIR}/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
    install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()

include(${CMAKE_CURRENT_LIST_DIR}/oneai_package.cmake)
