// service_facts: the host's services and their state as ansible_facts.services.
import { defineModule } from '../src/core/module.js';
import { serviceList } from '../src/facts/service-list.js';

export const service_facts = defineModule({
  name: 'service_facts',
  doc: {
    short: 'Return service state information as fact data',
    description:
      'ansible_facts.services maps each service to {name, state, status, source}. With systemd the keys are ' +
      'unit names (nginx.service); with init scripts they are script names and state comes from `status`.',
    examples: ['- service_facts:', "- debug: var=ansible_facts.services['nginx'].state"].join('\n'),
    returns: { ansible_facts: 'services: name → {name, state, status, source}.' },
  },
  params: {},
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts() {
    return { services: serviceList() };
  },
  plan(_p, f) {
    return { changed: false, steps: [], result: { ansible_facts: { services: f.services } } };
  },
});
