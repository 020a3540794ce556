#!/bin/sh
# Starts a Patchbay service in its container. Like bin/patchbay, the query cursor key comes from the mounted keys
# directory unless PATCHBAY_QUERY_CURSOR_KEY is set.
set -eu
if [ -z "${PATCHBAY_QUERY_CURSOR_KEY:-}" ] && [ -r /keys/cursor.key ]; then
    PATCHBAY_QUERY_CURSOR_KEY=$(cat /keys/cursor.key)
    export PATCHBAY_QUERY_CURSOR_KEY
fi
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
exec java $JAVA_OPTS -jar /app/service.jar "$@"
