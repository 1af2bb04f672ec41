#!/usr/bin/env bash
# The real check of issue 11: libvirt + QEMU (TCG, no /dev/kvm needed) boot a tiny guest,
# which is then suspended, resumed, snapshotted (internal snapshot, reverted, deleted), saved
# and restored, and live-migrated between two libvirtd instances that run in two network
# namespaces made here (10.77.0.1 and 10.77.0.2 on a veth pair, distinct host UUIDs). The
# migration's time, downtime and bytes are read from `virsh domjobinfo --completed` on the
# source, and the guest's serial console must go on printing heartbeats on the target.
#
# Run as root: `sudo bash scripts/qemu-check.sh`. It installs what it needs with apt-get if
# missing, and removes everything it made (daemons, guests, namespaces, veths, temp dirs) at
# the end, also on failure or Ctrl-C. Exits 0 only if every step passed.
#
# Environment:
#   QEMU_CHECK_KEEP=1          keep the work dir (logs, console files) after the run; without it
#                              the ends of the logs are printed on failure and the dir removed
#   QEMU_CHECK_HYPERVISOR=1    after the virsh-level steps, run the same operations through the
#                              project's LibvirtHypervisor class (scripts/qemu-check/
#                              hypervisor-check.ts, with tsx, inside host A's namespace); any
#                              other value but 0 is a shell command to run instead
#   QEMU_CHECK_NO_INSTALL=1    fail instead of running apt-get when something is missing
#
# Traffic goes only to 10.77.0.1 and 10.77.0.2, inside the two namespaces made here.
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SCRIPT_START=$(date +%s.%N)

TAG="lqc$$"                     # names unique to this run
NS_A="${TAG}a"; NS_B="${TAG}b"
VETH_A="${TAG}va"; VETH_B="${TAG}vb"
IP_A=10.77.0.1; IP_B=10.77.0.2
URI_A="qemu+tcp://${IP_A}/system"; URI_B="qemu+tcp://${IP_B}/system"
DOM=luc-qemu-check
MEM_MIB=128
WORK=""
CREATED_DIRS=()
PIDS=()
CLEANED=0
CREATED_USER=0; CREATED_GROUP=0
APT_LOG=""

