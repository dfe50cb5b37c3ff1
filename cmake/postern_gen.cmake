# postern_generate(<var> <file.thrift> [INCLUDE dir...])
# Runs `postern gen` on the IDL at build time into
# ${CMAKE_CURRENT_BINARY_DIR}/gen and appends the generated .c to <var>.
# The compiler is the executable target `postern-gen` inside postern's own
# build (output name postern; the library target is `postern`), or the
# imported `postern::postern-gen` after find_package(postern), which installs
# this file next to its package config.
# Targets using the result need ${CMAKE_CURRENT_BINARY_DIR}/gen on their
# include path (postern_generated_includes(<target>) does that).
function(postern_generate var idl)
  cmake_parse_arguments(PG "" "" "INCLUDE" ${ARGN})
  if(TARGET postern-gen)
    set(gen postern-gen)
    set(gen_dep postern-gen)
  elseif(TARGET postern::postern-gen)
    # An imported program: depend on its file, so a reinstall regenerates.
    set(gen postern::postern-gen)
    set(gen_dep $<TARGET_FILE:postern::postern-gen>)
  else()
    message(FATAL_ERROR "postern_generate: no postern compiler target "
                        "(postern-gen, or postern::postern-gen from find_package(postern))")
  endif()
  get_filename_component(base ${idl} NAME_WE)
  get_filename_component(idl_abs ${idl} ABSOLUTE)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/gen)
  set(incs)
  foreach(d ${PG_INCLUDE})
    list(APPEND incs -I ${d})
  endforeach()
  add_custom_command(
    OUTPUT ${out}/${base}.h ${out}/${base}.c
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
    COMMAND ${gen} gen -o ${out} ${incs} ${idl_abs}
    DEPENDS ${gen_dep} ${idl_abs}
    COMMENT "postern gen ${base}.thrift"
    VERBATIM)
  set(${var} ${${var}} ${out}/${base}.c PARENT_SCOPE)
endfunction()

function(postern_generated_includes target)
  target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/gen)
endfunction()
