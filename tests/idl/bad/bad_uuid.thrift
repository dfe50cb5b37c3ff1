# expect: bad/bad_uuid.thrift:2:16: '00112233-4455-6677-8899-aabbccddeefg' is not a uuid
const uuid U = "00112233-4455-6677-8899-aabbccddeefg"
