# The C API (include/odin/odin.h): libodin.so exporting only odin_* symbols,
# libodin.a bundling the core, and install rules with a CMake package
# (odin::odin, odin::odin_static) and a pkg-config file (odin.pc).
# Included by the top-level CMakeLists after the layers' targets, so every
# library odin_core and odin_llm gather is bundled.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Writes a generated file only when its content changes, so reconfiguring
# does not relink or reinstall.
function(odin_capi_write path content)
  if(EXISTS ${path})
    file(READ ${path} old)
    if(old STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE ${path} "${content}")
endfunction()

# The header's version macros are the ABI's version: they must match the project.
file(STRINGS ${CMAKE_SOURCE_DIR}/include/odin/odin.h ODIN_HEADER_VERSION_LINES
     REGEX "^#define ODIN_VERSION_(MAJOR|MINOR|PATCH) [0-9]+$")
set(ODIN_HEADER_VERSION "")
foreach(part MAJOR MINOR PATCH)
  string(REGEX MATCH "ODIN_VERSION_${part} ([0-9]+)" _ "${ODIN_HEADER_VERSION_LINES}")
  list(APPEND ODIN_HEADER_VERSION ${CMAKE_MATCH_1})
endforeach()
list(JOIN ODIN_HEADER_VERSION "." ODIN_HEADER_VERSION)
if(NOT ODIN_HEADER_VERSION VERSION_EQUAL PROJECT_VERSION)
  message(FATAL_ERROR "include/odin/odin.h says version ${ODIN_HEADER_VERSION}, "
                      "the project ${PROJECT_VERSION}: update both together")
endif()

# What the C API is built on: the core (models, sessions) and the LLM layer.
add_library(odin_capi_deps INTERFACE)
target_link_libraries(odin_capi_deps INTERFACE odin_core odin_llm)

