#!/bin/sh
# Debian packages the SLURM tests need: slurm-wlm (slurmctld, slurmd and the sbatch /
# squeue / sinfo clients) and munge (the authentication daemon SLURM uses). The tests
# start a throwaway single-node cluster of their own (tests/slurm_cluster.py), so no
# service is configured or enabled here. Installs the packages when a program is
# missing and this runs as root with apt-get; otherwise says what is missing, and the
# SLURM tests skip outside CI (in CI, CI=true, they fail instead).
set -u
PACKAGES="slurm-wlm munge"
missing=""
for prog in slurmctld slurmd sbatch munged; do
    # The daemons live in /usr/sbin, which a non-root PATH may lack.
    command -v "$prog" >/dev/null 2>&1 || [ -x "/usr/sbin/$prog" ] || missing="$missing $prog"
done
if [ -z "$missing" ]; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    echo "installing Debian packages: $PACKAGES (missing:$missing)"
    # shellcheck disable=SC2086  # PACKAGES is a word list on purpose
    apt-get install -y -q $PACKAGES >/dev/null 2>&1 || {
        apt-get update -q >/dev/null && apt-get install -y -q $PACKAGES >/dev/null
    } || { echo "apt-get could not install $PACKAGES" >&2; exit 1; }
else
    echo "note:$missing missing and this is not root with apt-get:"
    echo "      SLURM tests will skip (CI=true: fail). Install with:"
    echo "      sudo apt-get install $PACKAGES"
fi
