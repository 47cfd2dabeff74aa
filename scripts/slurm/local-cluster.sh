#!/usr/bin/env bash
# A local Slurm cluster for LlmCore's integration tests and demos: munged, slurmctld, N logical nodes (one slurmd
# each) with G fake GPUs (gres) per node, and slurmrestd (REST API v0.0.38) on 127.0.0.1 with JWT auth and on a
# unix socket with local auth. Everything lives under $SLURM_LOCAL_DIR (default: <repo>/artifacts/slurm); nothing
# is written to /etc and nothing listens beyond the loopback interface.
#
# Usage: scripts/slurm/local-cluster.sh start|stop|status|env|purge
#   start   install Debian's packages when missing (needs root and apt), write the configuration, start the
#           daemons that are not running (restarting them when the configuration changed), wait until every node
#           responds and both slurmrestd instances answer, then write $SLURM_LOCAL_DIR/cluster.env and print it.
#   stop    cancel this cluster's jobs and stop its daemons by the PIDs in its pid files (nothing else).
#   status  print what runs; exit 0 when the cluster is up.
#   env     print cluster.env (SLURM_CONF, SLURMRESTD_URL, SLURMRESTD_SOCKET, SLURMRESTD_TOKEN, ...).
#   purge   stop, then delete $SLURM_LOCAL_DIR.
#
# Settings (environment): SLURM_LOCAL_DIR, SLURM_LOCAL_NODES (4), SLURM_LOCAL_GPUS (8 per node),
# SLURM_LOCAL_CPUS (8 per node), SLURM_LOCAL_CTLD_PORT (6817), SLURM_LOCAL_SLURMD_PORT (17001, first of N),
# SLURM_LOCAL_REST_PORT (6820), SLURM_LOCAL_TIMEOUT (60 s).
#
# The pitfalls this avoids are listed in the project's research notes on Slurm: no systemd (daemons started by hand,
# slurmrestd with setsid), a private munge socket in a world-executable folder, fake GPUs as symlinks to /dev/null,
# config_overrides for more CPUs than the host has, SLURM_JWT only in the JWT slurmrestd's environment,
# cred_expire=10 and sched_interval=2 so that requeued jobs restart in about 12 s, batch_sched_delay=0 so that a
# released job starts in under a second.
set -euo pipefail
unset SLURM_JWT   # never in the environment of the daemons or the CLI (it switches them to auth/jwt)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
DIR="${SLURM_LOCAL_DIR:-$repo/artifacts/slurm}"
NODES="${SLURM_LOCAL_NODES:-4}"
GPUS="${SLURM_LOCAL_GPUS:-8}"
CPUS="${SLURM_LOCAL_CPUS:-8}"
CTLD_PORT="${SLURM_LOCAL_CTLD_PORT:-6817}"
SLURMD_PORT="${SLURM_LOCAL_SLURMD_PORT:-17001}"
REST_PORT="${SLURM_LOCAL_REST_PORT:-6820}"
TIMEOUT="${SLURM_LOCAL_TIMEOUT:-60}"
API_VERSION="v0.0.38"
export SLURM_CONF="$DIR/etc/slurm.conf"

log() { printf 'local-cluster: %s\n' "$*" >&2; }
die() { printf 'local-cluster: error: %s\n' "$*" >&2; exit 1; }

node_names() {
  local i
  for ((i = 1; i <= NODES; i++)); do printf 'n%d\n' "$i"; done
}

# A pid from a pid file, printed only when that process is alive (not a zombie) and has the expected name.
live_pid() {
  local file="$1" name="$2" pid state comm
  [ -f "$file" ] || return 1
  pid="$(tr -dc '0-9' 2>/dev/null < "$file")" || return 1
  [ -n "$pid" ] || return 1
  [ -r "/proc/$pid/stat" ] || return 1
  state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
  [ "$state" != "Z" ] || return 1
  comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
  [ "$comm" = "$name" ] || return 1
  printf '%s\n' "$pid"
}

