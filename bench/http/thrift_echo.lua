-- wrk script: keep-alive POSTs of one Thrift Echo.echo call (strict binary
-- protocol, unframed, as Apache Thrift's THttpClient sends it) with a
-- 32-byte message. The request is fixed, so wrk sends it without calling
-- Lua per request. bench/http/run.sh checks one answer with curl first.
local msg = string.rep("m", 32)
local function be32(n)
  return string.char(math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256,
                     math.floor(n / 256) % 256, n % 256)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-thrift"
wrk.body = "\128\001\000\001" .. be32(4) .. "echo" .. be32(1)   -- CALL "echo", seqid 1
  .. "\012\000\001"                                             -- field 1 (req): struct
  .. "\011\000\001" .. be32(#msg) .. msg                        --   field 1 (msg): string
  .. "\000"                                                     --   end of EchoReq
  .. "\000"                                                     -- end of the arguments
