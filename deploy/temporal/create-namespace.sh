#!/bin/sh
# Creates the namespace if it is missing and registers the
# custom search attributes of every order run (src/shared/search-attributes.ts; the
# compose test checks that both lists agree). Safe to run again: an existing namespace
# is left as it is, and attributes that already exist with the same type are skipped.
# Run by both engines that need it: docker-compose (one-shot service
# `temporal-create-namespace`, image temporalio/admin-tools) and
# `npm start -- --temporal postgres` (src/stack/postgres-engine.ts).
#
# Environment (same names as the service's own launcher, src/stack/stack.ts): TEMPORAL_CLI
# (default: temporal on PATH),
# TEMPORAL_ADDRESS (host:port), TEMPORAL_NAMESPACE, TEMPORAL_RETENTION (e.g. 720h = 30
# days: how long closed orders, and with them workflow-level deduplication, are kept).
set -eu

TEMPORAL="${TEMPORAL_CLI:-temporal}"
ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_RETENTION:-720h}"

# Retries a command: the frontend may answer before the namespace cache has caught up.
retry() {
  tries=0
  until "$@"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 30 ]; then
      echo "gave up: $*" >&2
      return 1
    fi
    sleep 2
  done
}

echo "waiting for the Temporal frontend at ${ADDRESS}"
retry sh -c "\"$TEMPORAL\" operator cluster health --address '$ADDRESS' | grep -q SERVING"

ensure_namespace() {
  if "$TEMPORAL" operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
    echo "namespace ${NAMESPACE} exists"
  else
    echo "creating namespace ${NAMESPACE} (retention ${RETENTION})"
    "$TEMPORAL" operator namespace create --address "$ADDRESS" --namespace "$NAMESPACE" --retention "$RETENTION"
  fi
}
retry ensure_namespace

echo "registering search attributes in ${NAMESPACE}"
retry "$TEMPORAL" operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" \
  --name OrderStatus --type Keyword \
  --name CustomerId --type Keyword \
  --name OrderTotalCents --type Int
# The frontend resolves them once its namespace cache has refreshed (every 2 s): a query
# on all three answers only then, so nothing that starts after this job is refused them.
echo "waiting for the frontend to resolve them"
retry "$TEMPORAL" workflow count --address "$ADDRESS" --namespace "$NAMESPACE" \
  --query "OrderStatus = 'PENDING' AND CustomerId = '-' AND OrderTotalCents = 0" >/dev/null
echo "namespace ${NAMESPACE} is ready"