# The script's own stdout and stderr, kept on fds 3 and 4: a trap that runs while a command's
# output is redirected (e.g. Ctrl-C during `virsh migrate >migrate.out`) still reports here.
exec 3>&2 4>&1
log() { printf '[qemu-check %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
fail() { log "FAILED: $*"; exit 1; }
now() { date +%s.%N; }
ms_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%d", (b - a) * 1000 }'; }

# --------------------------------------------------------------------------------------------
# Clean-up: runs on every exit (success, failure, Ctrl-C, TERM). Only touches what this run made.
cleanup() {
  local rc=$?
  [[ $CLEANED == 1 ]] && return
  CLEANED=1
  trap - EXIT INT TERM ERR
  set +e
  exec 1>&4 2>&3
  log "cleaning up (exit code so far: $rc)"
  for ns in "$NS_B" "$NS_A"; do
    if ip netns list 2>/dev/null | grep -qw "$ns"; then
      # Every process in our own namespaces is ours: libvirtd and the QEMU it started.
      local pids; pids=$(ip netns pids "$ns" 2>/dev/null)
      if [[ -n $pids ]]; then kill -TERM $pids 2>/dev/null; fi
    fi
  done
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  local deadline=$((SECONDS + 10))
  for ns in "$NS_B" "$NS_A"; do
    while ip netns list 2>/dev/null | grep -qw "$ns" && [[ -n $(ip netns pids "$ns" 2>/dev/null) ]] \
          && ((SECONDS < deadline)); do sleep 0.2; done
    if ip netns list 2>/dev/null | grep -qw "$ns"; then
      local left; left=$(ip netns pids "$ns" 2>/dev/null)
      [[ -n $left ]] && kill -KILL $left 2>/dev/null
      sleep 0.2
      ip netns del "$ns" 2>/dev/null || log "could not delete namespace $ns"
    fi
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  ip link del "$VETH_A" 2>/dev/null   # gone with the namespace normally; just in case
  if [[ -n $WORK && -d $WORK && $rc != 0 ]]; then
    # What went wrong is in these logs: show their ends before they are removed.
    for f in "$WORK"/host{A,B}/libvirtd.out "$WORK"/host{A,B}/log/libvirtd.log \
             "$WORK"/host{A,B}/log/qemu/*.log "$WORK"/host{A,B}/log/qemu-check-console.log \
             "$WORK/migrate.out"; do
      [[ -s $f ]] || continue
      printf '\n--- last lines of %s ---\n' "${f#"$WORK"/}" >&2
      tail -n 15 "$f" >&2; echo >&2
    done
  fi
  if [[ -n $WORK && -d $WORK ]]; then
    if [[ ${QEMU_CHECK_KEEP:-0} == 1 ]]; then
      log "work dir kept for inspection: $WORK (remove it with rm -rf)"
    else
      rm -rf "$WORK"
    fi
  fi
  for d in "${CREATED_DIRS[@]}"; do rmdir "$d" 2>/dev/null; done
  [[ -n $APT_LOG ]] && rm -f "$APT_LOG"
  [[ $CREATED_USER == 1 ]] && userdel libvirt-qemu 2>/dev/null
  [[ $CREATED_GROUP == 1 ]] && groupdel libvirt-qemu 2>/dev/null
  log "clean-up done"
  exit "$rc"
}
trap cleanup EXIT
# Any command that fails outside an explicit check still says what and where before the exit.
trap 'log "FAILED: \"$BASH_COMMAND\" (line $LINENO) exited with $?"' ERR
trap 'exec 2>&3; log "interrupted"; exit 130' INT
trap 'exec 2>&3; log "terminated"; exit 143' TERM

[[ $(id -u) == 0 ]] || fail "run as root (it makes network namespaces and runs libvirtd)"
# One run at a time on a machine: runs share the mount points under /var, /run and /etc and the
# libvirt-qemu user, which each removes at its end. The lock is on this script file itself.
exec 9<"$HERE/qemu-check.sh"
if ! flock -n 9; then
  log "another qemu-check runs: waiting for it (10 min at most)"
  flock -w 600 9 || fail "another qemu-check still runs after 10 min"
  SCRIPT_START=$(now)
fi

# --------------------------------------------------------------------------------------------
# 1. Packages.
T0=$(now)
need_pkgs=()
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils \
         busybox-static cpio iproute2; do
  installed "$p" || need_pkgs+=("$p")
done
# Debian's cloud kernel: a quarter of the generic one's size (105 MB installed, not 400), with
# virtio and the 8250 serial console built in; any kernel already in /boot does as well.
ls /boot/vmlinuz-* >/dev/null 2>&1 || need_pkgs+=(linux-image-cloud-amd64)
if ((${#need_pkgs[@]})); then
  [[ ${QEMU_CHECK_NO_INSTALL:-0} == 1 ]] && fail "missing packages: ${need_pkgs[*]}"
  log "installing: ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # INITRD=No: the kernel's postinst hook skips building Debian's own initramfs (about 1 min
  # here); the guest boots on a tiny busybox initramfs built below instead.
  APT_LOG=$(mktemp /tmp/qemu-check-apt.XXXXXX)
  timeout 120 apt-get update -q >"$APT_LOG" 2>&1 || { tail -20 "$APT_LOG" >&2; fail "apt-get update"; }
  INITRD=No timeout 900 apt-get install -y -q --no-install-recommends "${need_pkgs[@]}" >>"$APT_LOG" 2>&1 \
    || { tail -20 "$APT_LOG" >&2; fail "apt-get install ${need_pkgs[*]}"; }
  rm -f "$APT_LOG"; APT_LOG=""
fi
INSTALL_MS=$(ms_since "$T0")
# libvirtd as root looks up its compiled-in QEMU user and group (libvirt-qemu) before it reads
# qemu.conf, and fails without them. libvirt-daemon-system would add them but also brings
# polkit, firewall and init scripts that start a libvirtd of their own; so add just the two,
# as that package's postinst does, and remove them at the end if this run added them.
if ! getent group libvirt-qemu >/dev/null; then groupadd --system libvirt-qemu; CREATED_GROUP=1; fi
if ! getent passwd libvirt-qemu >/dev/null; then
  useradd --system --gid libvirt-qemu --home-dir /var/lib/libvirt --no-create-home \
    --shell /usr/sbin/nologin libvirt-qemu
  CREATED_USER=1
fi
KERNEL=$(ls -v /boot/vmlinuz-*-cloud-amd64 2>/dev/null | tail -1)
[[ -n $KERNEL ]] || KERNEL=$(ls -v /boot/vmlinuz-* 2>/dev/null | tail -1)
[[ -r $KERNEL ]] || fail "no kernel in /boot"
LIBVIRT_VERSION=$(libvirtd --version | awk '{print $NF}')
QEMU_VERSION=$(qemu-system-x86_64 --version | head -1 | sed 's/^QEMU emulator version //')
log "libvirt $LIBVIRT_VERSION, QEMU $QEMU_VERSION, guest kernel $KERNEL (packages step: ${INSTALL_MS} ms)"

# --------------------------------------------------------------------------------------------
# 2. Work dir, guest kernel + tiny initramfs, qcow2 disk (internal snapshots live in it).
WORK=$(mktemp -d /tmp/qemu-check.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/guest/root/bin"
cp "$KERNEL" "$WORK/guest/vmlinuz"
cp /bin/busybox "$WORK/guest/root/bin/busybox"
ln -s busybox "$WORK/guest/root/bin/sh"
install -m 755 "$HERE/qemu-check/guest-init.sh" "$WORK/guest/root/init"
(cd "$WORK/guest/root" && find . | cpio -o -H newc --quiet | gzip -1 >"$WORK/guest/initrd.gz")
qemu-img create -q -f qcow2 "$WORK/guest/disk.qcow2" 64M

# --------------------------------------------------------------------------------------------
# 3. Two hosts: network namespaces joined by a veth pair.
T0=$(now)
ip netns add "$NS_A"; ip netns add "$NS_B"
ip link add "$VETH_A" type veth peer name "$VETH_B"
ip link set "$VETH_A" netns "$NS_A"; ip link set "$VETH_B" netns "$NS_B"
ip -n "$NS_A" addr add "$IP_A/24" dev "$VETH_A"; ip -n "$NS_B" addr add "$IP_B/24" dev "$VETH_B"
for ns in "$NS_A" "$NS_B"; do ip -n "$ns" link set lo up; done
ip -n "$NS_A" link set "$VETH_A" up; ip -n "$NS_B" link set "$VETH_B" up
NET_MS=$(ms_since "$T0")

# --------------------------------------------------------------------------------------------
# 4. One libvirtd per namespace. libvirt as root uses fixed paths (/etc/libvirt, /run/libvirt,
# /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt): each daemon gets its own private
# copies by bind mounts in its own mount namespace. Paths of the guest's files under $WORK are
# shared (same file system, as shared storage would be); the serial console file is under
# /var/log/libvirt, so each host writes its own.
for d in /etc/libvirt /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
  if [[ ! -d $d ]]; then mkdir -p "$d"; CREATED_DIRS+=("$d"); fi
done
write_host_conf() { # $1 host dir, $2 ip, $3 host uuid
  mkdir -p "$1"/{etc,run,lib,cache,log}
  cat >"$1/etc/libvirtd.conf" <<EOF
# qemu-check: a private libvirtd on $2 (tcp without auth: only inside a namespace of this run)
listen_tls = 0
listen_tcp = 1
listen_addr = "$2"
auth_tcp = "none"
auth_unix_ro = "none"
auth_unix_rw = "none"
host_uuid = "$3"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
  cat >"$1/etc/qemu.conf" <<EOF
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
migration_address = "$2"
migration_host = "$2"
EOF
}
start_libvirtd() { # $1 ns, $2 host dir, $3 uri
  ip netns exec "$1" unshare --mount --propagation private -- bash -c '
    set -e
    mount --bind "$0/etc" /etc/libvirt
    mount --bind "$0/run" /run/libvirt
    mount --bind "$0/lib" /var/lib/libvirt
    mount --bind "$0/cache" /var/cache/libvirt
    mount --bind "$0/log" /var/log/libvirt
    exec libvirtd --listen -f /etc/libvirt/libvirtd.conf -p /run/libvirt/libvirtd.pid' "$2" \
    >"$2/libvirtd.out" 2>&1 3>&- 4>&- 9<&- &
  PIDS+=($!)
}
T0=$(now)
UUID_A=$(cat /proc/sys/kernel/random/uuid); UUID_B=$(cat /proc/sys/kernel/random/uuid)
write_host_conf "$WORK/hostA" "$IP_A" "$UUID_A"
write_host_conf "$WORK/hostB" "$IP_B" "$UUID_B"
start_libvirtd "$NS_A" "$WORK/hostA" "$URI_A"
start_libvirtd "$NS_B" "$WORK/hostB" "$URI_B"

# virsh on host X, run inside X's namespace (10 s default time bound per call).
vA() { timeout "${VT:-60}" ip netns exec "$NS_A" virsh -q -c "$URI_A" "$@"; }
vB() { timeout "${VT:-60}" ip netns exec "$NS_B" virsh -q -c "$URI_B" "$@"; }
wait_daemon() { # $1 fn, $2 name, $3 pid
  local deadline=$((SECONDS + 60))
  until VT=10 "$1" uri >/dev/null 2>&1; do
    kill -0 "$3" 2>/dev/null || fail "libvirtd $2 exited"
    ((SECONDS < deadline)) || fail "libvirtd $2 not up within 60 s"
    sleep 0.3
  done
}
wait_daemon vA A "${PIDS[0]}"
wait_daemon vB B "${PIDS[1]}"
GOT_UUID_A=$(vA capabilities | sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p' | head -1)
GOT_UUID_B=$(vB capabilities | sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p' | head -1)
[[ $GOT_UUID_A == "$UUID_A" && $GOT_UUID_B == "$UUID_B" ]] \
  || fail "host UUIDs not as configured: A=$GOT_UUID_A B=$GOT_UUID_B"
# A -> B over TCP, as the migration's client and the source daemon will reach it:
VT=20 timeout 20 ip netns exec "$NS_A" virsh -q -c "$URI_B" uri >/dev/null || fail "host A cannot reach $URI_B"
DAEMONS_MS=$(ms_since "$T0")
log "libvirtd A ($URI_A, host uuid $UUID_A) and B ($URI_B, host uuid $UUID_B) up in ${DAEMONS_MS} ms"

# --------------------------------------------------------------------------------------------
# Heartbeats on the serial console.
CONSOLE_A="$WORK/hostA/log/qemu-check-console.log"
CONSOLE_B="$WORK/hostB/log/qemu-check-console.log"
last_hb() { grep -a -o 'heartbeat [0-9]*' "$1" 2>/dev/null | tail -1 | awk '{print $2}'; }
first_hb() { grep -a -o 'heartbeat [0-9]*' "$1" 2>/dev/null | head -1 | awk '{print $2}'; }
# Wait until the console $1 shows a heartbeat numbered above $2 (or any, if $2 is empty); $3 s max.
wait_hb() {
  local deadline=$((SECONDS + $3)) n
  while ((SECONDS < deadline)); do
    n=$(last_hb "$1")
    if [[ -n $n ]] && { [[ -z $2 ]] || ((n > $2)); }; then echo "$n"; return 0; fi
    sleep 0.1
  done
  return 1
}
state_of() { "$1" domstate "$DOM" 2>/dev/null | head -1; }

# --------------------------------------------------------------------------------------------
# 5. Define and boot the guest on A.
cat >"$WORK/guest/domain.xml" <<EOF
<domain type='qemu'>
  <name>$DOM</name>
  <memory unit='MiB'>$MEM_MIB</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$WORK/guest/vmlinuz</kernel>
    <initrd>$WORK/guest/initrd.gz</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet</cmdline>
  </os>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none'/>
      <source file='$WORK/guest/disk.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='file'>
      <source path='/var/log/libvirt/qemu-check-console.log' append='on'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
vA define "$WORK/guest/domain.xml" >/dev/null || fail "virsh define"
T0=$(now)
vA start "$DOM" >/dev/null || { tail -20 "$WORK/hostA/log/qemu/$DOM.log" >&2; fail "virsh start"; }
START_CMD_MS=$(ms_since "$T0")
HB=$(wait_hb "$CONSOLE_A" "" 120) || { tail -20 "$CONSOLE_A" >&2; fail "no heartbeat on A's console within 120 s of start"; }
BOOT_MS=$(ms_since "$T0")
[[ $(state_of vA) == running ]] || fail "guest not running on A"
log "boot: virsh start ${START_CMD_MS} ms, first heartbeat after ${BOOT_MS} ms"

# --------------------------------------------------------------------------------------------
# 6. Suspend: state 'paused', and the heartbeats stop.
HB=$(wait_hb "$CONSOLE_A" "$HB" 20) || fail "heartbeats stalled before suspend"
T0=$(now); vA suspend "$DOM" >/dev/null || fail "virsh suspend"; SUSPEND_MS=$(ms_since "$T0")
[[ $(state_of vA) == paused ]] || fail "state after suspend: $(state_of vA)"
H1=$(last_hb "$CONSOLE_A"); sleep 3; H2=$(last_hb "$CONSOLE_A")
[[ $H1 == "$H2" ]] || fail "heartbeats went on while suspended ($H1 -> $H2)"
log "suspend: ${SUSPEND_MS} ms, paused, no heartbeat for 3 s (stuck at $H2)"

# 7. Resume: state 'running', heartbeats again.
T0=$(now); vA resume "$DOM" >/dev/null || fail "virsh resume"; RESUME_MS=$(ms_since "$T0")
[[ $(state_of vA) == running ]] || fail "state after resume: $(state_of vA)"
HB=$(wait_hb "$CONSOLE_A" "$H2" 20) || fail "no heartbeat after resume"
log "resume: ${RESUME_MS} ms, heartbeat $HB after resume"

# --------------------------------------------------------------------------------------------
# 8. Snapshot of the running guest (internal: RAM + device state + disk, in the qcow2 file),
# then revert to it (the heartbeat count goes back) and delete it (libvirt will not migrate a
# domain that has snapshots).
HB=$(wait_hb "$CONSOLE_A" "$HB" 20) || fail "heartbeats stalled before snapshot"
SNAP_HB=$HB
DISK_BEFORE=$(stat -c %s "$WORK/guest/disk.qcow2")
T0=$(now)
VT=180 vA snapshot-create-as "$DOM" snap1 --description "qemu-check" >/dev/null || fail "snapshot-create-as"
SNAPSHOT_MS=$(ms_since "$T0")
SNAPSHOT_BYTES=$(( $(stat -c %s "$WORK/guest/disk.qcow2") - DISK_BEFORE ))
SNAP_STATE=$(vA snapshot-info "$DOM" snap1 | awk -F': *' '/^State/ {print $2}')
HB=$(wait_hb "$CONSOLE_A" "$HB" 20) || fail "no heartbeat after snapshot"
sleep 3; HB=$(last_hb "$CONSOLE_A")
T0=$(now)
VT=180 vA snapshot-revert "$DOM" snap1 --running >/dev/null || fail "snapshot-revert"
REVERT_MS=$(ms_since "$T0")
# After the revert the guest counts on from where it was at the snapshot, so the console shows
# a heartbeat numbered at most SNAP_HB+2 after one numbered HB.
POST=""; deadline=$((SECONDS + 20))
while ((SECONDS < deadline)); do
  POST=$(grep -a -o 'heartbeat [0-9]*' "$CONSOLE_A" | awk '{print $2}' | awk -v h="$HB" -v s="$SNAP_HB" \
    'seen && $1 <= s + 2 { print; exit } $1 == h { seen = 1 }')
  [[ -n $POST ]] && break; sleep 0.2
done
[[ -n $POST ]] || fail "after snapshot-revert the heartbeats did not go back (snapshot at $SNAP_HB, last $HB)"
[[ $(state_of vA) == running ]] || fail "state after revert: $(state_of vA)"
VT=60 vA snapshot-delete "$DOM" snap1 >/dev/null || fail "snapshot-delete"
log "snapshot: create ${SNAPSHOT_MS} ms (state '$SNAP_STATE', qcow2 grew by $SNAPSHOT_BYTES bytes), revert ${REVERT_MS} ms (heartbeat $HB -> $POST, snapshot at $SNAP_HB), deleted"

# 9. Save to a file and restore (what a hypervisor 'snapshot' of memory to local disk is).
HB=$(wait_hb "$CONSOLE_A" "$POST" 20) || fail "heartbeats stalled before save"
T0=$(now); VT=180 vA save "$DOM" "$WORK/guest/saved.img" >/dev/null || fail "virsh save"; SAVE_MS=$(ms_since "$T0")
SAVE_BYTES=$(stat -c %s "$WORK/guest/saved.img")
[[ $(state_of vA) == "shut off" ]] || fail "state after save: $(state_of vA)"
T0=$(now); VT=180 vA restore "$WORK/guest/saved.img" >/dev/null || fail "virsh restore"; RESTORE_MS=$(ms_since "$T0")
[[ $(state_of vA) == running ]] || fail "state after restore: $(state_of vA)"
HB=$(wait_hb "$CONSOLE_A" "$(last_hb "$CONSOLE_A")" 20) || fail "no heartbeat after restore"
rm -f "$WORK/guest/saved.img"
log "save: ${SAVE_MS} ms ($SAVE_BYTES bytes), restore: ${RESTORE_MS} ms, heartbeat $HB after restore"

# --------------------------------------------------------------------------------------------
# 10. Live migration A -> B. The virsh client runs on A; the data goes over tcp to 10.77.0.2
# (the migrate URI is given so that no host name is resolved). --unsafe: libvirt cannot tell
# that the qcow2 disk is shared (both daemons see the same file system, as shared storage).
HB=$(wait_hb "$CONSOLE_A" "$HB" 20) || fail "heartbeats stalled before migration"
T0=$(now)
VT=300 vA migrate --live --persistent --unsafe --verbose "$DOM" "$URI_B" "tcp://$IP_B" \
  >"$WORK/migrate.out" 2>&1 || { cat "$WORK/migrate.out" >&2; fail "virsh migrate --live"; }
MIGRATE_WALL_MS=$(ms_since "$T0")
LAST_A=$(last_hb "$CONSOLE_A")
JOBINFO=$(vA domjobinfo "$DOM" --completed) || fail "domjobinfo --completed on the source"
# "Time elapsed:     1997         ms" -> "1997 ms"
job() { awk -F': *' -v k="$1" '$1 == k { v = $2; gsub(/ +/, " ", v); sub(/ $/, "", v); print v; exit }' <<<"$JOBINFO"; }
MIG_TIME=$(job "Time elapsed"); MIG_DOWNTIME=$(job "Total downtime")
MIG_DATA=$(job "Data processed"); MIG_MEM=$(job "Memory processed")
MIG_DATA_TOTAL=$(job "Data total"); MIG_ITER=$(job "Iteration")
MIG_BW=$(job "Memory bandwidth"); MIG_SETUP=$(job "Setup time")
[[ $(state_of vB) == running ]] || fail "guest not running on B after migration: $(state_of vB)"
[[ $(state_of vA) == "shut off" ]] || fail "guest still active on A after migration: $(state_of vA)"
HB_B=$(wait_hb "$CONSOLE_B" "" 20) || fail "no heartbeat on B's console after migration"
HB_B2=$(wait_hb "$CONSOLE_B" "$HB_B" 20) || fail "heartbeats on B stopped after $HB_B"
HB_B1=$(first_hb "$CONSOLE_B")
# The guest's counter goes on: B's first heartbeat follows A's last one (the one in flight at
# the switch-over may be printed on either side, or be cut in two).
((HB_B1 >= LAST_A && HB_B1 <= LAST_A + 2)) || fail "B's first heartbeat $HB_B1 does not follow A's last $LAST_A"
log "migration: virsh wall ${MIGRATE_WALL_MS} ms; libvirt: time ${MIG_TIME}, downtime ${MIG_DOWNTIME}, data ${MIG_DATA}; heartbeats A..$LAST_A then B $HB_B1, $HB_B2"

# Bring the guest back to A for the optional hypervisor stage (also a second measurement).
T0=$(now)
VT=300 vB migrate --live --persistent --unsafe "$DOM" "$URI_A" "tcp://$IP_A" \
  >>"$WORK/migrate.out" 2>&1 || { cat "$WORK/migrate.out" >&2; fail "virsh migrate back B -> A"; }
BACK_WALL_MS=$(ms_since "$T0")
# (the completed job's statistics live on the source's domain object: read them before
# undefining it there; with --undefinesource they would be gone with it)
JOBINFO_A=$JOBINFO
JOBINFO=$(vB domjobinfo "$DOM" --completed 2>/dev/null || true)
BACK_DOWNTIME=$(job "Total downtime"); BACK_TIME=$(job "Time elapsed"); BACK_DATA=$(job "Data processed")
JOBINFO=$JOBINFO_A
vB undefine "$DOM" >/dev/null || fail "undefine on B after migrating back"
HB=$(wait_hb "$CONSOLE_A" "$(last_hb "$CONSOLE_A")" 20) || fail "no heartbeat on A after migrating back"
log "migration back B -> A: virsh wall ${BACK_WALL_MS} ms, libvirt time ${BACK_TIME:-?}, downtime ${BACK_DOWNTIME:-?}; heartbeat $HB on A"

# --------------------------------------------------------------------------------------------
# 11. Optional: the same operations through the project's own Hypervisor class, on a fresh
# guest (the virsh-level one is stopped and undefined first).
vA destroy "$DOM" >/dev/null || fail "destroy the virsh-level guest"
vA undefine "$DOM" >/dev/null || fail "undefine the virsh-level guest"
HYP_STATUS="not run"
HYP_CMD=${QEMU_CHECK_HYPERVISOR:-0}
[[ $HYP_CMD == 1 ]] && HYP_CMD="cd '$HERE/..' && exec node_modules/.bin/tsx scripts/qemu-check/hypervisor-check.ts"
if [[ $HYP_CMD != 0 ]]; then
  log "hypervisor-class stage: $HYP_CMD"
  export QEMU_CHECK_URI_A="$URI_A" QEMU_CHECK_URI_B="$URI_B" QEMU_CHECK_WORK="$WORK"
  T0=$(now)
  if timeout 600 ip netns exec "$NS_A" bash -c "$HYP_CMD" 2>&1 | tee "$WORK/hypervisor-check.out" >&2; then
    HYP_STATUS="passed"
  else
    HYP_STATUS="FAILED"
  fi
  HYP_MS=$(ms_since "$T0")
  HYP_RESULT=$(sed -n 's/^HYPERVISOR_CHECK //p' "$WORK/hypervisor-check.out" | tail -1)
  log "hypervisor-class stage: $HYP_STATUS in ${HYP_MS} ms"
fi

TOTAL_MS=$(ms_since "$SCRIPT_START")

# --------------------------------------------------------------------------------------------
cat <<EOF

==================== qemu-check report ====================
date (UTC)            $(date -u '+%Y-%m-%d %H:%M:%S')
libvirt               $LIBVIRT_VERSION (monolithic libvirtd, one per network namespace)
QEMU                  $QEMU_VERSION (TCG: /dev/kvm $( [[ -e /dev/kvm ]] && echo present || echo absent))
guest                 $KERNEL, busybox initramfs, ${MEM_MIB} MiB, 1 vCPU, 64 MiB qcow2 disk
hosts                 A $URI_A (uuid $UUID_A), B $URI_B (uuid $UUID_B)

step                          wall time
packages (apt if missing)     ${INSTALL_MS} ms
namespaces + veth             ${NET_MS} ms
two libvirtd up               ${DAEMONS_MS} ms
virsh start                   ${START_CMD_MS} ms
boot to first heartbeat       ${BOOT_MS} ms
suspend                       ${SUSPEND_MS} ms
resume                        ${RESUME_MS} ms
snapshot-create-as (live)     ${SNAPSHOT_MS} ms   (qcow2 +${SNAPSHOT_BYTES} bytes, state '${SNAP_STATE}')
snapshot-revert               ${REVERT_MS} ms   (heartbeat went back to ${POST}: the snapshot was taken at ${SNAP_HB})
save / restore                ${SAVE_MS} / ${RESTORE_MS} ms   (save file ${SAVE_BYTES} bytes)
migrate --live A -> B         ${MIGRATE_WALL_MS} ms (virsh wall time)
migrate --live B -> A         ${BACK_WALL_MS} ms (virsh wall time; libvirt: time ${BACK_TIME:-?}, downtime ${BACK_DOWNTIME:-?}, data ${BACK_DATA:-?})
hypervisor-class stage        ${HYP_STATUS}${HYP_MS:+ (${HYP_MS} ms)}${HYP_RESULT:+
  $HYP_RESULT}
whole script                  ${TOTAL_MS} ms

migration A -> B as libvirt reports it (virsh domjobinfo --completed, on the source):
  time elapsed     ${MIG_TIME}
  total downtime   ${MIG_DOWNTIME}
  setup time       ${MIG_SETUP:-?}
  data processed   ${MIG_DATA}   (data total ${MIG_DATA_TOTAL})
  memory processed ${MIG_MEM}
  memory bandwidth ${MIG_BW}
  iterations       ${MIG_ITER}
heartbeats: last on A ${LAST_A}, first on B ${HB_B1}, and on to ${HB_B2} (the guest went on counting on B)

full domjobinfo --completed:
$(sed 's/^/  /' <<<"$JOBINFO")
===========================================================
EOF
printf 'QEMU_CHECK_RESULT {"ok":%s,"libvirt":"%s","qemu":"%s","installMs":%s,"bootMs":%s,"suspendMs":%s,"resumeMs":%s,"snapshotMs":%s,"revertMs":%s,"saveMs":%s,"restoreMs":%s,"saveBytes":%s,"migrateWallMs":%s,"migrationTime":"%s","migrationDowntime":"%s","migrationData":"%s","hypervisorStage":"%s","hypervisor":%s,"totalMs":%s}\n' \
  "$( [[ $HYP_STATUS == FAILED ]] && echo false || echo true )" "$LIBVIRT_VERSION" "$QEMU_VERSION" \
  "$INSTALL_MS" "$BOOT_MS" "$SUSPEND_MS" "$RESUME_MS" "$SNAPSHOT_MS" "$REVERT_MS" "$SAVE_MS" "$RESTORE_MS" \
  "$SAVE_BYTES" "$MIGRATE_WALL_MS" "$MIG_TIME" "$MIG_DOWNTIME" "$MIG_DATA" "$HYP_STATUS" "${HYP_RESULT:-null}" "$TOTAL_MS"
[[ $HYP_STATUS != FAILED ]] || fail "hypervisor-class stage failed"
log "all steps passed"
