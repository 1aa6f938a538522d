#!/usr/bin/env bash
# fleet.sh: starts throw-away Debian hosts (netns + overlay root + own sshd) on this machine for tsible's fleet tests.
# shellcheck disable=SC2016 # single-quoted scripts for bash -c / sh -c are expanded by that inner shell
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
SUITE=bookworm
CACHE_DIR=/var/cache/tsible-fleet
BASE=$CACHE_DIR/base
STATE_DIR=/var/lib/tsible-fleet
HOSTS_DIR=$STATE_DIR/hosts
KEY=$STATE_DIR/id_ed25519
KNOWN_HOSTS=$STATE_DIR/known_hosts
DEFAULT_INVENTORY=$STATE_DIR/inventory.ini
ADDRESSES=$STATE_DIR/addresses # "name index" lines; index -> 10.77.<index/256>.<index%256>
LOCK=$STATE_DIR/lock
BRIDGE=tsbr0
BRIDGE_ADDR=10.77.0.1
NET_PREFIX_LEN=16
# Policy-routing table/priority that makes every non-fleet destination unreachable for packets coming
# from the bridge, so a host's default route can never lead off this machine (even with ip_forward=1).
RULE_PREF=7707
RULE_TABLE=7707
FIRST_INDEX=11
SSH_WAIT_SECONDS=30
HOST_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Installed in the base itself (no recommends). Keep this small: every host carries it.
BASE_PKGS=(openssh-server openssh-sftp-server dumb-init procps iproute2 netbase init-system-helpers)
# Served by the base's local apt repository (with their dependency closure), not installed.
REPO_PKGS=(nginx git cron sudo unzip zip xz-utils curl acl)

log() { printf 'fleet: %s\n' "$*" >&2; }
die() {
  printf 'fleet: error: %s\n' "$*" >&2
  exit 1
}

usage() {
  cat <<'EOF'
usage: fleet.sh COMMAND [ARGS]
  build                         build the cached Debian base root (once; again when the recipe changes)
  up N [--prefix P] [--group G] [--inventory FILE]
  up --names a,b,c [--group G] [--inventory FILE]
                                start fresh hosts P1..PN (default prefix "host", group "fleet"),
                                print "name address" lines, write the inventory and known_hosts
  down [NAME...]                stop the named hosts (all, plus bridge and state, when none given)
  exec NAME -- CMD...           run CMD inside the host (no ssh); exit code is CMD's
  stop-sshd NAME                kill the host's sshd (listener and open sessions); host stays up
  start-sshd NAME               start the host's sshd again
  list                          running hosts: "name address sshd-state"
  status                        diagnostics
EOF
}

require_root() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (namespaces, overlay mounts and bridges need it); try: sudo $0 $*"
}

# Serialises commands that change state (build, up, down): tests may run them in parallel.
take_lock() {
  mkdir -p "$STATE_DIR"
  exec 9>"$LOCK"
  flock -w 900 9 || die "timed out waiting for the fleet lock $LOCK"
}

valid_name() {
  [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9-]{0,39}$ ]] || die "bad host name '$1' (letters, digits and '-', at most 40 characters)"
}

# ---------------------------------------------------------------------------------------------------
# build

# The Debian mirror as this machine's apt is configured (never hard-coded in the repo).
debian_mirror() {
  local f=/etc/apt/sources.list.d/debian.sources uri=
  if [[ -f $f ]]; then
    # deb822 paragraphs: take the URIs of the first paragraph whose Suites contains exactly "$SUITE".
    uri=$(awk -v suite="$SUITE" 'BEGIN { RS = ""; FS = "\n" }
      { u = ""; ok = 0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); u = a[2] }
          if ($i ~ /^Suites:/) { n = split($i, s, /[ \t]+/); for (j = 2; j <= n; j++) if (s[j] == suite) ok = 1 }
        }
        if (ok && u != "") { print u; exit } }' "$f")
  fi
  if [[ -z $uri && -f /etc/apt/sources.list ]]; then
    uri=$(awk -v suite="$SUITE" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i == suite) { print $(i - 1); exit } }' /etc/apt/sources.list)
  fi
  [[ -n $uri ]] || die "could not find a Debian mirror for $SUITE in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  printf '%s\n' "$uri"
}

