#!/usr/bin/env bash
# The one command that runs every test: installs the Debian packages the tests use, starts a private SLURM and sshd on
# loopback (scripts/services), builds, runs `dotnet test` for the whole solution, stops the services it started and
# prints the totals. Exits non-zero on any failure or when a needed component cannot be installed or started.
set -euo pipefail
cd "$(dirname "$0")"

# Packages the tests need, with a file each one provides (to tell whether it is installed).
declare -A needed=(
  [python3-ase]=/usr/lib/python3/dist-packages/ase/__init__.py
  [python3-spglib]=/usr/lib/python3/dist-packages/spglib/__init__.py
  [lammps]=/usr/bin/lmp
  [lammps-data]=/usr/share/lammps/potentials/Si.sw
  [openkim-models]=/usr/lib/x86_64-linux-gnu/kim-api/portable-models/SNAP_ZuoChenLi_2019_Si__MO_869330304805_000/libkim-api-portable-model.so
  [libkim-api-dev]=/usr/include/kim-api/KIM_Collection.h
  [cmake]=/usr/bin/cmake   # cmake, make and g++ build OpenKIM portable models from SNAP files a campaign wrote
  [make]=/usr/bin/make
  [g++]=/usr/bin/g++
  [quantum-espresso]=/usr/bin/pw.x
  [quantum-espresso-data]=/usr/share/espresso/pseudo/Si.pbe-rrkj.UPF
  [cp2k]=/usr/bin/cp2k
  [cp2k-data]=/usr/share/cp2k/DFTB/nonscc/nonscc_parameter
  [slurm-wlm]=/usr/sbin/slurmctld
  [slurmd]=/usr/sbin/slurmd
  [slurm-client]=/usr/bin/sbatch
  [munge]=/usr/sbin/munged
  [openssh-server]=/usr/sbin/sshd
  [openssh-client]=/usr/bin/scp
  [procps]=/usr/bin/pgrep
)

missing=()
for package in "${!needed[@]}"; do
  [ -e "${needed[$package]}" ] || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: installing packages needs root (or install them yourself: apt-get install ${missing[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for package in "${!needed[@]}"; do
  if [ ! -e "${needed[$package]}" ]; then
    echo "test.sh: $package is still missing after installation" >&2
    exit 1
  fi
done

# Services for the integration tests, in a fresh state directory; whatever was started is stopped on every exit.
services_dir=$(mktemp -d /tmp/al-services.XXXXXX)
stop_services() {
  scripts/services/sshd.sh stop "$services_dir/sshd" || true
  scripts/services/slurm.sh stop "$services_dir/slurm" || true
  rm -rf "$services_dir"
}
trap stop_services EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export SLURM_OWNER_PID=$$  # another ./test.sh waits for this one instead of taking SLURM over mid-run
start_service() { # name: one retry from a clean directory, because a failed start loses the whole run
  local name=$1 attempt
  for attempt in 1 2; do
    if timeout 1200 "scripts/services/$name.sh" start "$services_dir/$name"; then return 0; fi
    echo "test.sh: starting $name failed (attempt $attempt); its files:" >&2
    tail -n 30 "$services_dir/$name"/log/* "$services_dir/$name"/*.log 2>/dev/null >&2 || true
    "scripts/services/$name.sh" stop "$services_dir/$name" || true
    rm -rf "${services_dir:?}/$name"
  done
  echo "test.sh: cannot start $name" >&2
  return 1
}
start_service slurm
start_service sshd
set -a
# shellcheck source=/dev/null
. "$services_dir/sshd/ssh.env"
set +a
export AL_SLURM_DIR="$services_dir/slurm" AL_SERVICES_SCRIPTS="$PWD/scripts/services"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build ActiveLearning.sln -c Release -nologo -clp:ErrorsOnly
results=$(mktemp -d)
status=0
dotnet test ActiveLearning.sln -c Release --no-build --nologo \
  --logger "trx" --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=true || status=$?

# One closing line with the totals over all test assemblies.
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done
rm -rf "$results"
echo "Total: $passed passed, $failed failed, $skipped skipped"
if [ "$skipped" -gt 0 ]; then
  echo "test.sh: $skipped test(s) were skipped; every test must run" >&2
  status=1
fi
exit $status
