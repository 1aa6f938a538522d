// The conformance suite's transcript normaliser (test/conformance/normalise.ts).
import { describe, expect, it } from 'vitest';
import { normaliseTranscript } from '../../conformance/normalise.js';

describe('normaliseTranscript', () => {
  it("sorts host results within a task, keeping each host's lines and diffs together", () => {
    const text = [
      'TASK [t] ***',
      '--- before: /x/b',
      '+++ after: /root/.ansible/tmp/ansible-local-1abc/tmpzz',
      '@@ -1 +1 @@',
      'changed: [b]',
      'ok: [a] => {',
      '    "delta": "0:00:00.1"',
      '}',
      'included: /d/x.yml for b, a',
      '',
    ].join('\n');
    expect(normaliseTranscript(text, '/d')).toBe(
      [
        'TASK [t] ***',
        'ok: [a] => {',
        '    "delta": "X"',
        '}',
        'included: <DIR>/x.yml for a, b',
        '--- before: /x/b',
        '+++ after',
        '@@ -1 +1 @@',
        'changed: [b]',
        '',
      ].join('\n'),
    );
  });
  it("drops pause's terminal hint and the words of an unreachable result", () => {
    const text =
      'TASK [p] ***\nPausing for 1 seconds\n(ctrl+C then \'C\' = continue early)\nfatal: [d]: UNREACHABLE! => {"msg": "x"}';
    expect(normaliseTranscript(text)).toBe('TASK [p] ***\nfatal: [d]: UNREACHABLE!');
  });
});
