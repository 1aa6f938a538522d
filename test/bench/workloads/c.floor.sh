# Floor for workload (c): for each directory, the directory's and app.conf's type, mode and owner, and
# the two lines the lineinfile tasks check. Three processes in all (the path lists are built with shell
# builtins only). $BENCH_ROOT is set by the benchmark; $C_DIRS is 50 (c.yml) or 5 (scale-c.yml).
C=${BENCH_ROOT:?}/c
DIRS=
FILES=
i=0
while [ "$i" -lt "${C_DIRS:-50}" ]; do
  n=$i
  [ "$i" -lt 10 ] && n=0$i
  DIRS="$DIRS $C/d$n"
  FILES="$FILES $C/d$n/app.conf"
  i=$((i + 1))
done
# shellcheck disable=SC2086 # word splitting of the path lists is intended
stat -c '%n %F %a %U %G %s' $DIRS $FILES 2>&1
# shellcheck disable=SC2086
grep -H -n -e '^name = item[0-9][0-9]$' -e '^port\s*=' $FILES 2>&1
exit 0
