#!/usr/bin/env bash
# A real single-node SLURM (munged + slurmctld + slurmd) on this machine, for integration tests.
#   scripts/services/slurm.sh start  DIR   install (if needed), configure and start; waits until the node is idle
#   scripts/services/slurm.sh stop   DIR   stop the daemons started from DIR (pid files; TERM, then KILL)
#   scripts/services/slurm.sh status DIR   exit 0 when the controller answers and the node is up
# DIR holds slurm.conf, state, spool, pid and log files. The configuration is also installed as
# /etc/slurm/slurm.conf so that client commands (sbatch, squeue, ... also over ssh) find it without SLURM_CONF.
# Needs root, Debian packages slurm-wlm and munge (installed here when missing). No systemd is assumed.
set -euo pipefail

command_name=${1:-}
dir=${2:-}
if [[ -z "$command_name" || -z "$dir" ]]; then
  echo "usage: $0 start|stop|status DIR" >&2
  exit 2
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
start_timeout_seconds=${SLURM_START_TIMEOUT:-60}
marker="# written by ActiveLearning scripts/services/slurm.sh"

log() { echo "slurm.sh: $*" >&2; }

pid_alive() { # pid file
  [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

controller_up() { scontrol ping 2>/dev/null | grep -q 'is UP'; }

node_state() { sinfo -h -N -o %T 2>/dev/null | head -n1 || true; }

install_packages() {
  if command -v slurmctld >/dev/null && command -v munged >/dev/null; then return; fi
  log "installing slurm-wlm and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends slurm-wlm munge >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends slurm-wlm munge >/dev/null; }
}

write_config() {
  local hardware cpus memory
  hardware=$(slurmd -C | head -n1)
  cpus=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$hardware")
  memory=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$hardware")
  mkdir -p "$dir/state" "$dir/spool" "$dir/log"
  # A state directory of another ClusterName makes slurmctld refuse to start, so the name is fixed here.
  cat >"$dir/slurm.conf" <<CONF
$marker
ClusterName=alcluster
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1024
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
MinJobAge=300
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/linux
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=localhost CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  if [[ -f /etc/slurm/slurm.conf ]] && ! grep -qF "$marker" /etc/slurm/slurm.conf; then
    cp /etc/slurm/slurm.conf "/etc/slurm/slurm.conf.before-activelearning"
    log "kept the previous /etc/slurm/slurm.conf as slurm.conf.before-activelearning"
  fi
  mkdir -p /etc/slurm
  cp "$dir/slurm.conf" /etc/slurm/slurm.conf
}

start_munge() {
  if [[ ! -s /etc/munge/munge.key ]]; then
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
  fi
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  if pid_alive /run/munge/munged.pid; then return; fi
  runuser -u munge -- /usr/sbin/munged --force
  touch "$dir/munged.started-here"
}

wait_until() { # description, command...
  local description=$1; shift
  local deadline=$((SECONDS + start_timeout_seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${start_timeout_seconds}s waiting for $description; see $dir/log"
      return 1
    fi
    sleep 0.2
  done
}

node_idle() { [[ "$(node_state)" == idle* ]]; }

start() {
  install_packages
  if pid_alive "$dir/slurmctld.pid" && pid_alive "$dir/slurmd.pid" && controller_up && node_idle; then
    log "already running from $dir"
    return 0
  fi
  write_config
  start_munge
  if ! pid_alive "$dir/slurmctld.pid"; then /usr/sbin/slurmctld; fi
  wait_until "scontrol ping to report UP" controller_up
  if ! pid_alive "$dir/slurmd.pid"; then /usr/sbin/slurmd -N localhost; fi
  wait_until "the node to be idle" node_idle
  log "running from $dir (node $(node_state))"
}

stop_by_pid_file() { # pid file, name
  local file=$1 name=$2 pid
  [[ -f "$file" ]] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name ($pid) ignored TERM; killing"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

stop() {
  stop_by_pid_file "$dir/slurmd.pid" slurmd
  stop_by_pid_file "$dir/slurmctld.pid" slurmctld
  if [[ -f "$dir/munged.started-here" ]]; then
    stop_by_pid_file /run/munge/munged.pid munged
    rm -f "$dir/munged.started-here"
  fi
}

status() {
  if pid_alive "$dir/slurmctld.pid" && pid_alive "$dir/slurmd.pid" && controller_up; then
    echo "slurm up from $dir, node $(node_state)"
    return 0
  fi
  echo "slurm not running from $dir"
  return 1
}

case "$command_name" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status DIR" >&2; exit 2 ;;
esac