# --- Objects of the C API, shared by both libraries --------------------------
file(GLOB ODIN_CAPI_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/capi/*.cpp)
add_library(odin_capi_objects OBJECT ${ODIN_CAPI_SOURCES})
target_link_libraries(odin_capi_objects PRIVATE odin_capi_deps)  # includes, definitions
target_include_directories(odin_capi_objects PRIVATE ${CMAKE_SOURCE_DIR}/include)
target_compile_definitions(odin_capi_objects PRIVATE ODIN_BUILDING_LIBRARY)
set_target_properties(odin_capi_objects PROPERTIES CXX_VISIBILITY_PRESET hidden
                                                   VISIBILITY_INLINES_HIDDEN ON)

# --- libodin.so ----------------------------------------------------------------
# The version script keeps everything but odin_* local, including the C++
# symbols of the static core and its dependencies linked in.
set(ODIN_CAPI_VERSION_SCRIPT ${CMAKE_BINARY_DIR}/capi/odin.map)
odin_capi_write(${ODIN_CAPI_VERSION_SCRIPT} "{\n  global: odin_*;\n  local: *;\n};\n")
add_library(odin_shared SHARED $<TARGET_OBJECTS:odin_capi_objects>)
target_link_libraries(odin_shared PRIVATE odin_capi_deps)
target_link_options(odin_shared PRIVATE -Wl,--exclude-libs,ALL
                    -Wl,--version-script=${ODIN_CAPI_VERSION_SCRIPT})
if(NOT ODIN_SANITIZE)  # sanitizer runtimes are only linked into executables
  target_link_options(odin_shared PRIVATE -Wl,--no-undefined)
endif()
target_include_directories(odin_shared INTERFACE
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(odin_shared PROPERTIES
  OUTPUT_NAME odin VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}
  EXPORT_NAME odin LINK_DEPENDS ${ODIN_CAPI_VERSION_SCRIPT})
add_library(odin::odin ALIAS odin_shared)

# --- libodin.a -----------------------------------------------------------------
# Bundles the objects of the project's static libraries odin_capi_deps
# links, so apps need only libodin.a plus the external libraries collected here.

# Records what apps linking libodin.a must link too for an imported target:
# its file (from whichever configuration it was imported for) and its own
# interface libraries.
function(odin_capi_external dep)
  get_target_property(type ${dep} TYPE)
  if(NOT type STREQUAL "INTERFACE_LIBRARY")
    get_target_property(configs ${dep} IMPORTED_CONFIGURATIONS)
    set(props IMPORTED_LOCATION)
    foreach(c IN LISTS configs)
      string(TOUPPER "${c}" c)
      list(APPEND props IMPORTED_LOCATION_${c})
    endforeach()
    foreach(prop IN LISTS props)
      get_target_property(loc ${dep} ${prop})
      if(loc)
        set_property(GLOBAL APPEND PROPERTY ODIN_CAPI_EXTERNAL ${loc})
        break()
      endif()
    endforeach()
  endif()
  get_target_property(iface ${dep} INTERFACE_LINK_LIBRARIES)
  foreach(i IN LISTS iface)
    if(NOT i OR i MATCHES "^\\$<" OR i STREQUAL dep)
      continue()
    elseif(i STREQUAL "Threads::Threads")
    elseif(TARGET ${i})
      odin_capi_external(${i})
    else()
      set_property(GLOBAL APPEND PROPERTY ODIN_CAPI_EXTERNAL ${i})
    endif()
  endforeach()
endfunction()

# Walks `target`'s link libraries: the project's static and object libraries
# are bundled into libodin.a; anything else is recorded for apps to link.
# An interface library (odin_capi_deps, odin_core) only groups others: its own list is walked.
function(odin_capi_collect target)
  get_target_property(target_type ${target} TYPE)
  if(target_type STREQUAL "INTERFACE_LIBRARY")
    get_target_property(deps ${target} INTERFACE_LINK_LIBRARIES)
  else()
    get_target_property(deps ${target} LINK_LIBRARIES)
  endif()
  if(NOT deps)
    return()
  endif()
  foreach(dep IN LISTS deps)
    if(dep MATCHES "^\\$<")
      message(WARNING "capi: ${target} links a generator expression (${dep}); "
                      "libodin.a does not list it for apps")
    elseif(dep STREQUAL "Threads::Threads")
      # Exported as is: odinConfig finds Threads.
    elseif(TARGET ${dep})
      get_target_property(imported ${dep} IMPORTED)
      get_target_property(type ${dep} TYPE)
      if(imported)
        odin_capi_external(${dep})
      elseif(type STREQUAL "INTERFACE_LIBRARY")
        odin_capi_collect(${dep})
      elseif(type MATCHES "STATIC_LIBRARY|OBJECT_LIBRARY")
        get_property(bundled GLOBAL PROPERTY ODIN_CAPI_BUNDLED)
        if(NOT dep IN_LIST bundled)
          set_property(GLOBAL APPEND PROPERTY ODIN_CAPI_BUNDLED ${dep})
          odin_capi_collect(${dep})
        endif()
      else()
        message(WARNING "capi: ${target} links ${dep} (${type}); libodin.a does not bundle it")
      endif()
    else()
      set_property(GLOBAL APPEND PROPERTY ODIN_CAPI_EXTERNAL ${dep})  # -lfoo or a path
    endif()
  endforeach()
endfunction()
set_property(GLOBAL PROPERTY ODIN_CAPI_BUNDLED "")
set_property(GLOBAL PROPERTY ODIN_CAPI_EXTERNAL "")
odin_capi_collect(odin_capi_deps)
get_property(ODIN_CAPI_BUNDLED GLOBAL PROPERTY ODIN_CAPI_BUNDLED)
get_property(ODIN_CAPI_EXTERNAL GLOBAL PROPERTY ODIN_CAPI_EXTERNAL)
list(REMOVE_DUPLICATES ODIN_CAPI_BUNDLED)
list(REMOVE_DUPLICATES ODIN_CAPI_EXTERNAL)

set(ODIN_CAPI_STATIC_OBJECTS $<TARGET_OBJECTS:odin_capi_objects>)
foreach(lib IN LISTS ODIN_CAPI_BUNDLED)
  list(APPEND ODIN_CAPI_STATIC_OBJECTS $<TARGET_OBJECTS:${lib}>)
endforeach()
add_library(odin_static STATIC ${ODIN_CAPI_STATIC_OBJECTS})
# The C++ runtime is named so C-only apps (linked by the C driver) work too.
target_link_libraries(odin_static INTERFACE Threads::Threads ${ODIN_CAPI_EXTERNAL} stdc++ m)
target_include_directories(odin_static INTERFACE
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_definitions(odin_static INTERFACE ODIN_STATIC)
set_target_properties(odin_static PROPERTIES OUTPUT_NAME odin EXPORT_NAME odin_static
                                             LINKER_LANGUAGE CXX)
add_library(odin::odin_static ALIAS odin_static)

# A target that builds just the C API libraries.
add_custom_target(odin_capi DEPENDS odin_shared odin_static)

# --- Install: headers, libraries, CMake package, pkg-config ------------------
set(ODIN_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/odin)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/odin DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS odin_shared odin_static EXPORT odinTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT odinTargets NAMESPACE odin:: DESTINATION ${ODIN_CMAKE_DIR})

set(ODIN_CAPI_CONFIG_IN [=[
@PACKAGE_INIT@
include(CMakeFindDependencyMacro)
find_dependency(Threads)
include("${CMAKE_CURRENT_LIST_DIR}/odinTargets.cmake")
check_required_components(odin)
]=])
odin_capi_write(${CMAKE_BINARY_DIR}/capi/odinConfig.cmake.in "${ODIN_CAPI_CONFIG_IN}")
configure_package_config_file(${CMAKE_BINARY_DIR}/capi/odinConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/capi/odinConfig.cmake
                              INSTALL_DESTINATION ${ODIN_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/capi/odinConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_BINARY_DIR}/capi/odinConfig.cmake
              ${CMAKE_BINARY_DIR}/capi/odinConfigVersion.cmake
        DESTINATION ${ODIN_CMAKE_DIR})

# odin.pc finds the prefix from its own location, so `cmake --install
# --prefix DIR` gives a working file wherever DIR is.
file(RELATIVE_PATH ODIN_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" ODIN_PC_TO_PREFIX "${ODIN_PC_TO_PREFIX}")
set(ODIN_PC_PRIVATE "")
foreach(lib IN LISTS ODIN_CAPI_EXTERNAL)
  if(lib MATCHES "^-" OR IS_ABSOLUTE "${lib}")
    string(APPEND ODIN_PC_PRIVATE " ${lib}")
  else()
    string(APPEND ODIN_PC_PRIVATE " -l${lib}")
  endif()
endforeach()
odin_capi_write(${CMAKE_BINARY_DIR}/capi/odin.pc
"prefix=\${pcfiledir}/${ODIN_PC_TO_PREFIX}
libdir=\${prefix}/${CMAKE_INSTALL_LIBDIR}
includedir=\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}

Name: odin
Description: On-device ML inference runtime (C API)
Version: ${PROJECT_VERSION}
Libs: -L\${libdir} -lodin
Libs.private: -lstdc++ -lm -pthread${ODIN_PC_PRIVATE}
Cflags: -I\${includedir}
")
install(FILES ${CMAKE_BINARY_DIR}/capi/odin.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
