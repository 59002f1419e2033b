#!/bin/sh
# Starts nats-server in docker-compose.yml's nats service with the same allowed_origins `npm start`
# gives it: pages from the app (on the host's SWITCHBOARD_HTTP_PORT, as localhost or 127.0.0.1) and
# from each origin in SWITCHBOARD_ORIGINS (comma-separated) may open browser connections; pages from
# anywhere else may not. A SWITCHBOARD_ALLOWED_ORIGINS already set (npm start's fallback to Docker
# sets it) is used as it is. The arguments are nats-server's.
set -eu

if [ -z "${SWITCHBOARD_ALLOWED_ORIGINS:-}" ]; then
	port="${SWITCHBOARD_HTTP_PORT:-4280}"
	origins="\"http://localhost:${port}\", \"http://127.0.0.1:${port}\", \"http://[::1]:${port}\""
	old_ifs="$IFS"
	IFS=','
	for origin in ${SWITCHBOARD_ORIGINS:-}; do
		origin="$(echo "$origin" | tr -d ' ')"
		[ -n "$origin" ] || continue
		case "$origin" in
		http://* | https://*) ;;
		*)
			echo "SWITCHBOARD_ORIGINS: \"$origin\" is not a web origin. Give scheme, host and port only, comma-separated, e.g. https://switchboard.example.com" >&2
			exit 2
			;;
		esac
		case "$origin" in
		*\"* | *\\*)
			echo "SWITCHBOARD_ORIGINS: \"$origin\" holds a quote or backslash, which no origin does." >&2
			exit 2
			;;
		esac
		origins="$origins, \"${origin%/}\""
	done
	IFS="$old_ifs"
	SWITCHBOARD_ALLOWED_ORIGINS="[$origins]"
	export SWITCHBOARD_ALLOWED_ORIGINS
fi

exec nats-server "$@"
