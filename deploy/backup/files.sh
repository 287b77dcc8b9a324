#!/usr/bin/env bash
# Back up and restore what is outside the database, with restic (Debian package `restic`:
# content-addressed, encrypted (AES-256 + Poly1305), deduplicated, verifiable with `restic check`).
#
# Two repositories, two passwords, two places (docs/deployment.md "Backups and restore"):
#   media   MEDIA_ROOT (uploaded materials, signed documents, queued dataset pushes): hourly.
#   keys    the 国密 keys (SM4 key ring, blind-index key, SM2 signing key), SECRET_KEY, the
#           environment/configuration files and pgBackRest's repository passphrase: daily and
#           after every change. Kept apart from the data it unlocks: a thief of the media or the
#           database backup must not find the keys beside it.
#
#   files.sh init            create both repositories (once)
#   files.sh media           snapshot MEDIA_ROOT
#   files.sh keys            snapshot KEY_PATHS
#   files.sh check           prune forgotten media snapshots, then verify both repositories
#                            (structure, a 5 % sample of the media data, all of the keys)
#   files.sh restore-media DIR [SNAPSHOT]   restore MEDIA_ROOT's files into DIR (default: latest)
#   files.sh restore-keys  DIR [SNAPSHOT]   restore the keys and configuration into DIR
#
# Environment (e.g. /etc/yiwang/backup.env, mode 0600, root only):
#   MEDIA_REPOSITORY, MEDIA_PASSWORD_FILE   the media repository (a path, sftp:, s3:, rest:)
#   KEYS_REPOSITORY,  KEYS_PASSWORD_FILE    the keys repository (another host, another password)
#   MEDIA_ROOT                              the directory to back up
#   KEY_PATHS                               space-separated files/directories (keys, env files)
#   RESTIC                                  the restic binary (default: restic)
set -euo pipefail

RESTIC=${RESTIC:-restic}
cmd=${1:-}

need() {
    for name in "$@"; do
        if [[ -z "${!name:-}" ]]; then
            echo "files.sh: $name is not set (see the header of $0)" >&2
            exit 2
        fi
    done
}

media_restic() { need MEDIA_REPOSITORY MEDIA_PASSWORD_FILE; "$RESTIC" -q -r "$MEDIA_REPOSITORY" --password-file "$MEDIA_PASSWORD_FILE" "$@"; }
keys_restic() { need KEYS_REPOSITORY KEYS_PASSWORD_FILE; "$RESTIC" -q -r "$KEYS_REPOSITORY" --password-file "$KEYS_PASSWORD_FILE" "$@"; }

case "$cmd" in
init)
    media_restic init
    keys_restic init
    ;;
media)
    need MEDIA_ROOT
    # Materials are written once under a fresh name and never changed: a snapshot taken after a
    # database point in time holds every file that point refers to (and perhaps a few newer ones).
    media_restic backup --tag media --host yiwang "$MEDIA_ROOT"
    # Keep hourly for two days, daily for five weeks (the database's PITR window), monthly for a year.
    # (forgetting is cheap; the space is reclaimed by the weekly `check`, which prunes first)
    media_restic forget --tag media --host yiwang --keep-hourly 48 --keep-daily 35 --keep-monthly 12
    ;;
keys)
    need KEY_PATHS
    # shellcheck disable=SC2086  # KEY_PATHS is a list of paths by design
    keys_restic backup --tag keys --host yiwang $KEY_PATHS
    # Keys are never forgotten: old SM4 keys decrypt old backups, old SM2 keys verify old heads.
    ;;
check)
    media_restic prune
    media_restic check --read-data-subset=5%
    keys_restic check --read-data
    ;;
restore-media)
    target=${2:?files.sh restore-media DIR [SNAPSHOT]}
    media_restic restore "${3:-latest}" --tag media --host yiwang --target "$target"
    ;;
restore-keys)
    target=${2:?files.sh restore-keys DIR [SNAPSHOT]}
    keys_restic restore "${3:-latest}" --tag keys --host yiwang --target "$target"
    ;;
*)
    sed -n "2,28p" "$0" >&2
    exit 2
    ;;
esac
