#!/bin/sh
# PLACEHOLDER archive_command hook of the Patroni cluster, until the backup tier (deploy/backup/)
# replaces it with its own (pgBackRest / WAL-G / pg_basebackup + archive). PostgreSQL calls
#   archive-wal.sh %p %f <archive dir>
# from the data directory, as the postgres user. A segment is acknowledged (exit 0) only once it
# is durably in the archive; an existing segment is never overwritten (identical: accepted again).
set -eu
src="$1" name="$2" dir="$3"
dest="$dir/$name"
if [ -f "$dest" ]; then
    cmp -s "$src" "$dest" && exit 0
    echo "archive-wal: $dest exists with different content" >&2
    exit 1
fi
cp "$src" "$dest.tmp"
sync "$dest.tmp"
mv "$dest.tmp" "$dest"
sync "$dir"