# Runs a command chrooted into a root under construction, with /proc and /dev mounted in a private
# mount namespace (and a private PID namespace): when the command ends, every mount and stray process
# goes with it, so an interrupted build never leaves a bind mount of /dev behind to be rm -rf'ed.
build_chroot() {
  local root=$1
  shift
  unshare --mount --pid --fork --kill-child -- bash -c '
    root=$1; shift
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    exec chroot "$root" /usr/bin/env -i PATH='"$HOST_PATH"' HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"
  ' build-chroot "$root" "$@"
}

sshd_fleet_config() {
  cat <<'EOF'
# tsible fleet test host: key-only root login, and room for many parallel sessions/connections.
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
MaxSessions 100
MaxStartups 100:30:200
HostKey /etc/ssh/ssh_host_ed25519_key
EOF
}

host_init_script() {
  cat <<'EOF'
#!/bin/sh
# Only child of dumb-init (PID 1 of a tsible fleet host): start sshd in the background, then idle,
# so that stopping sshd (fleet.sh stop-sshd) leaves the host itself running.
mkdir -p /run/sshd
/usr/sbin/sshd -E /var/log/sshd.log || echo "tsible-init: sshd failed to start; see /var/log/sshd.log" >&2
exec sleep infinity
EOF
}

# Builds the whole base into $1 (an empty, fresh directory). Its text is part of the recipe hash.
build_base_into() {
  local root=$1 mirror
  mirror=$(debian_mirror)
  log "build: debootstrap --variant=minbase $SUITE from $mirror (a few minutes)"
  unshare --mount --pid --fork --kill-child -- \
    debootstrap --variant=minbase "$SUITE" "$root" "$mirror" >"$CACHE_DIR/debootstrap.log" 2>&1 ||
    die "debootstrap failed; see $CACHE_DIR/debootstrap.log"

  log "build: configuring apt in the new root (this machine's sources, for the build only)"
  # Like Debian's container images: maintainer scripts must not start services.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  rm -f "$root/etc/apt/sources.list" "$root"/etc/apt/sources.list.d/*
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/debian.sources"
  else
    printf 'deb %s %s main\n' "$mirror" "$SUITE" >"$root/etc/apt/sources.list"
  fi
  # Mirrors of dated snapshots serve Release files whose Valid-Until has passed.
  local aptopt=(-o Acquire::Check-Valid-Until=false -o Acquire::Check-Date=false -o APT::Sandbox::User=root)
  build_chroot "$root" apt-get "${aptopt[@]}" -q update >"$CACHE_DIR/build-apt.log" 2>&1 ||
    die "apt-get update in the new root failed; see $CACHE_DIR/build-apt.log"

  log "build: installing ${BASE_PKGS[*]} (+ security updates)"
  build_chroot "$root" apt-get "${aptopt[@]}" -q -y upgrade >>"$CACHE_DIR/build-apt.log" 2>&1 ||
    die "apt-get upgrade in the new root failed; see $CACHE_DIR/build-apt.log"
  build_chroot "$root" apt-get "${aptopt[@]}" -q -y --no-install-recommends install "${BASE_PKGS[@]}" \
    >>"$CACHE_DIR/build-apt.log" 2>&1 || die "installing the base packages failed; see $CACHE_DIR/build-apt.log"

  log "build: downloading ${REPO_PKGS[*]} and the dependencies the base lacks into /opt/tsible-repo"
  # --download-only resolves the full closure (Depends and Recommends, as a plain `apt-get install`
  # on a host would) against exactly what the base has installed, and fetches only what is missing.
  rm -f "$root"/var/cache/apt/archives/*.deb
  build_chroot "$root" apt-get "${aptopt[@]}" -q -y --download-only install "${REPO_PKGS[@]}" \
    >>"$CACHE_DIR/build-apt.log" 2>&1 || die "downloading the repository packages failed; see $CACHE_DIR/build-apt.log"
  mkdir -p "$root/opt/tsible-repo"
  mv "$root"/var/cache/apt/archives/*.deb "$root/opt/tsible-repo/"
  # Release lists the checksums of Packages; it is written elsewhere first so it does not list itself.
  (cd "$root/opt/tsible-repo" && apt-ftparchive packages . >Packages && apt-ftparchive release . >"$root/tmp/Release") ||
    die "apt-ftparchive failed in $root/opt/tsible-repo"
  mv "$root/tmp/Release" "$root/opt/tsible-repo/Release"

  log "build: pointing apt at the local repository only"
  rm -f "$root"/etc/apt/sources.list.d/*
  echo 'deb [trusted=yes] file:/opt/tsible-repo ./' >"$root/etc/apt/sources.list"
  rm -rf "$root"/var/lib/apt/lists/*
  build_chroot "$root" apt-get -q update >>"$CACHE_DIR/build-apt.log" 2>&1 ||
    die "apt-get update against /opt/tsible-repo failed; see $CACHE_DIR/build-apt.log"
  # Self-check: everything the repository promises installs offline.
  build_chroot "$root" apt-get -q -s install "${REPO_PKGS[@]}" >>"$CACHE_DIR/build-apt.log" 2>&1 ||
    die "the local repository cannot satisfy ${REPO_PKGS[*]}; see $CACHE_DIR/build-apt.log"
  if build_chroot "$root" dpkg-query -W -f '${Status}' nginx 2>/dev/null | grep -q 'install ok installed'; then
    die "nginx ended up installed in the base"
  fi
  build_chroot "$root" apt-get clean

  log "build: sshd and init"
  sshd_fleet_config >"$root/etc/ssh/sshd_config.d/tsible-fleet.conf"
  host_init_script >"$root/usr/local/sbin/tsible-init"
  chmod 755 "$root/usr/local/sbin/tsible-init"
  # Validate the sshd configuration with a throw-away host key.
  mkdir -p "$root/run/sshd"
  ssh-keygen -q -t ed25519 -N '' -f "$root/tmp/check_host_key" >/dev/null
  build_chroot "$root" /usr/sbin/sshd -t -h /tmp/check_host_key ||
    die "sshd rejects the fleet configuration (sshd -t in the new root)"
  rm -f "$root"/tmp/check_host_key* "$root"/etc/ssh/ssh_host_*
  rm -rf "$root/run/sshd"
  install -d -m 700 "$root/root/.ssh"
  : >"$root/etc/resolv.conf"
  rm -f "$root/etc/machine-id"
}

recipe_hash() {
  {
    declare -p SUITE BASE_PKGS REPO_PKGS
    declare -f build_base_into build_chroot sshd_fleet_config host_init_script
  } | sha256sum | cut -d' ' -f1
}

base_is_current() {
  [[ -f $BASE/etc/tsible-fleet-build ]] && [[ $(head -n1 "$BASE/etc/tsible-fleet-build") == "$(recipe_hash)" ]]
}

# The controller-side tools a build needs, from Debian's packages, installed when missing.
ensure_tools() {
  local missing=() t
  for t in debootstrap:debootstrap apt-ftparchive:apt-utils ssh-keygen:openssh-client ip:iproute2 flock:util-linux unshare:util-linux; do
    command -v "${t%%:*}" >/dev/null 2>&1 || missing+=("${t#*:}")
  done
  ((${#missing[@]})) || return 0
  log "installing build tools: ${missing[*]}"
  apt-get update -q >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

ensure_base() {
  base_is_current && return 0
  ensure_tools
  [[ -n $(running_hosts) ]] && die "the base must be rebuilt (recipe changed) but hosts are running on it; run: $0 down"
  mkdir -p "$CACHE_DIR"
  local t0=$SECONDS tmp=$CACHE_DIR/base.tmp.$$ old
  # Leftovers of interrupted builds (we hold the lock, so no build is running).
  for old in "$CACHE_DIR"/base.tmp.* "$CACHE_DIR"/base.old.*; do
    [[ -e $old ]] && safe_rm_rf "$old"
  done
  mkdir "$tmp"
  # shellcheck disable=SC2064 # expand $tmp now: it must name this build's directory
  trap "safe_rm_rf '$tmp'" EXIT
  build_base_into "$tmp"
  printf '%s\nbuilt %s\n' "$(recipe_hash)" "$(date -u +%FT%TZ)" >"$tmp/etc/tsible-fleet-build"
  # Swap in the finished root with renames, so readers see either the old or the new one, whole.
  if [[ -e $BASE ]]; then mv "$BASE" "$CACHE_DIR/base.old.$$"; fi
  mv "$tmp" "$BASE"
  trap - EXIT
  if [[ -e $CACHE_DIR/base.old.$$ ]]; then safe_rm_rf "$CACHE_DIR/base.old.$$"; fi
  log "build: done in $((SECONDS - t0)) s: $BASE ($(du -sh "$BASE" | cut -f1))"
}

# rm -rf that refuses to descend into mounts: a stray bind mount of /dev under a root is deleted through.
safe_rm_rf() {
  local dir=$1
  unmount_under "$dir"
  if awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    die "refusing to delete $dir: something is still mounted under it"
  fi
  rm -rf --one-file-system -- "$dir"
}

# Unmounts everything at or under $1, deepest first, lazily when busy.
unmount_under() {
  local dir=$1 m
  awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" || log "warning: could not unmount $m"
  done
}

ensure_key() {
  if [[ ! -f $KEY ]]; then
    mkdir -p "$STATE_DIR"
    ssh-keygen -q -t ed25519 -N '' -C tsible-fleet -f "$KEY" >/dev/null || die "could not generate the fleet key $KEY"
    log "generated the fleet key $KEY"
  fi
}

# ---------------------------------------------------------------------------------------------------
# hosts

host_dir() { printf '%s/%s\n' "$HOSTS_DIR" "$1"; }
idx_to_addr() { printf '10.77.%d.%d\n' $(($1 / 256)) $(($1 % 256)); }
host_index() { awk -v n="$1" '$1 == n { print $2; exit }' "$ADDRESSES" 2>/dev/null || true; }

# Sticky address for a name: the one it had, or the lowest free index (skipping .0/.255 host parts).
allocate_index() {
  local name=$1 i
  i=$(host_index "$name")
  if [[ -z $i ]]; then
    touch "$ADDRESSES"
    i=$FIRST_INDEX
    while (( i % 256 == 0 || i % 256 == 255 )) || awk -v i="$i" '$2 == i { f = 1 } END { exit !f }' "$ADDRESSES"; do
      i=$((i + 1))
      ((i < 65280)) || die "no free address left in 10.77.0.0/16"
    done
    echo "$name $i" >>"$ADDRESSES"
  fi
  printf '%s\n' "$i"
}

# True when the process exists and is not a zombie (this machine's PID 1 may reap orphans late).
pid_alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# PID (in this machine's PID namespace) of the host's init, if it is alive.
host_pid() {
  local f pid
  f=$(host_dir "$1")/pid
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ -n $pid ]] && pid_alive "$pid" || return 1
  printf '%s\n' "$pid"
}

running_hosts() {
  local d
  [[ -d $HOSTS_DIR ]] || return 0
  for d in "$HOSTS_DIR"/*/; do
    [[ -d $d ]] || continue
    d=${d%/}
    host_pid "${d##*/}" >/dev/null && printf '%s\n' "${d##*/}"
  done
  return 0
}

