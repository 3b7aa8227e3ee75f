#!/bin/sh
# Run a command inside a fresh network namespace whose only interface is a
# loopback `lo` that is up, so nothing it starts can reach any network other
# than 127.0.0.1 / ::1.  Exit code of the command is passed through.
#
#   scripts/in-netns.sh CMD [ARGS...]
#
# Needs root (or CAP_SYS_ADMIN) for `unshare -n`. Nested calls (CC_IN_NETNS=1,
# set by this script) just exec the command in the current namespace.
set -eu

if [ "$#" -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

if [ "${CC_IN_NETNS:-}" = "1" ]; then
  # Trust the marker only if this namespace really has nothing but lo.
  # (/proc/net/dev is per network namespace; /sys/class/net is not remounted)
  if [ "$(awk -F: 'NR>2 {gsub(/ /,"",$1); print $1}' /proc/net/dev 2>/dev/null)" = "lo" ]; then
    exec "$@"
  fi
  echo "in-netns: CC_IN_NETNS=1 but other interfaces exist; creating a new namespace" >&2
fi

if ! command -v unshare >/dev/null 2>&1; then
  echo "in-netns: 'unshare' (util-linux) not found" >&2
  exit 127
fi

export CC_IN_NETNS=1
# Inside the new namespace: bring lo up, check that lo is the only
# interface, then replace the shell with the command (PID and exit code of
# CMD become those of `unshare`).
exec unshare --net -- /bin/sh -c '
  set -e
  if command -v ip >/dev/null 2>&1; then
    ip link set lo up
    others=$(ip -o link show | awk -F": " "{print \$2}" | grep -v "^lo$" || true)
  else
    # fallback without iproute2
    python3 -c "import socket,fcntl,struct;s=socket.socket();fcntl.ioctl(s,0x8914,struct.pack(\"16sH22x\",b\"lo\",0x1|0x8|0x40))" 2>/dev/null \
      || { echo "in-netns: cannot bring lo up (install iproute2)" >&2; exit 126; }
    others=$(awk -F: "NR>2 {gsub(/ /,\"\",\$1); print \$1}" /proc/net/dev | grep -v "^lo$" || true)
  fi
  if [ -n "$others" ]; then
    echo "in-netns: unexpected interfaces in namespace: $others" >&2
    exit 126
  fi
  exec "$@"
' in-netns "$@"
