// Included with a UTF-8 byte order mark at its start.
struct Marked {
  1: i32 id
}
