#!/usr/bin/env bash
# The README's demo: build tsible, start three test hosts, and run the nginx example playbook on them.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d dist ]] || npm run build
inv=examples/nginx/inventory.ini
bash test/fleet/fleet.sh up 3 --prefix web --group webservers --inventory "$inv"
node bin/tsible-playbook.js -i "$inv" examples/nginx/deploy_nginx.yml
echo
for addr in $(awk '/ansible_host=/{sub(/.*ansible_host=/,""); print $1}' "$inv"); do
  printf 'GET http://%s/ -> ' "$addr"
  curl -s "http://$addr/" | grep -o '<h1>.*</h1>' || echo '(no page)'
done
echo "Run it again to see changed=0; stop the hosts with: bash test/fleet/fleet.sh down"
