#!/bin/busybox sh
# /init of the tiny guest used by scripts/qemu-check.sh: busybox only, no disk needed.
# Prints a numbered heartbeat to the serial console (ttyS0) every second, forever, so the
# host can tell from the console file that the guest runs, and after a live migration that
# the same guest goes on counting on the target.
/bin/busybox mkdir -p /proc /sys /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "qemu-check guest: init up after $(/bin/busybox cut -d' ' -f1 /proc/uptime) s of guest uptime"
i=0
while true; do
  i=$((i + 1))
  echo "heartbeat $i uptime=$(/bin/busybox cut -d' ' -f1 /proc/uptime)"
  /bin/busybox sleep 1
done
