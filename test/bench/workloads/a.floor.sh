# Floor for workload (a): one shell script per host, on one SSH connection, that reads the state the
# playbook checks (a few facts, the user and group, each path's type/mode/owner, contents, packages).
# $BENCH_ROOT is set by the benchmark. POSIX sh (targets run dash).
B=${BENCH_ROOT:?}/a
# Facts: what gather_facts reads most of its data from.
uname -a
cat /etc/os-release /etc/hostname /etc/debian_version /proc/meminfo /proc/cpuinfo >/dev/null
hostname
id -u
# group / user
getent group benchgrp
getent passwd benchuser
# file / copy / template / lineinfile / blockinfile / replace targets
stat -c '%n %F %a %U %G %s' "$B" "$B/conf.d" "$B/motd" "$B/app.conf" "$B/conf.d/service.conf" \
  "$B/settings.ini" "$B/hosts.extra" "$B/listen.conf" "$B/.initialized" "$B/app.link" 2>&1
sha1sum "$B/motd" "$B/app.conf" "$B/conf.d/service.conf" 2>&1
grep -n -e '^max_conn\s*=' -e '^log_level\s*=' "$B/settings.ini" 2>&1
grep -c 'ANSIBLE MANAGED BLOCK' "$B/hosts.extra" 2>&1
grep -c '127\.0\.0\.1' "$B/listen.conf" 2>&1
readlink "$B/app.link"
# command / shell
cat /etc/debian_version
echo $((6 * 7)) | grep -q 42
# apt present
dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\n' openssh-server procps
exit 0
