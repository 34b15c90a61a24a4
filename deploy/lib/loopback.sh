# Shared by the loopback scripts (pg-auto-failover/formation.sh, redis-sentinel/start.sh): messages
# prefixed with the script's name, and free ports. Source it; SCRIPT names the caller.

die() { echo "$SCRIPT: $*" >&2; exit 1; }
log() { echo "$SCRIPT: $*" >&2; }

# A port below the kernel's ephemeral range that nothing on loopback answers on.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
