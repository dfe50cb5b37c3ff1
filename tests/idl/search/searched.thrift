// Found only through the -I search path (tests pass -I tests/idl/search).
namespace c inc_searched

struct Found { 1: bool yes = true }
