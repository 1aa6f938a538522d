#!/usr/bin/env bash
# The README's demo: start three test hosts, run the nginx example and the two-role site on them.
set -euo pipefail
cd "$(dirname "$0")/.."
inv=examples/inventory.ini
bash test/fleet/fleet.sh up 3 --prefix web --group webservers --inventory "$inv"
node bin/tsible-playbook.js -i "$inv" examples/nginx/deploy_nginx.yml
node bin/tsible-playbook.js -i "$inv" examples/site.yml
echo
for addr in $(awk '/ansible_host=/{sub(/.*ansible_host=/,""); print $1}' "$inv"); do
  printf 'http://%s/      -> %s\n' "$addr" "$(curl -s "http://$addr/" | grep -o '<h1>.*</h1>' || echo '(no page)')"
  printf 'http://%s:8080/ -> %s\n' "$addr" "$(curl -s "http://$addr:8080/" | grep -o '<h1>.*</h1>' || echo '(no page)')"
done
echo "Run it again to see changed=0 everywhere; stop the hosts with: bash test/fleet/fleet.sh down"
