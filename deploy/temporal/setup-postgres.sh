#!/bin/sh
# One-shot schema job (docker-compose service `temporal-admin-tools`, image
# temporalio/admin-tools): creates the `temporal` and `temporal_visibility` databases on
# PostgreSQL and brings both schemas to the version the admin-tools image ships.
# Safe to run again: `create` ignores an existing database, `setup-schema -v 0.0` keeps a
# newer version, and `update-schema` applies only the missing steps (so bumping the image
# tag upgrades the schema before the new server starts).
#
# Environment: POSTGRES_SEEDS (host), DB_PORT, POSTGRES_USER, SQL_PASSWORD (read by
# temporal-sql-tool), DBNAME and VISIBILITY_DBNAME (optional).
set -eu

: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
DB_PORT="${DB_PORT:-5432}"
DBNAME="${DBNAME:-temporal}"
VISIBILITY_DBNAME="${VISIBILITY_DBNAME:-temporal_visibility}"
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

echo "waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}"
tries=0
until nc -z -w 2 "$POSTGRES_SEEDS" "$DB_PORT"; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "PostgreSQL did not answer" >&2
    exit 1
  fi
  sleep 1
done

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

setup() {
  db="$1"
  dir="$2"
  echo "schema of database ${db}"
  sql --db "$db" create
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "$dir"
}

setup "$DBNAME" "$SCHEMA_DIR/temporal/versioned"
setup "$VISIBILITY_DBNAME" "$SCHEMA_DIR/visibility/versioned"
echo "PostgreSQL schemas are up to date"
