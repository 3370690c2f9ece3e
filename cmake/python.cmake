# The Python package odin (python/, README "Python"): the extension odin._odin
# (pybind11) over the C API and the vision, LLM and bench libraries, and the
# package's Python files, put together in ${CMAKE_BINARY_DIR}/python/odin so
# PYTHONPATH=build/python imports it; `cmake --install` installs it.
# ODIN_PYTHON: ON builds it (or fails), OFF skips it; unset, it is built when
# an interpreter with pybind11 and numpy is found (Debian: python3-pybind11,
# python3-numpy, pybind11-dev from tools/setup.sh).

# The first python3 with pybind11 and numpy: the one given, the one on PATH,
# then Debian's (a pyenv or venv interpreter first on PATH may lack them).
function(odin_find_python out)
  find_program(ODIN_PATH_PYTHON3 python3)
  foreach(candidate IN ITEMS ${Python3_EXECUTABLE} ${ODIN_PATH_PYTHON3} /usr/bin/python3)
    if(EXISTS "${candidate}")
      execute_process(COMMAND ${candidate} -c "import numpy, pybind11" RESULT_VARIABLE rc
                      OUTPUT_QUIET ERROR_QUIET)
      if(rc EQUAL 0)
        set(${out} ${candidate} PARENT_SCOPE)
        return()
      endif()
    endif()
  endforeach()
  set(${out} "" PARENT_SCOPE)
endfunction()

if(DEFINED ODIN_PYTHON AND NOT ODIN_PYTHON)
  return()
endif()
odin_find_python(ODIN_PYTHON_INTERPRETER)
if(ODIN_PYTHON_INTERPRETER)
  set(Python3_EXECUTABLE ${ODIN_PYTHON_INTERPRETER} CACHE FILEPATH "" FORCE)
  find_package(Python3 COMPONENTS Interpreter Development.Module)
  find_package(pybind11 CONFIG)
endif()
if(NOT ODIN_PYTHON_INTERPRETER OR NOT Python3_Development.Module_FOUND OR NOT pybind11_FOUND)
  if(ODIN_PYTHON)
    message(FATAL_ERROR "ODIN_PYTHON is ON but no python3 with numpy, pybind11 and its headers "
                        "was found (tools/setup.sh installs them)")
  endif()
  message(STATUS "Python package: off (no python3 with numpy and pybind11; tools/setup.sh)")
  return()
endif()
set(ODIN_PYTHON ON CACHE BOOL "Build the Python package (pybind11, numpy)")
message(STATUS "Python package: on (${Python3_EXECUTABLE}, pybind11 ${pybind11_VERSION})")

set(ODIN_PYTHON_DIR ${CMAKE_BINARY_DIR}/python/odin)
file(GLOB ODIN_PYTHON_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/python/src/*.cpp)
# The C API's objects are linked in (not libodin.so), so the extension holds
# one copy of the core that the vision, LLM and bench libraries share.
pybind11_add_module(odin_python MODULE NO_EXTRAS ${ODIN_PYTHON_SOURCES}
                    $<TARGET_OBJECTS:odin_capi_objects>)
target_link_libraries(odin_python PRIVATE odin_capi_deps odin_vision odin_bench)
target_include_directories(odin_python PRIVATE ${CMAKE_SOURCE_DIR}/include)
# Only the module's init function is exported (not the C API's odin_*).
set(ODIN_PYTHON_VERSION_SCRIPT ${CMAKE_BINARY_DIR}/python/odin_python.map)
file(WRITE ${ODIN_PYTHON_VERSION_SCRIPT} "{\n  global: PyInit__odin;\n  local: *;\n};\n")
target_link_options(odin_python PRIVATE -Wl,--exclude-libs,ALL
                    -Wl,--version-script=${ODIN_PYTHON_VERSION_SCRIPT})
set_target_properties(odin_python PROPERTIES OUTPUT_NAME _odin
                                             LIBRARY_OUTPUT_DIRECTORY ${ODIN_PYTHON_DIR}
                                             LINK_DEPENDS ${ODIN_PYTHON_VERSION_SCRIPT})

# The package's Python files next to the extension.
file(GLOB ODIN_PYTHON_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/python/odin/*.py
     ${CMAKE_SOURCE_DIR}/python/odin/*.pyi ${CMAKE_SOURCE_DIR}/python/odin/py.typed)
set(ODIN_PYTHON_COPIES "")
foreach(file IN LISTS ODIN_PYTHON_FILES)
  get_filename_component(name ${file} NAME)
  add_custom_command(OUTPUT ${ODIN_PYTHON_DIR}/${name}
                     COMMAND ${CMAKE_COMMAND} -E copy ${file} ${ODIN_PYTHON_DIR}/${name}
                     DEPENDS ${file})
  list(APPEND ODIN_PYTHON_COPIES ${ODIN_PYTHON_DIR}/${name})
endforeach()
add_custom_target(odin_python_files ALL DEPENDS ${ODIN_PYTHON_COPIES})
add_dependencies(odin_python odin_python_files)

# Install: into the interpreter's site-packages under the default prefix,
# and the same relative folder under a prefix given to `cmake --install`.
execute_process(COMMAND ${Python3_EXECUTABLE} -c "import sysconfig; print(sysconfig.get_path('platlib'))"
                OUTPUT_VARIABLE ODIN_PYTHON_PLATLIB OUTPUT_STRIP_TRAILING_WHITESPACE)
set(ODIN_PYTHON_RELATIVE
    lib/python${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR}/site-packages)
if(ODIN_PYTHON_PLATLIB MATCHES "^${CMAKE_INSTALL_PREFIX}/(.+)$")
  set(ODIN_PYTHON_RELATIVE ${CMAKE_MATCH_1})  # Debian: lib/python3.11/dist-packages
endif()
set(ODIN_PYTHON_INSTALL_DIR ${ODIN_PYTHON_RELATIVE} CACHE STRING
    "Where cmake --install puts the package odin (relative to the prefix, or absolute)")
install(TARGETS odin_python LIBRARY DESTINATION ${ODIN_PYTHON_INSTALL_DIR}/odin)
install(FILES ${ODIN_PYTHON_FILES} DESTINATION ${ODIN_PYTHON_INSTALL_DIR}/odin)
