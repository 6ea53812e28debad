#!/usr/bin/env bash
# The production profile on one machine (docs/operations.md, "One machine: make prod"):
#
#   HAProxy on ANBUD_PROXY_PORT  ->  gunicorn web1 (ANBUD_WEB1_PORT), gunicorn web2 (ANBUD_WEB2_PORT)
#   Celery worker (queue celery), the search follower (manage.py search_follow), Celery beat
#   PostgreSQL (DATABASE_URL), Redis (REDIS_URL: cache), RabbitMQ (ANBUD_BROKER_URL: broker)
#   S3-compatible object storage: ANBUD_S3_ENDPOINT_URL, or a local moto server when unset
#
#   deploy/prod.sh          start everything in the foreground; Ctrl-C or SIGTERM stops it all
#   deploy/prod.sh check    run every health check once; exit 0 when all pass
#
# Everything is configured through the environment (README, "Configuration"); the defaults
# below suit one machine. Secrets that are not set are generated once into ANBUD_PROD_STATE.
# PostgreSQL, Redis and RabbitMQ are system services: when their address is on this machine
# and they do not answer, they are started with Debian's commands and left running.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${ANBUD_PYTHON:-$ROOT/.venv/bin/python}
BIN=$(dirname "$PY")
STATE=${ANBUD_PROD_STATE:-$ROOT/data/prod}
LOGS=$STATE/log
mkdir -p "$STATE" "$LOGS"
chmod 700 "$STATE"

PROXY_PORT=${ANBUD_PROXY_PORT:-8080}
WEB1_PORT=${ANBUD_WEB1_PORT:-8081}
WEB2_PORT=${ANBUD_WEB2_PORT:-8082}
S3_PORT=${ANBUD_S3_PORT:-9000}

# --- configuration -------------------------------------------------------------------------
export DJANGO_SETTINGS_MODULE=backend.settings.base
export DEBUG=0
export CELERY_TASK_ALWAYS_EAGER=0
unset ANBUD_RUN_ADDR
export ANBUD_DATA_DIR=${ANBUD_DATA_DIR:-$STATE/data}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/anbud}
export DB_CONN_MAX_AGE=${DB_CONN_MAX_AGE:-60}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
# RabbitMQ is the recommended broker (docs/operations.md, "Broker"); a redis:// URL works too.
export ANBUD_BROKER_URL=${ANBUD_BROKER_URL:-amqp://guest:guest@127.0.0.1:5672//}
LOCAL_S3=0
if [ -z "${ANBUD_S3_ENDPOINT_URL:-}" ] && [ -z "${ANBUD_S3_BUCKET:-}" ]; then
  LOCAL_S3=1  # moto's server mode stands in for S3 (tests, trying it out): nothing persists
  export ANBUD_S3_ENDPOINT_URL=http://127.0.0.1:$S3_PORT
  export ANBUD_S3_ACCESS_KEY_ID=${ANBUD_S3_ACCESS_KEY_ID:-anbud-local}
  export ANBUD_S3_SECRET_ACCESS_KEY=${ANBUD_S3_SECRET_ACCESS_KEY:-anbud-local-secret}
fi
export ANBUD_S3_BUCKET=${ANBUD_S3_BUCKET:-anbud}
export ANBUD_S3_REGION=${ANBUD_S3_REGION:-eu-north-1}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export ANBUD_SITE_URL=${ANBUD_SITE_URL:-http://127.0.0.1:$PROXY_PORT}
export ANBUD_PROXY_COUNT=${ANBUD_PROXY_COUNT:-1}  # HAProxy sets X-Forwarded-For
export EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}

secret_file() {  # secret_file NAME PYTHON_EXPRESSION: generated once into STATE (mode 0600)
  local file=$STATE/$1
  if [ ! -s "$file" ]; then (umask 077; "$PY" -c "import secrets; print($2)" > "$file"); fi
  cat "$file"
}
if [ -z "${SECRET_KEY:-}" ]; then
  SECRET_KEY=$(secret_file secret_key "secrets.token_urlsafe(50)")
  export SECRET_KEY
fi
if [ -z "${ANBUD_RECEIPT_KEY:-}" ]; then
  ANBUD_RECEIPT_KEY=$(secret_file receipt_key "secrets.token_hex(32)")
  export ANBUD_RECEIPT_KEY
fi

# HAProxy's configuration reads these (deploy/haproxy.cfg).
export ANBUD_PROXY_BIND=${ANBUD_PROXY_BIND:-127.0.0.1:$PROXY_PORT}
export ANBUD_WEB1_ADDR=127.0.0.1:$WEB1_PORT
export ANBUD_WEB2_ADDR=127.0.0.1:$WEB2_PORT
export ANBUD_CHECK_HOST=${ALLOWED_HOSTS%%,*}

log() { echo "[prod $(date -u +%H:%M:%S)] $*"; }

url_part() {  # url_part URL hostname|port|path DEFAULT_PORT
  "$PY" -c 'import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print({"hostname": p.hostname or "", "port": p.port or sys.argv[3],
       "path": p.path.lstrip("/")}[sys.argv[2]])' "$1" "$2" "${3:-0}"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_port() {  # wait_port HOST PORT SECONDS NAME
  local i
  for i in $(seq 1 $(($3 * 5))); do port_open "$1" "$2" && return 0; sleep 0.2; done
  log "$4 does not answer on $1:$2"; return 1
}

