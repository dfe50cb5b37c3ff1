# postern_generate(<var> <file.thrift> [INCLUDE dir...])
# Runs `postern gen` on the IDL at build time into
# ${CMAKE_CURRENT_BINARY_DIR}/gen and appends the generated .c to <var>.
# The compiler is the executable target `postern-gen` (output name postern;
# the library target is `postern`).
# Targets using the result need ${CMAKE_CURRENT_BINARY_DIR}/gen on their
# include path (postern_generated_includes(<target>) does that).
function(postern_generate var idl)
  cmake_parse_arguments(PG "" "" "INCLUDE" ${ARGN})
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
    COMMAND postern-gen gen -o ${out} ${incs} ${idl_abs}
    DEPENDS postern-gen ${idl_abs}
    COMMENT "postern gen ${base}.thrift"
    VERBATIM)
  set(${var} ${${var}} ${out}/${base}.c PARENT_SCOPE)
endfunction()

function(postern_generated_includes target)
  target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/gen)
endfunction()
