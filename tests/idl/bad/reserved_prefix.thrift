# expect: the C prefix 'pst' of bad/reserved_prefix.thrift is reserved
namespace c pst
struct X {}
