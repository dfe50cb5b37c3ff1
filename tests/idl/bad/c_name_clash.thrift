# struct S_m_args and the arguments of method m of service S are both S_m_args in C.
# expect: bad/c_name_clash.thrift: the C name 'c_name_clash_S_m_args' is needed twice
struct S_m_args {}
service S { void m() }
