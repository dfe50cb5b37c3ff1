/**
 * comments.thrift: every comment style Thrift knows.
 * This first doc comment documents the file.
 */
namespace c comments // a trailing comment

# a shell-style comment
// a C++-style comment
/* a C-style comment
   spanning lines */
/**/
/***/

/** A documented enum. */
enum Documented {
  /** Documented value. */
  ONE = 1,
  TWO /* undocumented, after the name */ = 2
}

/**
 * A struct whose doc has
 *   indented lines,
 * a comment terminator-lookalike * / and a /-star,
 * and trigraph bait ??= and ??/
 */
struct Doc {
  /** Doc for a field. */
  1: i32 a
  // not a doc comment
  2: i32 b
  /* not a doc comment either */ 3: i32 c
  /** doc goes before the id */ 4: i32 d,
  5: i32 /* comments may sit anywhere */ e /* even here */ = /* and here */ 5
}

/** Sloppy
  doc without stars
      and odd indentation   */
typedef i32 Sloppy

/**  */
typedef i32 EmptyDoc

/** Doc for a service. */
service Commented {
  /** Doc for a method. */
  void m(/** doc for a parameter */ 1: i32 p) # trailing
}
// a comment at the very end, without a newline