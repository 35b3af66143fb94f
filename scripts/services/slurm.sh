#!/usr/bin/env bash
# A real single-node SLURM (munged + slurmctld + slurmd) on this machine, for integration tests.
#   scripts/services/slurm.sh start  DIR   install (if needed), configure and start; waits until the node is idle
#   scripts/services/slurm.sh stop   DIR   stop the daemons started from DIR (pid files; TERM, then KILL)
#   scripts/services/slurm.sh status DIR   exit 0 when the controller answers and the node is up
# DIR holds slurm.conf, state, spool, pid and log files. The configuration is also installed as
# /etc/slurm/slurm.conf so that client commands (sbatch, squeue, ... also over ssh) find it without SLURM_CONF.
# Needs root, Debian packages slurm-wlm and munge (installed here when missing). No systemd is assumed.
# Daemons of an earlier start from another DIR are stopped first, unless SLURM_OWNER_PID given to that start (./test.sh
# passes its own pid) is still alive: then this start waits (SLURM_OWNER_WAIT seconds, default 900) for that run to end.
set -euo pipefail
# shellcheck source=scripts/services/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

service_arguments "$0" "${1:-}" "${2:-}"
start_timeout_seconds=${SLURM_START_TIMEOUT:-60}
marker="# written by ActiveLearning scripts/services/slurm.sh"

log() { echo "slurm.sh: $*" >&2; }

pid_alive() { # pid file
  [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

controller_up() { scontrol ping 2>/dev/null | grep -q 'is UP'; }

node_state() { sinfo -h -N -o %T 2>/dev/null | head -n1 || true; }

install_packages() {
  if [[ -x /usr/sbin/slurmctld && -x /usr/sbin/slurmd && -x /usr/sbin/munged ]] && command -v sbatch >/dev/null; then return; fi
  if [[ "$(id -u)" -ne 0 ]]; then
    log "slurm-wlm and munge are missing and installing them needs root"
    return 1
  fi
  log "installing slurm-wlm and munge"
  apt_install slurm-wlm munge
}

write_config() {
  local hardware cpus memory
  hardware=$(slurmd -C | head -n1)
  cpus=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$hardware")
  memory=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$hardware")
  # Test jobs are mostly tiny and several test assemblies share this one node, so the node offers at least
  # SLURM_MIN_CPUS CPUs (config_overrides lets slurmd accept more than it has); a long test job (a time-out test)
  # then does not stall everybody else's.
  if ((cpus < ${SLURM_MIN_CPUS:-8})); then cpus=${SLURM_MIN_CPUS:-8}; fi
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
SlurmdParameters=config_overrides
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
NodeName=localhost CPUs=$cpus Boards=1 SocketsPerBoard=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=$memory State=UNKNOWN
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

# Usable: idle, or busy with jobs of a start before this one (restarting in the same DIR keeps its jobs).
node_ready() { [[ "$(node_state)" =~ ^(idle|mixed|allocated|completing)$ ]]; }

wait_for_other_owner() {
  # The daemons of another DIR whose owner (the ./test.sh that started them, see SLURM_OWNER_PID) still runs are in
  # use: wait for that run to end instead of pulling SLURM from under its tests. A dead owner means a killed run.
  local other owner deadline=$((SECONDS + ${SLURM_OWNER_WAIT:-900}))
  other=$(sed -n 's/^StateSaveLocation=\(.*\)\/state$/\1/p' /etc/slurm/slurm.conf 2>/dev/null || true)
  [[ -n "$other" && "$other" != "$dir" && -s "$other/owner" ]] || return 0
  owner=$(cat "$other/owner")
  while kill -0 "$owner" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "SLURM of $other is still in use by process $owner; giving up"
      return 1
    fi
    log "SLURM of $other is in use by process $owner; waiting"
    sleep 5
  done
}

stop_leftovers() {
  # Daemons of an earlier start from another DIR (a run killed before its clean-up) hold SLURM's ports and would
  # make this start fail; those started by this script are recognised by the marker in /etc/slurm/slurm.conf.
  local daemon pid
  wait_for_other_owner
  for daemon in slurmctld slurmd; do
    for pid in $(pgrep -x "$daemon" || true); do
      if ! grep -qF "$marker" /etc/slurm/slurm.conf 2>/dev/null; then
        log "a $daemon ($pid) not started by this script is running; stop it first"
        return 1
      fi
      log "stopping leftover $daemon ($pid) of an earlier start"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    done
  done
}

start() {
  install_packages
  if pid_alive "$dir/slurmctld.pid" && pid_alive "$dir/slurmd.pid" && controller_up && node_ready; then
    log "already running from $dir"
    return 0
  fi
  # Whatever is half up (a daemon killed by hand, a controller that stopped answering) is restarted as a whole.
  stop_daemons
  stop_leftovers
  write_config
  if [[ -n "${SLURM_OWNER_PID:-}" ]]; then echo "$SLURM_OWNER_PID" >"$dir/owner"; else rm -f "$dir/owner"; fi
  start_munge
  /usr/sbin/slurmctld
  wait_until "scontrol ping to report UP" controller_up
  /usr/sbin/slurmd -N localhost
  wait_until "the node to be idle" node_ready
  log "running from $dir (node $(node_state))"
}

stop_by_pid_file() { # pid file, name
  local file=$1 name=$2 pid
  [[ -f "$file" ]] || return 0
  pid=$(cat "$file")
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name ($pid) ignored TERM; killing"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

stop_daemons() {
  stop_by_pid_file "$dir/slurmd.pid" slurmd
  stop_by_pid_file "$dir/slurmctld.pid" slurmctld
}

stop() {
  stop_daemons
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

run_service_command