ensure_bridge() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge || die "could not create bridge $BRIDGE"
    ip addr add "$BRIDGE_ADDR/$NET_PREFIX_LEN" dev "$BRIDGE" || die "could not address bridge $BRIDGE"
  fi
  ip link set "$BRIDGE" up || die "could not bring bridge $BRIDGE up"
  if [[ -z $(ip rule show pref "$RULE_PREF") ]]; then
    ip rule add pref "$RULE_PREF" iif "$BRIDGE" lookup "$RULE_TABLE" || die "could not add the fleet routing rule"
  fi
  ip route replace unreachable default table "$RULE_TABLE" || die "could not add the fleet unreachable route"
}

# Stops one host and removes every trace of it. Safe on half-started or absent hosts.
teardown_host() {
  local name=$1 dir pid pids i p
  dir=$(host_dir "$name")
  pids=()
  if pid=$(host_pid "$name"); then pids+=("$pid"); fi
  [[ -f $dir/launcher ]] && pids+=("$(<"$dir/launcher")")
  # Everything started inside the host's network namespace, whatever state it got to.
  if [[ -e /run/netns/tsible-$name ]]; then
    while read -r p; do [[ -n $p ]] && pids+=("$p"); done < <(ip netns pids "tsible-$name" 2>/dev/null || true)
  fi
  if ((${#pids[@]})); then
    # SIGKILL to a PID namespace's init kills every process in that namespace; killing it first lets
    # unshare reap it, then whatever else is left (a half-started host) goes too.
    kill -KILL "${pids[0]}" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do pid_alive "${pids[0]}" || break; sleep 0.01; done
    kill -KILL "${pids[@]}" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      local alive=0
      for p in "${pids[@]}"; do if pid_alive "$p"; then alive=1; fi; done
      ((alive)) || break
      sleep 0.05
    done
  fi
  i=$(host_index "$name")
  if [[ -n $i ]] && ip link show "tsv$i" >/dev/null 2>&1; then
    ip link del "tsv$i" || log "warning: could not delete link tsv$i"
  fi
  if [[ -e /run/netns/tsible-$name ]]; then
    ip netns del "tsible-$name" || log "warning: could not delete netns tsible-$name"
  fi
  if [[ -d $dir ]]; then safe_rm_rf "$dir"; fi
}

# Runs as PID 1 of the host's new PID namespace, inside its network, mount and UTS namespaces (the
# mount namespace is private, so all these mounts vanish when the host's last process dies).
host_boot() {
  local name=$1 addr=$2 dir root n
  dir=$(host_dir "$name")
  root=$dir/root
  mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$dir/upper,workdir=$dir/work" "$root"
  mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
  # A new sysfs instance shows this network namespace's interfaces.
  mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
  # Minimal /dev: a few host device nodes bound in, and a private devpts instance for ptys.
  mount -t tmpfs -o nosuid,mode=755,size=1m tmpfs "$root/dev"
  for n in null zero full random urandom tty; do
    : >"$root/dev/$n"
    mount --bind "/dev/$n" "$root/dev/$n"
  done
  mkdir -p "$root/dev/pts" "$root/dev/shm"
  mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$root/dev/pts"
  ln -s pts/ptmx "$root/dev/ptmx"
  mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/dev/shm"
  ln -s /proc/self/fd "$root/dev/fd"
  ln -s /proc/self/fd/0 "$root/dev/stdin"
  ln -s /proc/self/fd/1 "$root/dev/stdout"
  ln -s /proc/self/fd/2 "$root/dev/stderr"
  mount -t tmpfs -o nosuid,nodev,mode=755 tmpfs "$root/run"
  mkdir -m 1777 "$root/run/lock"
  mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/tmp"

  echo "$name" >/proc/sys/kernel/hostname
  echo "$name" >"$root/etc/hostname"
  printf '127.0.0.1\tlocalhost\n%s\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$addr" "$name" >"$root/etc/hosts"
  tr -d '-' </proc/sys/kernel/random/uuid >"$root/etc/machine-id"
  install -m 600 "$dir/ssh_host_ed25519_key" "$root/etc/ssh/ssh_host_ed25519_key"
  install -m 644 "$dir/ssh_host_ed25519_key.pub" "$root/etc/ssh/ssh_host_ed25519_key.pub"
  install -d -m 700 "$root/root/.ssh"
  install -m 600 "$KEY.pub" "$root/root/.ssh/authorized_keys"

  cd "$root"
  exec chroot "$root" /usr/bin/env -i PATH="$HOST_PATH" HOME=/root /usr/bin/dumb-init /usr/local/sbin/tsible-init
}

# Prepares and launches one host (in the background); its sshd is waited for by the caller.
start_host() {
  local name=$1 i addr dir launcher child t
  teardown_host "$name"
  i=$(allocate_index "$name")
  addr=$(idx_to_addr "$i")
  dir=$(host_dir "$name")
  mkdir -p "$dir/upper" "$dir/work" "$dir/root"
  ssh-keygen -q -t ed25519 -N '' -C "root@$name" -f "$dir/ssh_host_ed25519_key" >/dev/null ||
    die "$name: could not generate its host key"
  ip netns add "tsible-$name" || die "$name: could not create netns tsible-$name"
  ip link add "tsv$i" type veth peer name eth0 netns "tsible-$name" || die "$name: could not create veth tsv$i"
  ip link set "tsv$i" master "$BRIDGE" up || die "$name: could not attach tsv$i to $BRIDGE"
  ip -n "tsible-$name" link set lo up || die "$name: could not bring lo up"
  ip -n "tsible-$name" addr add "$addr/$NET_PREFIX_LEN" dev eth0 || die "$name: could not address eth0"
  ip -n "tsible-$name" link set eth0 up || die "$name: could not bring eth0 up"
  ip -n "tsible-$name" route add default via "$BRIDGE_ADDR" || die "$name: could not add its default route"
  # setsid: the host must not share our session/process group (a test runner's Ctrl-C kills it via down).
  # 9>&-: the host must not inherit (and hold forever) the fleet lock.
  setsid ip netns exec "tsible-$name" unshare --mount --uts --ipc --pid --fork --kill-child -- \
    bash "$SELF" __boot "$name" "$addr" </dev/null >"$dir/console.log" 2>&1 9>&- &
  launcher=$!
  echo "$launcher" >"$dir/launcher"
  # The host's init is unshare's only child (PID 1 in the new PID namespace).
  for ((t = 0; t < 200; t++)); do
    child=$(cat "/proc/$launcher/task/$launcher/children" 2>/dev/null || true)
    child=${child%% *}
    [[ -n $child ]] && break
    pid_alive "$launcher" || break
    sleep 0.02
  done
  [[ -n $child ]] || die "$name: its init did not start; console: $(tail -n 5 "$dir/console.log" 2>/dev/null)"
  echo "$child" >"$dir/pid"
  echo "$addr" >"$dir/address"
}

# True when something answers on ADDR:22 with an SSH banner.
ssh_answers() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/22" && IFS= read -r -t 1 line <&3 && [[ $line == SSH-* ]]' probe "$1" 2>/dev/null
}

# True when nothing accepts on ADDR:22 (connection refused).
ssh_refused() {
  ! timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/22"' probe "$1" 2>/dev/null
}

host_sshd_log() {
  local pid
  pid=$(host_pid "$1") || return 0
  nsenter -t "$pid" -m -r -- /usr/bin/tail -n 5 /var/log/sshd.log 2>/dev/null || true
}

wait_sshd() {
  local deadline=$((SECONDS + SSH_WAIT_SECONDS)) name addr pending
  pending=("$@")
  while ((${#pending[@]})); do
    local left=()
    for name in "${pending[@]}"; do
      addr=$(<"$(host_dir "$name")/address")
      host_pid "$name" >/dev/null ||
        die "$name: host died while starting; console: $(tail -n 5 "$(host_dir "$name")/console.log" 2>/dev/null)"
      ssh_answers "$addr" || left+=("$name")
    done
    pending=("${left[@]+"${left[@]}"}")
    ((${#pending[@]})) || break
    ((SECONDS < deadline)) || die "sshd did not answer within ${SSH_WAIT_SECONDS}s on: ${pending[*]}; sshd log of ${pending[0]}: $(host_sshd_log "${pending[0]}")"
    sleep 0.05
  done
}

write_known_hosts() {
  local name tmp=$KNOWN_HOSTS.tmp.$$
  : >"$tmp"
  while read -r name; do
    [[ -n $name ]] || continue
    printf '%s %s\n' "$(<"$(host_dir "$name")/address")" "$(cut -d' ' -f1,2 "$(host_dir "$name")/ssh_host_ed25519_key.pub")" >>"$tmp"
  done < <(running_hosts)
  mv "$tmp" "$KNOWN_HOSTS"
}

write_inventory() {
  local file=$1 group=$2 name
  shift 2
  mkdir -p "$(dirname "$file")"
  {
    echo "[$group]"
    for name in "$@"; do echo "$name ansible_host=$(<"$(host_dir "$name")/address")"; done
    echo
    echo "[$group:vars]"
    echo "ansible_user=root"
    echo "ansible_ssh_private_key_file=$KEY"
    echo "ansible_ssh_common_args='-o UserKnownHostsFile=$KNOWN_HOSTS'"
  } >"$file.tmp.$$"
  mv "$file.tmp.$$" "$file"
}

# ---------------------------------------------------------------------------------------------------
# commands

cmd_build() {
  take_lock
  ensure_key
  if base_is_current; then log "build: base is up to date ($BASE)"; else ensure_base; fi
}

cmd_up() {
  local count='' prefix=host group=fleet inventory=$DEFAULT_INVENTORY names_csv='' names=() name t t0=$SECONDS
  while (($#)); do
    case $1 in
      --prefix) prefix=${2:?--prefix needs a value}; shift 2 ;;
      --group) group=${2:?--group needs a value}; shift 2 ;;
      --inventory) inventory=${2:?--inventory needs a value}; shift 2 ;;
      --names) names_csv=${2:?--names needs a value}; shift 2 ;;
      -*) die "up: unknown option $1" ;;
      *) [[ -z $count ]] || die "up: unexpected argument $1"; count=$1; shift ;;
    esac
  done
  if [[ -n $names_csv ]]; then
    [[ -z $count ]] || die "up: give either a count or --names, not both"
    IFS=, read -r -a names <<<"$names_csv"
  else
    [[ $count =~ ^[1-9][0-9]*$ ]] || die "up: need a host count (a positive number) or --names a,b,c"
    for ((t = 1; t <= count; t++)); do names+=("$prefix$t"); done
  fi
  ((${#names[@]})) || die "up: no host names"
  for name in "${names[@]}"; do valid_name "$name"; done
  [[ $group =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "up: bad group name '$group'"
  case $inventory in /*) ;; *) inventory=$PWD/$inventory ;; esac

  take_lock
  ensure_key
  ensure_base
  mkdir -p "$HOSTS_DIR"
  ensure_bridge
  for name in "${names[@]}"; do start_host "$name"; done
  wait_sshd "${names[@]}"
  write_known_hosts
  write_inventory "$inventory" "$group" "${names[@]}"
  log "up: ${#names[@]} host(s) in $((SECONDS - t0)) s; inventory $inventory"
  for name in "${names[@]}"; do printf '%s %s\n' "$name" "$(<"$(host_dir "$name")/address")"; done
}

cmd_down() {
  local name n
  take_lock
  if (($#)); then
    for name in "$@"; do valid_name "$name"; teardown_host "$name"; done
    if [[ -d $STATE_DIR ]]; then write_known_hosts; fi
    return 0
  fi
  if [[ -d $HOSTS_DIR ]]; then
    for name in "$HOSTS_DIR"/*/; do
      [[ -d $name ]] || continue
      name=${name%/}
      teardown_host "${name##*/}"
    done
  fi
  # Anything left by a crashed run: namespaces and links that follow the fleet's naming.
  while read -r n _; do
    [[ $n == tsible-* ]] && teardown_host "${n#tsible-}"
  done < <(ip netns list 2>/dev/null || true)
  while read -r n; do
    ip link del "$n" 2>/dev/null || true
  done < <(ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); if ($2 ~ /^tsv[0-9]+$/) print $2 }')
  if [[ -d $HOSTS_DIR ]]; then safe_rm_rf "$HOSTS_DIR"; fi
  while ip rule del pref "$RULE_PREF" 2>/dev/null; do :; done
  ip route flush table "$RULE_TABLE" 2>/dev/null || true
  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE" || die "could not delete bridge $BRIDGE"; fi
  rm -f "$ADDRESSES" "$KNOWN_HOSTS" "$DEFAULT_INVENTORY" "$STATE_DIR"/*.tmp.*
}

host_enter() {
  local name=$1 pid
  shift
  valid_name "$name"
  pid=$(host_pid "$name") || die "host '$name' is not running"
  # Join the host's mount, UTS, IPC, network and PID namespaces and its chrooted root (-r) and cwd (-w).
  nsenter -t "$pid" -m -u -i -n -p -r -w -- \
    /usr/bin/env -i PATH="$HOST_PATH" HOME=/root USER=root LOGNAME=root SHELL=/bin/sh "$@"
}

cmd_exec() {
  (($# >= 1)) || die "exec: usage: exec NAME -- CMD..."
  local name=$1
  shift
  [[ ${1-} == -- ]] && shift
  (($#)) || die "exec: no command given for $name"
  host_enter "$name" "$@"
}

cmd_stop_sshd() {
  (($# == 1)) || die "stop-sshd: usage: stop-sshd NAME"
  local addr t
  host_enter "$1" /bin/sh -c '
    for p in /proc/[0-9]*; do
      [ "$(readlink "$p/exe" 2>/dev/null)" = /usr/sbin/sshd ] && kill -TERM "${p#/proc/}" 2>/dev/null
    done
    exit 0' || die "stop-sshd: could not stop sshd on $1"
  addr=$(<"$(host_dir "$1")/address")
  for ((t = 0; t < 100; t++)); do ssh_refused "$addr" && return 0; sleep 0.05; done
  die "stop-sshd: $1 ($addr) still accepts on port 22"
}

cmd_start_sshd() {
  (($# == 1)) || die "start-sshd: usage: start-sshd NAME"
  local addr t
  valid_name "$1"
  host_pid "$1" >/dev/null || die "host '$1' is not running"
  addr=$(<"$(host_dir "$1")/address")
  if ssh_answers "$addr"; then return 0; fi
  host_enter "$1" /bin/sh -c 'mkdir -p /run/sshd && exec /usr/sbin/sshd -E /var/log/sshd.log' </dev/null >/dev/null ||
    die "start-sshd: sshd failed to start on $1; sshd log: $(host_sshd_log "$1")"
  for ((t = 0; t < 200; t++)); do ssh_answers "$addr" && return 0; sleep 0.05; done
  die "start-sshd: sshd on $1 ($addr) does not answer; sshd log: $(host_sshd_log "$1")"
}

cmd_list() {
  local name addr
  while read -r name; do
    [[ -n $name ]] || continue
    addr=$(<"$(host_dir "$name")/address")
    if ssh_answers "$addr"; then echo "$name $addr sshd-up"; else echo "$name $addr sshd-down"; fi
  done < <(running_hosts)
}

cmd_status() {
  echo "base:        $BASE"
  if [[ -f $BASE/etc/tsible-fleet-build ]]; then
    echo "  build:     $(tail -n1 "$BASE/etc/tsible-fleet-build"), $(base_is_current && echo current || echo 'stale (recipe changed)')"
    echo "  repo:      $(find "$BASE/opt/tsible-repo" -name '*.deb' | wc -l) packages in /opt/tsible-repo"
  else
    echo "  build:     not built (run: $0 build)"
  fi
  echo "key:         $KEY $([[ -f $KEY ]] && echo present || echo missing)"
  echo "bridge:      $(ip -br addr show "$BRIDGE" 2>/dev/null || echo "$BRIDGE absent")"
  echo "hosts (name address pid sshd):"
  local name
  if [[ -d $HOSTS_DIR ]]; then
    for name in "$HOSTS_DIR"/*/; do
      [[ -d $name ]] || continue
      name=${name%/}
      name=${name##*/}
      local addr pid sshd
      addr=$(cat "$(host_dir "$name")/address" 2>/dev/null || echo '?')
      pid=$(host_pid "$name" || echo dead)
      sshd=down
      if [[ $pid != dead ]] && ssh_answers "$addr"; then sshd=up; fi
      echo "  $name $addr $pid $sshd"
    done
  fi
  echo "netns:       $(ip netns list 2>/dev/null | awk '$1 ~ /^tsible-/ { printf "%s ", $1 }')"
  echo "links:       $(ip -o link show 2>/dev/null | awk -F': ' '$2 ~ /^(tsv[0-9]+|tsbr0)/ { sub(/@.*/, "", $2); printf "%s ", $2 }')"
  echo "mounts:      $(awk -v d="$STATE_DIR/" -v c="$CACHE_DIR/" 'index($2, d) == 1 || index($2, c) == 1' /proc/mounts | wc -l) under $STATE_DIR or $CACHE_DIR (hosts mount inside their own namespaces)"
}

main() {
  local cmd=${1-}
  (($#)) && shift
  case $cmd in
    build) require_root "$cmd"; cmd_build "$@" ;;
    up) require_root "$cmd"; cmd_up "$@" ;;
    down) require_root "$cmd"; cmd_down "$@" ;;
    exec) require_root "$cmd"; cmd_exec "$@" ;;
    stop-sshd) require_root "$cmd"; cmd_stop_sshd "$@" ;;
    start-sshd) require_root "$cmd"; cmd_start_sshd "$@" ;;
    list) require_root "$cmd"; cmd_list "$@" ;;
    status) require_root "$cmd"; cmd_status "$@" ;;
    __boot) host_boot "$@" ;;
    -h | --help | help) usage ;;
    '') usage >&2; exit 2 ;;
    *) usage >&2; die "unknown command '$cmd'" ;;
  esac
}

main "$@"
