#!/bin/sh
# Starts a Patchbay service in its container. Like bin/patchbay, the query cursor key and the consistency key come
# from the mounted keys directory unless PATCHBAY_QUERY_CURSOR_KEY or PATCHBAY_CONSISTENCY_KEY is set.
set -eu
if [ -z "${PATCHBAY_QUERY_CURSOR_KEY:-}" ] && [ -r /keys/cursor.key ]; then
    PATCHBAY_QUERY_CURSOR_KEY=$(cat /keys/cursor.key)
    export PATCHBAY_QUERY_CURSOR_KEY
fi
# The Consistency-Token key likewise: command-service signs with it, query-service checks with it.
if [ -z "${PATCHBAY_CONSISTENCY_KEY:-}" ] && [ -r /keys/consistency.key ]; then
    PATCHBAY_CONSISTENCY_KEY=$(cat /keys/consistency.key)
    export PATCHBAY_CONSISTENCY_KEY
fi
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
exec java $JAVA_OPTS -jar /app/service.jar "$@"