is_local() { case "$1" in 127.*|localhost|::1|"") return 0;; *) return 1;; esac; }

# --- health checks (also `deploy/prod.sh check`) ---------------------------------------------
check_all() {
  # The proxy's own liveness, each web process's readiness and the site's through the proxy,
  # the Celery workers (a ping over the broker) and beat (its heartbeat, run by a worker).
  "$PY" -m backend.health all "http://127.0.0.1:$PROXY_PORT/proxy-healthz" \
    "http://127.0.0.1:$WEB1_PORT/readyz" "http://127.0.0.1:$WEB2_PORT/readyz" \
    "http://127.0.0.1:$PROXY_PORT/readyz"
}

if [ "${1:-start}" = "check" ]; then
  check_all
  exit $?
fi

# --- the services this machine runs ----------------------------------------------------------
DB_HOST=$(url_part "$DATABASE_URL" hostname)
DB_PORT=$(url_part "$DATABASE_URL" port 5432)
DB_NAME=$(url_part "$DATABASE_URL" path)
if ! port_open "${DB_HOST:-127.0.0.1}" "$DB_PORT" && is_local "$DB_HOST"; then
  log "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
fi
wait_port "${DB_HOST:-127.0.0.1}" "$DB_PORT" 30 PostgreSQL
if is_local "$DB_HOST" && command -v psql >/dev/null; then
  # The database itself, on a local server with trust authentication (as on this machine).
  "$PY" - <<'PY'
import os, psycopg, dj_database_url
cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
with psycopg.connect(host=cfg["HOST"] or "127.0.0.1", port=cfg["PORT"] or 5432,
                     user=cfg["USER"] or "postgres", password=cfg["PASSWORD"] or None,
                     dbname="postgres", autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone():
        conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
PY
fi

REDIS_HOST=$(url_part "$REDIS_URL" hostname)
REDIS_PORT=$(url_part "$REDIS_URL" port 6379)
if ! port_open "${REDIS_HOST:-127.0.0.1}" "$REDIS_PORT" && is_local "$REDIS_HOST"; then
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no
fi
wait_port "${REDIS_HOST:-127.0.0.1}" "$REDIS_PORT" 30 Redis

BROKER_HOST=$(url_part "$ANBUD_BROKER_URL" hostname)
case "$ANBUD_BROKER_URL" in
  amqp*) BROKER_PORT=$(url_part "$ANBUD_BROKER_URL" port 5672)
    if ! port_open "${BROKER_HOST:-127.0.0.1}" "$BROKER_PORT" && is_local "$BROKER_HOST"; then
      log "starting RabbitMQ"
      rabbitmq-server -detached
    fi
    wait_port "${BROKER_HOST:-127.0.0.1}" "$BROKER_PORT" 60 RabbitMQ;;
  redis*) BROKER_PORT=$(url_part "$ANBUD_BROKER_URL" port 6379)
    wait_port "${BROKER_HOST:-127.0.0.1}" "$BROKER_PORT" 30 "Redis (broker)";;
esac

if ! command -v haproxy >/dev/null 2>&1; then
  log "installing HAProxy (Debian)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null 2>&1 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; }
fi

# --- the processes this script owns ----------------------------------------------------------
# Each process gets a process group of its own (job control), so stopping one also sweeps up
# whatever it leaves behind (gunicorn or Celery pool processes of a killed parent), and a
# Ctrl-C on the terminal reaches only this script, which then stops the rest in order.
set -m
declare -A PIDS=()
ORDER=()  # start order; stopped in reverse
start() {  # start NAME COMMAND...: a child process, its output in $LOGS/NAME.log
  local name=$1; shift
  "$@" >>"$LOGS/$name.log" 2>&1 &
  PIDS[$name]=$!
  ORDER+=("$name")
  log "started $name (pid ${PIDS[$name]}, log $LOGS/$name.log)"
}

