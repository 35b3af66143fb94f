#!/usr/bin/env bash
# A private OpenSSH server on 127.0.0.1 for integration tests: its own host key, its own client key, key
# authentication only, a non-default port, and a known_hosts file that already holds its host key.
#   scripts/services/sshd.sh start  DIR   install (if needed), configure and start; waits until a real login works
#   scripts/services/sshd.sh stop   DIR   stop the sshd started from DIR and the sessions it serves (TERM, then KILL)
#   scripts/services/sshd.sh status DIR   exit 0 when the sshd from DIR runs and a login with its key works
# DIR (made 0700) holds the keys, sshd_config, pid file, log, the chosen port and ssh.env, a file of shell assignments
# the tests read:  AL_SSH_HOST AL_SSH_PORT AL_SSH_USER AL_SSH_IDENTITY AL_SSH_KNOWN_HOSTS.
# The port is kept in DIR/port, so a stop and a start on the same DIR come back on the same port (tests that take the
# server away and bring it back rely on this). SSHD_PORT picks the port of a first start; otherwise a free one is chosen.
# Needs the Debian package openssh-server (installed here when missing and running as root). No systemd is assumed.
set -euo pipefail
# shellcheck source=scripts/services/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

service_arguments "$0" "${1:-}" "${2:-}" 0700
start_timeout_seconds=${SSHD_START_TIMEOUT:-30}
user=$(id -un)

log() { echo "sshd.sh: $*" >&2; }

pid_alive() { # pid file
  [[ -s "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

install_packages() {
  if [[ -x /usr/sbin/sshd ]] && command -v ssh >/dev/null && command -v ssh-keygen >/dev/null; then return; fi
  if [[ "$(id -u)" -ne 0 ]]; then
    log "openssh-server is missing and installing it needs root"
    return 1
  fi
  log "installing openssh-server"
  apt_install openssh-server openssh-client
}

port_in_use() { # port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

choose_port() {
  if [[ -s "$dir/port" ]]; then cat "$dir/port"; return; fi
  local port
  if [[ -n "${SSHD_PORT:-}" ]]; then
    port=$SSHD_PORT
  else
    for _ in $(seq 100); do
      port=$((20000 + RANDOM % 20000))
      port_in_use "$port" || break
    done
  fi
  echo "$port" >"$dir/port"
  echo "$port"
}

make_keys() {
  [[ -s "$dir/host_ed25519_key" ]] || ssh-keygen -q -t ed25519 -N '' -C "al-test-host" -f "$dir/host_ed25519_key"
  [[ -s "$dir/id_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C "al-test-client" -f "$dir/id_ed25519"
  cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
  chmod 0600 "$dir/authorized_keys" "$dir/host_ed25519_key" "$dir/id_ed25519"
}

write_files() { # port
  local port=$1
  # Modes: the client key and authorized_keys live in DIR (0700), but DIR's parents (e.g. /tmp) may be
  # world-writable, which StrictModes would reject although nobody else can reach into DIR.
  cat >"$dir/sshd_config" <<CONF
# written by ActiveLearning scripts/services/sshd.sh
ListenAddress 127.0.0.1
Port $port
HostKey $dir/host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
AllowUsers $user
MaxStartups 100:30:200
MaxSessions 100
LogLevel INFO
Subsystem sftp internal-sftp
CONF
  printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$dir/host_ed25519_key.pub")" >"$dir/known_hosts"
  cat >"$dir/ssh.env" <<ENV
AL_SSH_HOST=127.0.0.1
AL_SSH_PORT=$port
AL_SSH_USER=$user
AL_SSH_IDENTITY=$dir/id_ed25519
AL_SSH_KNOWN_HOSTS=$dir/known_hosts
ENV
}

login_works() {
  local port
  port=$(cat "$dir/port")
  timeout 10 ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o ConnectTimeout=5 \
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$dir/known_hosts" -o ControlMaster=no -o ControlPath=none \
    -i "$dir/id_ed25519" -p "$port" -l "$user" 127.0.0.1 true </dev/null >/dev/null 2>&1
}

start_once() {
  local port
  port=$(choose_port)
  write_files "$port"
  mkdir -p /run/sshd 2>/dev/null || true
  chmod 0755 /run/sshd 2>/dev/null || true
  /usr/sbin/sshd -t -f "$dir/sshd_config" || { log "sshd rejected $dir/sshd_config"; return 1; }
  /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log" || return 1
  local deadline=$((SECONDS + start_timeout_seconds))
  until pid_alive "$dir/sshd.pid" && login_works; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${start_timeout_seconds}s waiting for a login on port $port; log:"
      tail -n 20 "$dir/sshd.log" >&2 || true
      return 1
    fi
    if ! pgrep -f -- "-f $dir/sshd_config" >/dev/null && grep -q 'Bind to port' "$dir/sshd.log" 2>/dev/null; then
      log "port $port is taken"
      return 3
    fi
    sleep 0.2
  done
}

start() {
  install_packages
  make_keys
  if pid_alive "$dir/sshd.pid" && login_works; then
    log "already running from $dir on port $(cat "$dir/port")"
    return 0
  fi
  # A pid file whose process died (or a process that stopped answering) is cleared first.
  stop
  local attempt status
  for attempt in 1 2 3; do
    status=0
    start_once || status=$?
    if ((status == 0)); then
      log "running from $dir on 127.0.0.1:$(cat "$dir/port") (user $user)"
      return 0
    fi
    stop
    if ((status == 3)) && [[ -z "${SSHD_PORT:-}" ]]; then
      rm -f "$dir/port"  # someone else took the port between the check and the bind: choose again
    fi
    log "start attempt $attempt failed"
  done
  return 1
}

stop() {
  local pid children
  [[ -f "$dir/sshd.pid" ]] || return 0
  pid=$(cat "$dir/sshd.pid")
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -qF -- "$dir/sshd_config" "/proc/$pid/cmdline" 2>/dev/null; then
    # The listener's children serve open connections (ControlMaster sessions among them): without them gone, a
    # "stopped" server would keep answering its existing clients.
    children=$(pgrep -P "$pid" || true)
    kill -TERM "$pid" $children 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" $children 2>/dev/null || true
  fi
  rm -f "$dir/sshd.pid"
}

status() {
  if pid_alive "$dir/sshd.pid" && login_works; then
    echo "sshd up from $dir on 127.0.0.1:$(cat "$dir/port")"
    return 0
  fi
  echo "sshd not running from $dir"
  return 1
}

run_service_command
