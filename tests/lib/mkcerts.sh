#!/usr/bin/env bash
# mkcerts.sh DIR: a throwaway test CA and two server certificates signed by it.
#   DIR/ca.pem                 the CA certificate (what clients trust)
#   DIR/server.pem server.key  valid for localhost, 127.0.0.1 and ::1
#   DIR/wrong.pem  wrong.key   valid only for wrong.example.invalid
# Idempotent: an existing DIR/ca.pem is kept.
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"
[ -s ca.pem ] && [ -s server.pem ] && [ -s wrong.pem ] && exit 0
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 \
	-subj "/CN=postern test CA" -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
issue() { # issue NAME SAN
	openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$2" >"$1.ext"
	openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" \
		-days 3650 -extfile "$1.ext" 2>/dev/null
	rm -f "$1.csr" "$1.ext"
}
issue server "DNS:localhost,IP:127.0.0.1,IP:::1"
issue wrong "DNS:wrong.example.invalid"
chmod 644 ca.pem server.pem wrong.pem
