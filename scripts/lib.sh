# Shell helpers shared by scripts/test.sh and scripts/bench.sh: messages, stopping processes, installing
# missing Debian packages, and a throwaway PostgreSQL cluster. Source it; it defines functions only.
# shellcheck shell=bash

log() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
say() { printf '%s\n' "$*" >&2; }
warn() { printf '\033[33m!!! %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }
elapsed() { local s=$(($(date +%s) - $1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# Runs a command as the `postgres` OS user when we are root (PostgreSQL refuses to run as root), else as us.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop_pid() { # PID: TERM, wait up to 10 s, then KILL
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "process $pid did not stop on TERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

apt_install() { # PACKAGE…: installs them from Debian (as root, or with sudo)
  [ $# -gt 0 ] || return 0
  log "Installing from Debian: $*"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "not root and no sudo: install $* with apt-get first"
    sudo=sudo
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" </dev/null >&2
}

pg_installed() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }

# The newest installed PostgreSQL's bin folder.
pg_bin() { dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -1)"; }

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pg_start_throwaway DIR [SERVER OPTION…]: initdb in DIR/data (trust auth, UTF-8), start it on a free port of
# 127.0.0.1 with its socket in DIR, and print its URL (postgres://postgres@127.0.0.1:PORT/postgres). DIR
# should be in /tmp: the postgres user must reach it, and a socket path must be short. Stop it with
# pg_stop_throwaway DIR.
pg_start_throwaway() {
  local dir=$1 bin port attempt
  shift
  bin=$(pg_bin)
  chmod 700 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { tail -20 "$dir/initdb.log" >&2; die "initdb failed"; }
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    port_is_free "$port" || continue
    if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $*" start >/dev/null; then
      echo "postgres://postgres@127.0.0.1:$port/postgres"
      return 0
    fi
    warn "PostgreSQL did not start on port $port (attempt $attempt)"
  done
  tail -30 "$dir/server.log" >&2 || true
  die "could not start the throwaway PostgreSQL cluster"
}

pg_stop_throwaway() { # DIR: stops the cluster pg_start_throwaway made there, and deletes DIR
  local dir=$1
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
      warn "could not stop the throwaway PostgreSQL cluster in $dir"
  fi
  rm -rf "$dir"
}

# pg_url_for URL DB: the same server, user and options as URL, database DB.
pg_url_for() {
  local url=$1 db=$2 base query="" rest
  base=${url%%\?*}
  [ "$base" != "$url" ] && query="?${url#*\?}"
  rest=${base#*://}
  [[ $rest == */* ]] && base=${base%/*}
  echo "$base/$db$query"
}