STOPPING=0
stop_group() {  # stop_group NAME...: SIGTERM to each, then wait (SIGKILL after the deadline)
  local name pid deadline=$((SECONDS + ${ANBUD_STOP_SECONDS:-30}))
  for name in "$@"; do
    pid=${PIDS[$name]:-}; [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  done
  for name in "$@"; do
    pid=${PIDS[$name]:-}; [ -n "$pid" ] || continue
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then log "$name did not stop in time: killed"; fi
    # The whole process group: the process, if still there, and anything it left behind.
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    log "stopped $name"
  done
}
stop() {
  [ $STOPPING = 1 ] && return
  STOPPING=1
  trap '' TERM INT
  # The proxy first (no new requests), then the web processes, workers and beat together
  # (gunicorn finishes its requests, a worker its tasks), object storage last.
  local name rest=()
  for name in "${ORDER[@]}"; do case $name in proxy|s3) ;; *) rest+=("$name");; esac; done
  stop_group proxy
  [ ${#rest[@]} -gt 0 ] && stop_group "${rest[@]}"
  stop_group s3
}
trap 'stop; exit 0' TERM INT
trap 'stop' EXIT

if [ $LOCAL_S3 = 1 ]; then
  start s3 "$BIN/moto_server" -H 127.0.0.1 -p "$S3_PORT"
  wait_port 127.0.0.1 "$S3_PORT" 30 "moto (S3)"
fi

log "migrating the database, collecting static files"
"$PY" manage.py migrate --noinput >"$LOGS/setup.log" 2>&1 || { cat "$LOGS/setup.log"; exit 1; }
"$PY" manage.py collectstatic --noinput >>"$LOGS/setup.log" 2>&1 \
  || { cat "$LOGS/setup.log"; exit 1; }
if [ -d ../shared/standards/codelists ] && [ "${ANBUD_LOAD_CODELISTS:-1}" = 1 ]; then
  "$PY" manage.py load_codelists >>"$LOGS/setup.log" 2>&1 || log "load_codelists failed"
fi
# The bucket, when it does not exist yet (a real S3 bucket is usually made by the operator).
"$PY" - <<'PY' || { log "object storage does not answer"; exit 1; }
import os, boto3
from botocore.exceptions import ClientError
s3 = boto3.client("s3", endpoint_url=os.environ.get("ANBUD_S3_ENDPOINT_URL") or None,
                  aws_access_key_id=os.environ.get("ANBUD_S3_ACCESS_KEY_ID") or None,
                  aws_secret_access_key=os.environ.get("ANBUD_S3_SECRET_ACCESS_KEY") or None,
                  region_name=os.environ["ANBUD_S3_REGION"])
bucket = os.environ["ANBUD_S3_BUCKET"]
try:
    s3.head_bucket(Bucket=bucket)
except ClientError:
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={
        "LocationConstraint": os.environ["ANBUD_S3_REGION"]})
PY

WEB_WORKERS=${ANBUD_WEB_WORKERS:-2}
for node in 1 2; do
  port_var=WEB${node}_PORT
  start "web$node" "$BIN/gunicorn" backend.wsgi --name "anbud-web$node" \
    --bind "127.0.0.1:${!port_var}" --workers "$WEB_WORKERS" --timeout 120 \
    --graceful-timeout 20 --access-logfile - --error-logfile -
done

start worker "$BIN/celery" -A backend worker -Q celery -n "anbud-worker@%h" \
  --concurrency "${ANBUD_WORKER_CONCURRENCY:-2}" --loglevel INFO
# The search follower of this machine's index directory (ANBUD_DATA_DIR/search), which both
# web processes read: it applies the search outbox to the index (docs/search.md). On several
# machines, each runs one beside its web processes.
start search "$PY" "$ROOT/manage.py" search_follow
start beat "$BIN/celery" -A backend beat --schedule "$STATE/celerybeat-schedule" \
  --pidfile "$STATE/celerybeat.pid" --loglevel INFO
wait_port 127.0.0.1 "$WEB1_PORT" 60 web1
wait_port 127.0.0.1 "$WEB2_PORT" 60 web2
start proxy haproxy -db -f "$ROOT/deploy/haproxy.cfg"
wait_port 127.0.0.1 "$PROXY_PORT" 30 HAProxy

log "Anbud (production profile) on $ANBUD_SITE_URL; logs in $LOGS; Ctrl-C stops it"
log "health checks: deploy/prod.sh check (docs/operations.md)"

# Runs until a signal, or until one of the processes ends (then everything stops: exit 1).
set +e
wait -n
set -e
for name in "${ORDER[@]}"; do
  kill -0 "${PIDS[$name]}" 2>/dev/null || log "$name ended; stopping everything (see $LOGS/$name.log)"
done
stop
exit 1
