#!/bin/sh
# Creates the `temporal` and `temporal_visibility` databases on PostgreSQL and brings both
# schemas to the version temporal-sql-tool carries. Run by both engines that use it:
# docker-compose (one-shot service `temporal-admin-tools`, image temporalio/admin-tools)
# and `npm start -- --temporal postgres` (src/stack/postgres-engine.ts, with the tool built
# into .tools/). Safe to run again: `create` ignores an existing database,
# `setup-schema -v 0.0` keeps a newer version, and `update-schema` applies only the missing
# steps (so a newer pinned server upgrades the schema before it starts).
#
# Environment: POSTGRES_SEEDS (host), DB_PORT, POSTGRES_USER, SQL_PASSWORD (read by
# temporal-sql-tool), DBNAME and VISIBILITY_DBNAME (optional), TEMPORAL_SQL_TOOL (default:
# temporal-sql-tool on PATH).
set -eu

: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
DB_PORT="${DB_PORT:-5432}"
DBNAME="${DBNAME:-temporal}"
VISIBILITY_DBNAME="${VISIBILITY_DBNAME:-temporal_visibility}"
TOOL="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"

sql() {
  "$TOOL" --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

# The schema files are embedded in the tool (--schema-name), so no schema folder has to
# match the tool's version.
setup() {
  db="$1"
  schema="$2"
  echo "schema of database ${db}"
  sql --db "$db" create
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema --schema-name "$schema"
}

setup "$DBNAME" postgresql/v12/temporal
setup "$VISIBILITY_DBNAME" postgresql/v12/visibility
echo "PostgreSQL schemas are up to date"