stop_pid_file() {
  local file="$1" name="$2" pid i
  if pid="$(live_pid "$file" "$name")"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      live_pid "$file" "$name" >/dev/null || break
      sleep 0.1
    done
    if live_pid "$file" "$name" >/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

install_packages() {
  local missing=()
  command -v slurmctld >/dev/null 2>&1 || missing+=(slurm-wlm)
  command -v slurmrestd >/dev/null 2>&1 || missing+=(slurmrestd)
  command -v munged >/dev/null 2>&1 || missing+=(munge)
  [ -e /usr/lib/x86_64-linux-gnu/slurm-wlm/auth_jwt.so ] || ls /usr/lib/*/slurm-wlm/auth_jwt.so >/dev/null 2>&1 \
    || missing+=(slurm-wlm-jwt-plugin)
  [ "${#missing[@]}" -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}); run as root or install them: apt-get install slurm-wlm slurmrestd munge slurm-wlm-jwt-plugin"
  command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get to install them"
  log "installing ${missing[*]} (apt-get update first)"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    slurm-wlm slurmrestd munge slurm-wlm-jwt-plugin >/dev/null
}

write_config() {
  mkdir -p "$DIR"/{etc,munge,state,spool,run,log,dev,jobs}
  chmod 755 "$DIR" "$DIR/etc" "$DIR/munge" "$DIR/run" "$DIR/log"
  chmod 1777 "$DIR/jobs"
  local i
  for ((i = 0; i < GPUS; i++)); do ln -sfn /dev/null "$DIR/dev/gpu$i"; done
  if [ ! -s "$DIR/etc/jwt_hs256.key" ]; then
    (umask 077 && head -c 32 /dev/urandom > "$DIR/etc/jwt_hs256.key")
  fi
  local last_port=$((SLURMD_PORT + NODES - 1)) gpu_files
  if [ "$GPUS" -gt 1 ]; then gpu_files="$DIR/dev/gpu[0-$((GPUS - 1))]"; else gpu_files="$DIR/dev/gpu0"; fi
  local tmp="$DIR/etc/slurm.conf.new"
  cat > "$tmp" <<EOF
# Generated by scripts/slurm/local-cluster.sh; do not edit (it is rewritten on every start).
ClusterName=llmcore
SlurmctldHost=localhost
SlurmctldPort=$CTLD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$DIR/munge/munge.socket,cred_expire=10
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$DIR/etc/jwt_hs256.key
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool/%n
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd-%n.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.log
MpiDefault=none
MailProg=/bin/true
SwitchType=switch/none
SchedulerType=sched/builtin
SchedulerParameters=batch_sched_delay=0,sched_interval=2
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
GresTypes=gpu
PreemptType=preempt/partition_prio
PreemptMode=REQUEUE
JobRequeue=1
SlurmdParameters=config_overrides
ReturnToService=2
KillWait=2
MinJobAge=600
MaxJobCount=20000
InactiveLimit=0
NodeName=n[1-$NODES] NodeHostname=localhost NodeAddr=127.0.0.1 Port=[$SLURMD_PORT-$last_port] CPUs=$CPUS RealMemory=8000 Gres=gpu:$GPUS State=UNKNOWN
PartitionName=batch  Nodes=n[1-$NODES] Default=YES MaxTime=INFINITE State=UP PriorityTier=1
PartitionName=urgent Nodes=n[1-$NODES] Default=NO  MaxTime=INFINITE State=UP PriorityTier=10
EOF
  printf 'NodeName=n[1-%s] Name=gpu File=%s\n' "$NODES" "$gpu_files" > "$DIR/etc/gres.conf.new"
  chmod 644 "$tmp" "$DIR/etc/gres.conf.new"
  CONFIG_CHANGED=0
  if [ -f "$DIR/etc/slurm.conf" ] && { ! cmp -s "$tmp" "$DIR/etc/slurm.conf" || ! cmp -s "$DIR/etc/gres.conf.new" "$DIR/etc/gres.conf"; }; then
    CONFIG_CHANGED=1
  fi
  mv -f "$tmp" "$DIR/etc/slurm.conf"
  mv -f "$DIR/etc/gres.conf.new" "$DIR/etc/gres.conf"
}

stop_daemons() {
  local n
  stop_pid_file "$DIR/run/slurmrestd-jwt.pid" slurmrestd
  stop_pid_file "$DIR/run/slurmrestd-unix.pid" slurmrestd
  for f in "$DIR"/run/slurmd-*.pid; do
    [ -e "$f" ] || continue
    stop_pid_file "$f" slurmd
  done
  stop_pid_file "$DIR/run/slurmctld.pid" slurmctld
  stop_pid_file "$DIR/munge/munged.pid" munged
  # Orphaned job steps of this cluster only: slurmstepd processes whose environment names this SLURM_CONF.
  for pid in $(pgrep -x slurmstepd 2>/dev/null || true); do
    if tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx "SLURM_CONF=$SLURM_CONF"; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -f "$DIR/run/slurmrestd.sock"
}

wait_until() {
  local what="$1"; shift
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "timed out after ${TIMEOUT}s waiting for $what (logs: $DIR/log)"
    sleep 0.1
  done
}

# Every node responds and can take jobs (idle on a fresh cluster; mixed or allocated when jobs of an earlier run
# are still running, so that a repeated start does not wait for them).
all_nodes_ready() {
  local out
  out="$(sinfo -h -N -o '%N %T' 2>/dev/null | sort -u)" || return 1
  [ "$(grep -cE ' (idle|mixed|allocated|completing)$' <<<"$out")" -eq "$NODES" ]
}

rest_ping() {
  curl -fsS --max-time 2 -H "X-SLURM-USER-NAME: root" -H "X-SLURM-USER-TOKEN: $1" \
    "http://127.0.0.1:$REST_PORT/slurm/$API_VERSION/ping" >/dev/null &&
    curl -fsS --max-time 2 --unix-socket "$DIR/run/slurmrestd.sock" "http://localhost/slurm/$API_VERSION/ping" >/dev/null
}

start() {
  local t0=$SECONDS
  install_packages
  write_config
  if [ "$CONFIG_CHANGED" -eq 1 ]; then
    log "configuration changed: restarting the daemons"
    stop_daemons
  fi
  if ! live_pid "$DIR/munge/munged.pid" munged >/dev/null; then
    [ -s "$DIR/munge/munge.key" ] || { mungekey -c -k "$DIR/munge/munge.key" >/dev/null 2>&1 || dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none; }
    chmod 600 "$DIR/munge/munge.key"
    rm -f "$DIR/munge/munge.socket" "$DIR/munge/munge.socket.lock"
    munged --key-file="$DIR/munge/munge.key" --socket="$DIR/munge/munge.socket" --pid-file="$DIR/munge/munged.pid" \
      --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/munged.seed" --force
  fi
  wait_until "munged" bash -c "munge -S '$DIR/munge/munge.socket' -n | unmunge -S '$DIR/munge/munge.socket'"
  if ! live_pid "$DIR/run/slurmctld.pid" slurmctld >/dev/null; then
    slurmctld
  fi
  wait_until "slurmctld" scontrol ping
  local n started_nodes=0
  for n in $(node_names); do
    if ! live_pid "$DIR/run/slurmd-$n.pid" slurmd >/dev/null; then
      mkdir -p "$DIR/spool/$n"
      slurmd -N "$n"
      started_nodes=1
    fi
  done
  # A node left DRAIN/DOWN by an earlier run comes back (pitfall: stale DRAIN).
  sleep 0.2
  if sinfo -h -N -o '%N %T' 2>/dev/null | grep -Eq ' (drain|drained|down|inval)'; then
    scontrol update nodename="n[1-$NODES]" state=resume >/dev/null 2>&1 || true
  fi
  wait_until "$NODES ready nodes" all_nodes_ready
  if ! live_pid "$DIR/run/slurmrestd-unix.pid" slurmrestd >/dev/null; then
    rm -f "$DIR/run/slurmrestd.sock"
    SLURMRESTD_SECURITY=disable_user_check setsid slurmrestd -s "openapi/$API_VERSION" -a rest_auth/local \
      "unix:$DIR/run/slurmrestd.sock" >> "$DIR/log/slurmrestd-unix.log" 2>&1 < /dev/null &
    echo $! > "$DIR/run/slurmrestd-unix.pid"
  fi
  if ! live_pid "$DIR/run/slurmrestd-jwt.pid" slurmrestd >/dev/null; then
    SLURM_JWT=daemon setsid slurmrestd -u nobody -g nogroup -s "openapi/$API_VERSION" -a rest_auth/jwt \
      "127.0.0.1:$REST_PORT" >> "$DIR/log/slurmrestd-jwt.log" 2>&1 < /dev/null &
    echo $! > "$DIR/run/slurmrestd-jwt.pid"
  fi
  local token
  token="$(scontrol token username=root lifespan=86400 | sed -n 's/^SLURM_JWT=//p')"
  [ -n "$token" ] || die "scontrol token gave no token"
  wait_until "slurmrestd on 127.0.0.1:$REST_PORT and $DIR/run/slurmrestd.sock" rest_ping "$token"
  (umask 077 && cat > "$DIR/cluster.env" <<EOF
SLURM_CONF=$SLURM_CONF
SLURMRESTD_URL=http://127.0.0.1:$REST_PORT
SLURMRESTD_SOCKET=$DIR/run/slurmrestd.sock
SLURMRESTD_API_VERSION=$API_VERSION
SLURMRESTD_USER=root
SLURMRESTD_TOKEN=$token
SLURM_JWT_KEY_FILE=$DIR/etc/jwt_hs256.key
SLURM_LOCAL_JOBDIR=$DIR/jobs
SLURM_LOCAL_NODES=$NODES
SLURM_LOCAL_GPUS=$GPUS
EOF
  )
  log "up: $NODES nodes x $GPUS GPUs, REST http://127.0.0.1:$REST_PORT and unix:$DIR/run/slurmrestd.sock ($((SECONDS - t0)) s)"
  print_env
}

print_env() {
  [ -f "$DIR/cluster.env" ] || die "no cluster.env: run '$0 start' first"
  sed 's/^/export /' "$DIR/cluster.env"
}

status() {
  local up=0 n
  if pid="$(live_pid "$DIR/munge/munged.pid" munged)"; then echo "munged      pid $pid"; else echo "munged      stopped"; up=1; fi
  if pid="$(live_pid "$DIR/run/slurmctld.pid" slurmctld)"; then echo "slurmctld   pid $pid"; else echo "slurmctld   stopped"; up=1; fi
  for n in $(node_names); do
    if pid="$(live_pid "$DIR/run/slurmd-$n.pid" slurmd)"; then echo "slurmd $n   pid $pid"; else echo "slurmd $n   stopped"; up=1; fi
  done
  if pid="$(live_pid "$DIR/run/slurmrestd-jwt.pid" slurmrestd)"; then echo "slurmrestd  pid $pid http://127.0.0.1:$REST_PORT"; else echo "slurmrestd  (jwt) stopped"; up=1; fi
  if pid="$(live_pid "$DIR/run/slurmrestd-unix.pid" slurmrestd)"; then echo "slurmrestd  pid $pid unix:$DIR/run/slurmrestd.sock"; else echo "slurmrestd  (unix) stopped"; up=1; fi
  if [ "$up" -eq 0 ]; then sinfo -N -o '%N %T %G' 2>/dev/null || true; fi
  return "$up"
}

stop() {
  if live_pid "$DIR/run/slurmctld.pid" slurmctld >/dev/null; then
    scancel --full --quiet --user=root 2>/dev/null || true
  fi
  stop_daemons
  rm -f "$DIR/cluster.env"
  log "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) print_env ;;
  purge) stop; rm -rf "$DIR"; log "purged $DIR" ;;
  *) echo "usage: $0 start|stop|status|env|purge" >&2; exit 2 ;;
esac
