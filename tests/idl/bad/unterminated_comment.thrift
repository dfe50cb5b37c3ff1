# expect: bad/unterminated_comment.thrift:3:1: unterminated block comment
struct X {}
/* no end
