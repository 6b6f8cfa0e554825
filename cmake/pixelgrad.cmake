# Build settings shared by every Pixelgrad target, and the ones the grader hands to a submission's
# compiler: a student's .cpp is compiled with exactly these flags so that it links with the kit.

set(PIXELGRAD_ARCH_FLAGS "")
if(PIXELGRAD_NATIVE)
  set(PIXELGRAD_ARCH_FLAGS "-march=native")
endif()

# the interface every numeric target gets: Eigen, handing large products to OpenBLAS
add_library(pixelgrad_numeric INTERFACE)
target_link_libraries(pixelgrad_numeric INTERFACE Eigen3::Eigen ${PIXELGRAD_OPENBLAS} Threads::Threads)
target_compile_definitions(pixelgrad_numeric INTERFACE EIGEN_USE_BLAS)
target_compile_options(pixelgrad_numeric INTERFACE ${PIXELGRAD_ARCH_FLAGS} -Wall -Wextra)
# g++ 12 reports -Wrestrict overlaps of 2^63 bytes inside std::string concatenations (a false
# positive, gone in g++ 13): a build must print the warnings that point at real code only
target_compile_options(pixelgrad_numeric INTERFACE
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)
target_compile_features(pixelgrad_numeric INTERFACE cxx_std_20)
add_library(pixelgrad::numeric ALIAS pixelgrad_numeric)

# The kit: what a submission is compiled and linked against, assembled in the build tree.
set(PIXELGRAD_KIT_DIR ${CMAKE_BINARY_DIR}/kit)
string(TOUPPER "${CMAKE_BUILD_TYPE}" _pg_build_type)
get_filename_component(_pg_cxx_real ${CMAKE_CXX_COMPILER} REALPATH)
set(PIXELGRAD_SUBMISSION_CXXFLAGS
    "-std=c++20 ${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${_pg_build_type}} ${PIXELGRAD_ARCH_FLAGS} -DEIGEN_USE_BLAS")
get_target_property(_pg_eigen_inc Eigen3::Eigen INTERFACE_INCLUDE_DIRECTORIES)
file(GENERATE OUTPUT ${PIXELGRAD_KIT_DIR}/toolchain.txt CONTENT
"cxx=${_pg_cxx_real}
cxxflags=${PIXELGRAD_SUBMISSION_CXXFLAGS}
system_includes=${_pg_eigen_inc}
libs=${PIXELGRAD_OPENBLAS} -lpthread
precompiled=pixelgrad/precompiled.hpp
")

# The kit's precompiled header (grader/kit/precompiled.hpp): Eigen and the standard headers,
# compiled once with the submission's flags, so that each grading does not parse them again.
set(_pg_pch_source ${PROJECT_SOURCE_DIR}/grader/kit/precompiled.hpp)
set(_pg_pch ${PIXELGRAD_KIT_DIR}/include/pixelgrad/precompiled.hpp)
separate_arguments(_pg_pch_flags UNIX_COMMAND "${PIXELGRAD_SUBMISSION_CXXFLAGS}")
set(_pg_pch_includes "")
foreach(inc ${_pg_eigen_inc})
  list(APPEND _pg_pch_includes -isystem ${inc})
endforeach()
add_custom_command(OUTPUT ${_pg_pch}.gch
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${_pg_pch_source} ${_pg_pch}
  COMMAND ${_pg_cxx_real} ${_pg_pch_flags} ${_pg_pch_includes} -x c++-header ${_pg_pch} -o ${_pg_pch}.gch
  DEPENDS ${_pg_pch_source}
  COMMENT "Precompiling the kit's header pixelgrad/precompiled.hpp"
  VERBATIM)
add_custom_target(pixelgrad_kit_precompiled ALL DEPENDS ${_pg_pch}.gch)

# pixelgrad_kit_headers(<assignment> <header>...): copies a contract's headers into the kit.
function(pixelgrad_kit_headers name)
  set(outputs "")
  foreach(header ${ARGN})
    get_filename_component(base ${header} NAME)
    set(out ${PIXELGRAD_KIT_DIR}/include/${name}/${base})
    add_custom_command(OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -E copy_if_different ${CMAKE_CURRENT_SOURCE_DIR}/${header} ${out}
      DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${header} VERBATIM)
    list(APPEND outputs ${out})
  endforeach()
  add_custom_target(pixelgrad_kit_headers_${name} ALL DEPENDS ${outputs})
endfunction()
