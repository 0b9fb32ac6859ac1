#!/usr/bin/env bash
# A throwaway local Redis Cluster for benchmarks (the tests start their own, see LocalRedisCluster): three
# primaries and three replicas of this machine's redis-server on ports PORT..PORT+5 (and their bus ports
# +10000), data and logs under DIR, joined with `redis-cli --cluster create`.
#
#   bench/redis-cluster.sh start DIR [PORT]   # default port 7000; prints the --redis-url seed list
#   bench/redis-cluster.sh stop DIR           # stops the nodes and removes DIR
set -euo pipefail
action="${1:?start|stop}"
dir="${2:?directory}"
port="${3:-7000}"

case "$action" in
  start)
    mkdir -p "$dir"
    nodes=()
    for i in 0 1 2 3 4 5; do
      p=$((port + i))
      mkdir -p "$dir/$p"
      redis-server --port "$p" --bind 127.0.0.1 --dir "$dir/$p" --cluster-enabled yes \
        --cluster-config-file nodes.conf --cluster-node-timeout 5000 --save '' --appendonly no \
        --maxmemory-policy noeviction --daemonize yes --pidfile "$dir/$p/redis.pid" --logfile "$dir/$p/redis.log"
      nodes+=("127.0.0.1:$p")
    done
    for node in "${nodes[@]}"; do
      until redis-cli -p "${node#*:}" ping >/dev/null 2>&1; do sleep 0.1; done
    done
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log"
    for node in "${nodes[@]}"; do
      until redis-cli -p "${node#*:}" cluster info | grep -q 'cluster_state:ok'; do sleep 0.1; done
    done
    printf 'redis://%s\n' "${nodes[@]}" | paste -sd, -
    ;;
  stop)
    for pidfile in "$dir"/*/redis.pid; do
      [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    sleep 1
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR [PORT]" >&2
    exit 2
    ;;
esac
