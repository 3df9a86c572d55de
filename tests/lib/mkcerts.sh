#!/usr/bin/env bash
# mkcerts.sh DIR [SAN...]: a throwaway test CA and two server certificates signed by it.
#   DIR/ca.pem                 the CA certificate (what clients trust)
#   DIR/server.pem server.key  valid for localhost, 127.0.0.1 and ::1, and for
#                              each extra SAN given (e.g. IP:10.201.0.1)
#   DIR/wrong.pem  wrong.key   valid only for wrong.example.invalid
# Idempotent: an existing DIR/ca.pem is kept, and server.pem too while it
# names the same SANs (DIR/server.san records them).
set -eu
dir=$1
shift
san="DNS:localhost,IP:127.0.0.1,IP:::1"
for extra in "$@"; do san="$san,$extra"; done
mkdir -p "$dir"
cd "$dir"
# A folder from before server.san existed has the default names.
have_san=$(cat server.san 2>/dev/null || echo "DNS:localhost,IP:127.0.0.1,IP:::1")
[ -s ca.pem ] && [ -s server.pem ] && [ -s wrong.pem ] && [ "$have_san" = "$san" ] && exit 0
umask 077
new_ca=
if ! [ -s ca.pem ] || ! [ -s ca.key ]; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 \
		-subj "/CN=postern test CA" -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	new_ca=1
fi
issue() { # issue NAME SAN
	openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$2" >"$1.ext"
	openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" \
		-days 3650 -extfile "$1.ext" 2>/dev/null
	rm -f "$1.csr" "$1.ext"
}
issue server "$san"
printf '%s\n' "$san" >server.san
{ [ -z "$new_ca" ] && [ -s wrong.pem ]; } || issue wrong "DNS:wrong.example.invalid"
chmod 644 ca.pem server.pem wrong.pem
