-- wrk script: keep-alive POSTs of one JSON call, Echo.echo with a 32-byte
-- message, the way curl or a browser calls postern's front door. The
-- request is fixed, so wrk sends it without calling Lua per request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"req":{"msg":"' .. string.rep("m", 32) .. '"}}'
