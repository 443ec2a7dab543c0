#!/bin/sh
# Makes sure the tests have a Redis on 127.0.0.1:6379 and a PostgreSQL
# database they can use without a password, starting what is missing, and
# prints the database URL for COFFRE_TEST_DATABASE_URL.
set -e
url=${COFFRE_TEST_DATABASE_URL:-postgres://127.0.0.1:5432/test?sslmode=disable}

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
	redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no >&2
fi

if psql "$url" -c 'select 1' >/dev/null 2>&1; then
	echo "$url"
	exit 0
fi

# No usable server: a private cluster with trust authentication, kept
# between runs under /tmp.
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=/tmp/coffre-test-pg port=55432
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! "$bin/pg_isready" -q -h 127.0.0.1 -p $port; then
	if [ ! -f $dir/PG_VERSION ]; then
		rm -rf $dir && mkdir -p $dir
		[ "$(id -u)" = 0 ] && chown postgres $dir
		as_pg "$bin/initdb" -D $dir -A trust -U postgres >&2
	fi
	as_pg "$bin/pg_ctl" -D $dir -o "-p $port -k /tmp -c listen_addresses=127.0.0.1" -l $dir/log -w start >&2
	"$bin/createdb" -h 127.0.0.1 -p $port -U postgres test 2>/dev/null || true
fi
echo "postgres://postgres@127.0.0.1:$port/test?sslmode=disable"
