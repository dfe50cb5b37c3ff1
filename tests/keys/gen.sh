#!/bin/sh
# Regenerates the TLS test keys: a test CA, a server certificate for
# localhost / 127.0.0.1 / ::1 and a client certificate, all signed by the CA
# and valid for 10,000 days. For tests and the thrifttest programs only:
# the private keys are public.
#   tests/keys/gen.sh        (writes next to itself)
set -eu
cd "$(dirname "$0")"
DAYS=10000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout ca.key -out ca.crt -days $DAYS -subj "/O=postern tests/CN=postern test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

leaf() { # name subject san extendedKeyUsage
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$1.key" -out "$tmp/$1.csr" -subj "$2" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=%s\nextendedKeyUsage=%s\n' \
        "$3" "$4" >"$tmp/$1.ext"
    openssl x509 -req -in "$tmp/$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
        -CAserial "$tmp/ca.srl" -out "$1.crt" -days $DAYS -extfile "$tmp/$1.ext" 2>/dev/null
}
leaf server "/O=postern tests/CN=localhost" \
    "DNS:localhost,IP:127.0.0.1,IP:::1" serverAuth
leaf client "/O=postern tests/CN=postern-test-client" \
    "DNS:postern-test-client" clientAuth
# A second CA that signed nothing here: a client trusting only it must
# refuse the server.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$tmp/other.key" -out other-ca.crt -days $DAYS \
    -subj "/O=postern tests/CN=unrelated CA" 2>/dev/null
chmod 644 ./*.key
echo "tests/keys: ca.crt server.crt/.key client.crt/.key other-ca.crt written"
