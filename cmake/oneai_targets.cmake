# How the project's libraries are put together.
#
# Sources are compiled in OBJECT libraries (oneai_client, oneai_emulator,
# oneai_common; add a source with `target_sources(oneai_client PRIVATE ...)`).
# The installed libraries, oneai::oneai and oneai::emulator, are made from
# those objects. The project's tests, benchmarks and fuzzers link
# `oneai_internals` instead: the same code, plus the internal headers of src/,
# which a shared liboneai hides (only declarations marked ONEAI_API are
# exported from it).

# The libraries build with the project's settings (warnings, sanitizers) but
# never pass them on: a user of an installed or embedded oneai gets none of
# them. (`link_libraries` would: for a static library it puts them in the
# interface.)

set(oneai_separate_asio_definitions BOOST_ASIO_SEPARATE_COMPILATION
                                    BOOST_BEAST_SEPARATE_COMPILATION)

# What every object of the libraries is compiled with.
add_library(oneai_object_settings INTERFACE)
target_include_directories(oneai_object_settings INTERFACE ${PROJECT_SOURCE_DIR}/include
                                                           ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(oneai_object_settings INTERFACE Boost::headers Boost::json Boost::url
                                                      OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
if(ONEAI_SEPARATE_ASIO)
    target_compile_definitions(oneai_object_settings INTERFACE ${oneai_separate_asio_definitions})
endif()
if(BUILD_SHARED_LIBS)
    # Asio's headers would otherwise make everything of Asio's the libraries
    # use visible, and exported; the few objects the libraries must share with
    # their users (error categories compared by address, per-thread state) are
    # made visible by src/shared_boost_state.hpp instead.
    target_compile_definitions(oneai_object_settings INTERFACE BOOST_ASIO_DISABLE_VISIBILITY)
    target_compile_options(oneai_object_settings INTERFACE
        -include ${PROJECT_SOURCE_DIR}/src/shared_boost_state.hpp)
endif()

# oneai_add_objects(<target> <source>...): an OBJECT library of the project's
# libraries. In a shared build its symbols are hidden unless marked ONEAI_API.
function(oneai_add_objects target)
    add_library(${target} OBJECT ${ARGN})
    target_link_libraries(${target} PRIVATE oneai_object_settings oneai_build_settings)
    if(BUILD_SHARED_LIBS)
        set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON
                                                   CXX_VISIBILITY_PRESET hidden)
    endif()
endfunction()

# Asio, Asio.SSL and Beast compiled once (ONEAI_SEPARATE_ASIO), with default
# visibility: a shared liboneai provides them to its users, who define the
# same macros.
if(ONEAI_SEPARATE_ASIO)
    add_library(oneai_asio OBJECT ${PROJECT_SOURCE_DIR}/src/asio_impl.cpp)
    target_link_libraries(oneai_asio PRIVATE oneai_object_settings oneai_build_settings)
    set_target_properties(oneai_asio PROPERTIES POSITION_INDEPENDENT_CODE ${BUILD_SHARED_LIBS})
endif()

# oneai_add_library(<target> <export name> <object library>...): an installed
# library, static or shared (BUILD_SHARED_LIBS), named oneai::<export name>.
function(oneai_add_library target export_name)
    set(objects)
    foreach(object_library IN LISTS ARGN)
        list(APPEND objects $<TARGET_OBJECTS:${object_library}>)
    endforeach()
    add_library(${target} ${objects})
    add_library(oneai::${export_name} ALIAS ${target})
    set_target_properties(${target} PROPERTIES
        EXPORT_NAME ${export_name}
        VERSION ${PROJECT_VERSION}
        SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
    target_include_directories(${target} PUBLIC
        $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
        $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    target_compile_features(${target} PUBLIC cxx_std_20)
    # The public headers use Asio and Boost.JSON; OpenSSL and Boost.URL stay inside.
    # Sanitizer link flags stay with the build tree's users (link only).
    target_link_libraries(${target} PUBLIC Boost::headers Boost::json Threads::Threads
                                    PRIVATE Boost::url OpenSSL::SSL OpenSSL::Crypto
                                            $<BUILD_INTERFACE:oneai_build_settings>)
    if(ONEAI_SEPARATE_ASIO)
        target_compile_definitions(${target} INTERFACE ${oneai_separate_asio_definitions})
    endif()
    # A shared library exports oneai's interface only (the version script says
    # why hidden visibility alone does not do it). With Asio compiled in, its
    # compiled code is exported too: the program uses it.
    if(BUILD_SHARED_LIBS AND NOT ONEAI_SEPARATE_ASIO AND NOT APPLE AND NOT WIN32)
        set(version_script ${PROJECT_SOURCE_DIR}/cmake/oneai_exports.map)
        target_link_options(${target} PRIVATE "LINKER:--version-script=${version_script}")
        set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${version_script})
    endif()
endfunction()

# The project's own tests, benchmarks and fuzzers: the libraries' code with its
# internal headers. In a shared build they link the objects, whose internals
# the shared libraries do not export.
add_library(oneai_internals INTERFACE)
target_include_directories(oneai_internals INTERFACE ${PROJECT_SOURCE_DIR}/src)
if(BUILD_SHARED_LIBS)
    set(oneai_internal_objects oneai_client oneai_emulator oneai_common)
    if(ONEAI_SEPARATE_ASIO)
        list(APPEND oneai_internal_objects oneai_asio)
    endif()
    foreach(object_library IN LISTS oneai_internal_objects)
        target_sources(oneai_internals INTERFACE $<TARGET_OBJECTS:${object_library}>)
    endforeach()
    target_link_libraries(oneai_internals INTERFACE oneai_object_settings)
else()
    target_link_libraries(oneai_internals INTERFACE oneai::oneai oneai::emulator)
endif()
