# expect: bad/extends_unknown.thrift:2:19: unknown service 'Nowhere'
service S extends Nowhere {}
