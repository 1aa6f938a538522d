# Floor for the scale test's workload (scale-a.yml): what it checks, under the endpoint's $BENCH_ROOT.
B=${BENCH_ROOT:?}/a
uname -a
cat /etc/os-release /etc/hostname /etc/debian_version /proc/meminfo >/dev/null
id -u
stat -c '%n %F %a %U %G %s' "$B" "$B/conf.d" "$B/data" "$B/motd" "$B/app.conf" "$B/identity" \
  "$B/conf.d/service.conf" "$B/settings.ini" "$B/hosts.extra" "$B/listen.conf" "$B/.initialized" "$B/app.link" 2>&1
sha1sum "$B/motd" "$B/app.conf" "$B/identity" "$B/conf.d/service.conf" 2>&1
grep -n -e '^max_conn\s*=' -e '^log_level\s*=' -e '^workers\s*=' "$B/settings.ini" 2>&1
grep -c 'ANSIBLE MANAGED BLOCK' "$B/hosts.extra" 2>&1
grep -c '127\.0\.0\.1' "$B/listen.conf" 2>&1
readlink "$B/app.link"
cat /etc/debian_version
echo $((6 * 7)) | grep -q 42
exit 0
