#!/usr/bin/env bash
# A grpcurl stand-in for the README test: takes grpcurl's arguments as the README writes them
# and answers through `buf curl` (server reflection, plaintext HTTP/2), since no grpcurl
# package is installable on the CI machines. BUF must point at the buf binary.
set -euo pipefail
data=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -plaintext|-format-error) shift ;;
    -d) data="$2"; shift 2 ;;
    -*) echo "grpcurl-via-buf: unsupported flag $1" >&2; exit 64 ;;
    *) args+=("$1"); shift ;;
  esac
done
host="${args[0]:?address missing}"
verb="${args[1]:-list}"
curl_args=(curl --protocol grpc --http2-prior-knowledge)

case "$verb" in
  list)
    exec "$BUF" "${curl_args[@]}" --list-services "http://$host"
    ;;
  describe)
    # buf curl cannot print descriptors; prove the symbol resolves by reflection instead.
    symbol="${args[2]:?symbol missing}"
    methods="$("$BUF" "${curl_args[@]}" --list-methods "http://$host")"
    case "$symbol" in
      # buf's lint rules name every request and response after its method.
      *Request|*Response)
        method="${symbol##*.}"; method="${method%Request}"; method="${method%Response}"
        grep -q "/$method\$" <<<"$methods" ;;
      *) grep -qx "${symbol%.*}/${symbol##*.}" <<<"$methods" ;;
    esac
    echo "$symbol"
    ;;
  *)
    if [ -n "$data" ]; then
      exec "$BUF" "${curl_args[@]}" -d "$data" "http://$host/$verb"
    fi
    exec "$BUF" "${curl_args[@]}" "http://$host/$verb"
    ;;
esac
