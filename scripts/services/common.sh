# Sourced (not run) by the service scripts in this folder: the parts they share. The caller has set -euo pipefail.

# service_arguments SCRIPT COMMAND DIR [MODE]: exits 2 with a usage line when COMMAND or DIR is empty; otherwise makes DIR
# (chmod MODE when given, before anything is written into it) and sets the globals command_name and dir (absolute).
service_arguments() {
  local script=$1 mode=${4:-}
  command_name=$2
  dir=$3
  if [[ -z "$command_name" || -z "$dir" ]]; then
    echo "usage: $script start|stop|status DIR" >&2
    exit 2
  fi
  mkdir -p "$dir"
  if [[ -n "$mode" ]]; then chmod "$mode" "$dir"; fi
  dir=$(cd "$dir" && pwd)
}

# apt_install PACKAGE...: installs without recommends, refreshing the package lists once when the first try fails (a fresh
# machine has none).
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "$@" >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "$@" >/dev/null; }
}

# run_service_command: runs the script's start, stop or status function as command_name says (exit 2 otherwise).
run_service_command() {
  case "$command_name" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status DIR" >&2; exit 2 ;;
  esac
}
