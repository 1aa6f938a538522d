# Floor for workload (b), the nginx example: reads the package, the site config, the app files and the
# service's state. $BENCH_ROOT is unused. POSIX sh (targets run dash).
uname -a
cat /etc/os-release /etc/hostname >/dev/null
dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\n' nginx 2>&1
stat -c '%n %F %a %U %G %s' /etc/nginx/sites-available/default /var/www/html /var/www/html/* 2>&1
sha1sum /etc/nginx/sites-available/default /var/www/html/* 2>&1
[ -x /etc/init.d/nginx ] && /etc/init.d/nginx status >/dev/null 2>&1
ls /etc/rc2.d 2>/dev/null | grep -c nginx
exit 0
