// Every filter, table-checked against ansible-core 2.14.18 (debug msg output with the fixture vars).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { errorOf, renderer } from './helpers.js';
import { Templar } from '../../../src/template/index.js';

const ANSIBLE: [string, unknown][] = [
  ["{{ nope | default('x') }}", 'x'],
  ["{{ nul | default('x') }}", ''],
  ["{{ nul | default('x', true) }}", 'x'],
  ["{{ 0 | default('x', true) }}", 'x'],
  ["{{ nope | d('y') }}", 'y'],
  ["{{ 'yes' | bool }}", true],
  ["{{ 'on' | bool }}", true],
  ["{{ '1' | bool }}", true],
  ["{{ 'TRUE' | bool }}", true],
  ["{{ 'y' | bool }}", false],
  ["{{ 'no' | bool }}", false],
  ["{{ 'foo' | bool }}", false],
  ['{{ 1 | bool }}', true],
  ['{{ 0 | bool }}', false],
  ['{{ 2 | bool }}', false],
  ['{{ nul | bool }}', ''],
  ['{{ 1.0 | bool }}', true],
  ["{{ 't' | bool }}", false],
  ["{{ '42' | int }}", '42'],
  ["{{ '4.7' | int }}", '4'],
  ["{{ 'x' | int }}", '0'],
  ["{{ 'x' | int(7) }}", '7'],
  ["{{ '0x1F' | int(0, 16) }}", '31'],
  ["{{ '0x1F' | int(base=16) }}", '31'],
  ['{{ 4.7 | int }}', '4'],
  ['{{ true | int }}', '1'],
  ["{{ '3' | float }}", '3.0'],
  ["{{ 'x' | float }}", '0.0'],
  ['{{ 3 | float }}', '3.0'],
  ["{{ '1e3' | float }}", '1000.0'],
  ['{{ 5 | string }}', '5'],
  ['{{ [1] | string }}', '[1]'],
  ['{{ nul | string }}', 'None'],
  ["{{ 'AbC' | lower }}", 'abc'],
  ["{{ 'AbC' | upper }}", 'ABC'],
  ["{{ 'hello WORLD' | capitalize }}", 'Hello world'],
  ["{{ 'hello wORLD-foo bar_baz' | title }}", 'Hello World-Foo Bar_baz'],
  ["{{ '  x  ' | trim }}", 'x'],
  ["{{ 'xxaxx' | trim('x') }}", 'a'],
  ["{{ 'aaa' | replace('a', 'b') }}", 'bbb'],
  ["{{ 'aaa' | replace('a', 'b', 2) }}", 'bba'],
  ["{{ 'abc' | regex_replace('b', 'X') }}", 'aXc'],
  ["{{ 'abc' | regex_replace('(b)', '[\\\\1]') }}", 'a[\\1]c'],
  ["{{ 'a1b22' | regex_replace('\\d+', '#') }}", 'a#b#'],
  ["{{ 'foo.bar' | regex_replace('^(?P<x>\\w+)\\.(\\w+)$', '\\g<x>-\\2') }}", 'foo-bar'],
  ["{{ 'ABC' | regex_replace('b', 'x', ignorecase=true) }}", 'AxC'],
  ["{{ 'a\nb' | regex_replace('^', '> ', multiline=true) }}", '> a\n> b'],
  ["{{ 'a$b' | regex_replace('\\$', '$$') }}", 'a$$b'],
  ["{{ 'hello world' | regex_search('o w') }}", 'o w'],
  ["{{ 'hello world' | regex_search('z') }}", ''],
  ["{{ 'HELLO' | regex_search('hel', ignorecase=true) }}", 'HEL'],
  ["{{ 'a1b22c333' | regex_findall('\\d+') }}", ['1', '22', '333']],
  [
    "{{ 'a=1 b=2' | regex_findall('(\\w)=(\\d)') }}",
    [
      ['a', '1'],
      ['b', '2'],
    ],
  ],
  ["{{ 'a=1 b=2' | regex_findall('(\\w)=\\d') }}", ['a', 'b']],
  ["{{ 'a.b*c' | regex_escape }}", 'a\\.b\\*c'],
  ["{{ 'a.b*c' | regex_escape('posix_basic') }}", 'a\\.b\\*c'],
  ["{{ ['a','b'] | join(',') }}", 'a,b'],
  ['{{ [1, 2] | join }}', '12'],
  ["{{ users | join(', ', attribute='name') }}", 'alice, bob, carol'],
  ["{{ 'a,b,,c' | split(',') }}", ['a', 'b', '', 'c']],
  ["{{ 'a b  c' | split }}", ['a', 'b', 'c']],
  ["{{ users | map(attribute='name') | list }}", ['alice', 'bob', 'carol']],
  ["{{ ['a','b'] | map('upper') | list }}", ['A', 'B']],
  ["{{ ['a','b'] | map('regex_replace', 'a', 'x') | list }}", ['x', 'b']],
  ["{{ users | map(attribute='nope', default='dflt') | list }}", ['dflt', 'dflt', 'dflt']],
  ["{{ [1,2,3,4] | select('odd') | list }}", [1, 3]],
  ["{{ [1,2,3,4] | reject('odd') | list }}", [2, 4]],
  ["{{ [1,2,3,4] | select('gt', 2) | list }}", [3, 4]],
  ["{{ [0,1,'',2] | select | list }}", [1, 2]],
  ["{{ ['a','ab','b'] | select('match', 'a') | list }}", ['a', 'ab']],
  ["{{ words | select('equalto', 'a') | list }}", ['a', 'a']],
  [
    "{{ users | selectattr('name', 'equalto', 'bob') | list }}",
    [{ admin: false, groups: ['dev'], name: 'bob', uid: 1002 }],
  ],
  ["{{ users | selectattr('uid', '>', 1001) | map(attribute='name') | list }}", ['bob', 'carol']],
  ["{{ users | selectattr('admin', 'defined') | map(attribute='name') | list }}", ['alice', 'bob']],
  ["{{ users | selectattr('groups', 'contains', 'dev') | map(attribute='name') | list }}", ['alice', 'bob']],
  ['{{ lst | first }}', '3'],
  ['{{ lst | last }}', '2'],
  ["{{ 'abc' | first }}", 'a'],
  ['{{ lst | length }}', '3'],
  ['{{ d | length }}', '2'],
  ["{{ 'abc' | count }}", '3'],
  ['{{ words | unique }}', ['b', 'a', 'c']],
  ['{{ [1,2] | union([2,3]) }}', [1, 2, 3]],
  ['{{ [1,2,2] | intersect([2,3]) }}', [2]],
  ['{{ [1,2,3] | difference([2]) }}', [1, 3]],
  ['{{ [1,2] | symmetric_difference([2,3]) }}', [1, 3]],
  ['{{ nested | flatten }}', [1, 2, 3, 4]],
  ['{{ nested | flatten(levels=1) }}', [1, [2, 3], 4]],
  ['{{ [1, [nul, [2]]] | flatten }}', [1, 2]],
  ['{{ lst | sort }}', [1, 2, 3]],
  ['{{ lst | sort(reverse=true) }}', [3, 2, 1]],
  [
    "{{ users | sort(attribute='name', reverse=true) | map(attribute='name') | list }}",
    ['carol', 'bob', 'alice'],
  ],
  ["{{ ['b','A','a'] | sort }}", ['A', 'a', 'b']],
  ["{{ ['b','A','a'] | sort(case_sensitive=true) }}", ['A', 'a', 'b']],
  [
    '{{ d | dictsort }}',
    [
      ['a', 1],
      ['b', 2],
    ],
  ],
  [
    '{{ d | dictsort(reverse=true) }}',
    [
      ['b', 2],
      ['a', 1],
    ],
  ],
  [
    "{{ {'a': 2, 'b': 1} | dictsort(by='value') }}",
    [
      ['b', 1],
      ['a', 2],
    ],
  ],
  [
    '{{ d | dict2items }}',
    [
      { key: 'b', value: 2 },
      { key: 'a', value: 1 },
    ],
  ],
  [
    "{{ d | dict2items(key_name='k', value_name='v') }}",
    [
      { k: 'b', v: 2 },
      { k: 'a', v: 1 },
    ],
  ],
  ['{{ kv | items2dict }}', { a: 1, b: 2 }],
  ["{{ people | items2dict(key_name='name', value_name='admin') }}", { x: true, y: false }],
  ['{{ d2 | combine(d3) }}', { a: { y: [2], z: 1 }, c: 3, e: 5 }],
  ['{{ d2 | combine(d3, recursive=true) }}', { a: { x: 1, y: [2], z: 1 }, c: 3, e: 5 }],
  ["{{ {'a': [1]} | combine({'a': [2]}, list_merge='append') }}", { a: [1, 2] }],
  ["{{ {'a': [1, 2]} | combine({'a': [2, 3]}, list_merge='append_rp') }}", { a: [1, 2, 3] }],
  ["{{ {'a': [1]} | combine({'a': [2]}, list_merge='prepend') }}", { a: [2, 1] }],
  ["{{ [{'a': 1}, {'b': 2}] | combine }}", { a: 1, b: 2 }],
  ["{{ {'a':1} | combine({'b':2}, {'c':3}) }}", { a: 1, b: 2, c: 3 }],
  [
    "{{ [1,2] | zip(['a','b']) | list }}",
    [
      [1, 'a'],
      [2, 'b'],
    ],
  ],
  [
    "{{ [1,2,3] | zip_longest(['a']) | list }}",
    [
      [1, 'a'],
      [2, null],
      [3, null],
    ],
  ],
  [
    "{{ [1,2,3] | zip_longest(['a'], fillvalue='-') | list }}",
    [
      [1, 'a'],
      [2, '-'],
      [3, '-'],
    ],
  ],
  [
    "{{ [1,2] | product(['a','b']) | list }}",
    [
      [1, 'a'],
      [1, 'b'],
      [2, 'a'],
      [2, 'b'],
    ],
  ],
  ["{{ {'x': 1, 'nested': {'a': 1}} | to_json }}", '{"x": 1, "nested": {"a": 1}}'],
  ["{{ 'é' | to_json }}", '"\\u00e9"'],
  [
    "{{ {'b': 1, 'a': [1, 2]} | to_nice_json }}",
    '{\n    "a": [\n        1,\n        2\n    ],\n    "b": 1\n}',
  ],
  ["{{ {'b': 1, 'a': [1, 2]} | to_nice_json(indent=2) }}", '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}'],
  ["{{ {'b': 1, 'a': 2} | to_json(sort_keys=true) }}", '{"a": 2, "b": 1}'],
  ['{{ \'{"a": [1, true, null]}\' | from_json }}', { a: [1, true, null] }],
  ["{{ {'b': 1, 'a': [1, 2], 'c': {'d': 'x y'}} | to_yaml }}", 'a: [1, 2]\nb: 1\nc: {d: x y}\n'],
  [
    "{{ {'b': 1, 'a': [1, 2], 'c': {'d': 'x y'}, 'e': []} | to_nice_yaml }}",
    'a:\n- 1\n- 2\nb: 1\nc:\n    d: x y\ne: []\n',
  ],
  ["{{ 'a: 1\nb: [x, yes]' | from_yaml }}", { a: 1, b: ['x', true] }],
  ["{{ 'hello' | to_yaml }}", 'hello\n'],
  ["{{ ['a', 'yes', '1', 'x: y'] | to_nice_yaml }}", "- a\n- 'yes'\n- '1'\n- 'x: y'\n"],
  ["{{ {'k': 'multi\nline'} | to_nice_yaml }}", "k: 'multi\n\n    line'\n"],
  ["{{ {'k': 'multi\nline'} | to_yaml }}", "{k: 'multi\n\n    line'}\n"],
  ["{{ 'pw' | b64encode }}", 'cHc='],
  ["{{ 'cHc=' | b64decode }}", 'pw'],
  ["{{ 'é' | b64encode }}", 'w6k='],
  ["{{ 'abc' | hash('sha1') }}", 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ["{{ 'abc' | hash('md5') }}", '900150983cd24fb0d6963f7d28e17f72'],
  ["{{ 'abc' | hash('sha256') }}", 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  [
    "{{ 'abc' | hash('sha512') }}",
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  ],
  ["{{ 'abc' | checksum }}", 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ["{{ 'abc' | md5 }}", '900150983cd24fb0d6963f7d28e17f72'],
  ["{{ 'abc' | sha1 }}", 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  [
    "{{ 'pw' | password_hash('sha512', 'salt', rounds=10000) }}",
    '$6$rounds=10000$salt$Y3Y2ieXzYhQrdXsbayIopyP6hKljxR/2eQIHKeuoBJxGpYWc.c/0WJHsoFBoSUdgiczuUVO4VSM/lpYJm6nXj0',
  ],
  ["{{ 'pw' | password_hash('md5', 'salt') }}", '$1$salt$IXp9zPHZ94CMcVBXaZFPN/'],
  ["{{ 'hello world' | regex_search('(l+)o (w)', '\\1', '\\2') }}", ['ll', 'w']],
  ["{{ 'k=v' | regex_search('(?P<k>\\w)=(?P<v>\\w)', '\\g<v>') }}", ['v']],
  ["{{ 'hello' | regex_search('(?i)HEL') }}", 'hel'],
  ['{{ path | basename }}', 'nginx.conf'],
  ['{{ path | dirname }}', '/etc/nginx'],
  ["{{ 'a/b.tar.gz' | splitext }}", "('a/b.tar', '.gz')"],
  ["{{ ['a', 'b', '/c', 'd'] | path_join }}", '/c/d'],
  ["{{ ('a', 'b') | path_join }}", 'a/b'],
  ['{{ "it\'s" | quote }}', "'it'\"'\"'s'"],
  ["{{ 'abc' | quote }}", 'abc'],
  ["{{ '' | quote }}", "''"],
  ["{{ 'a b' | quote }}", "'a b'"],
  ["{{ 'a-b_c.d/e:f=g@h%+,' | quote }}", 'a-b_c.d/e:f=g@h%+,'],
  ["{{ true | ternary('y', 'n') }}", 'y'],
  ["{{ false | ternary('y', 'n') }}", 'n'],
  ["{{ nul | ternary('y', 'n', 'z') }}", 'z'],
  ["{{ 'x' | ternary('y', 'n') }}", 'y'],
  ['{{ range(5) | list }}', [0, 1, 2, 3, 4]],
  ['{{ range(1, 10, 3) | list }}', [1, 4, 7]],
  ['{{ range(3) }}', [0, 1, 2]],
  ['{{ [3, 1, 2] | min }}', '1'],
  ['{{ [3, 1, 2] | max }}', '3'],
  ["{{ users | max(attribute='uid') }}", { name: 'carol', uid: 1003, groups: [] }],
  ['{{ [1, 2.5] | sum }}', '3.5'],
  ['{{ [1, 2] | sum(start=10) }}', '13'],
  ["{{ users | sum(attribute='uid') }}", '3006'],
  ['{{ -3 | abs }}', '3'],
  ['{{ 2.567 | round(2) }}', '2.57'],
  ["{{ 2.5 | round(0, 'floor') }}", '2.0'],
  ["{{ 2.1 | round(0, 'ceil') }}", '3.0'],
  ["{{ 2.567 | round(1, 'floor') }}", '2.5'],
  ['{{ 1.5 | round }}', '2.0'],
  ['{{ 0.5 | round }}', '0.0'],
  ["{{ 'abc' | list }}", ['a', 'b', 'c']],
  ['{{ d | list }}', ['b', 'a']],
  ['{{ dict(a=1, b=2) }}', { a: 1, b: 2 }],
  [
    '{{ d | items | list }}',
    [
      ['b', 2],
      ['a', 1],
    ],
  ],
  ['{{ lst | reverse | list }}', [2, 1, 3]],
  ["{{ 'abc' | reverse }}", 'cba'],
  ['{{ [1,2,3,4,5] | batch(2) | list }}', [[1, 2], [3, 4], [5]]],
  [
    "{{ [1,2,3,4,5] | batch(2, 'x') | list }}",
    [
      [1, 2],
      [3, 4],
      [5, 'x'],
    ],
  ],
  [
    '{{ [1,2,3,4,5] | slice(2) | list }}',
    [
      [1, 2, 3],
      [4, 5],
    ],
  ],
  ["{{ 'a\nb\n\nc' | indent }}", 'a\n    b\n\n    c'],
  ["{{ 'a\nb' | indent(2, true) }}", '  a\n  b'],
  ["{{ 'a\nb' | indent(width=2, first=true, blank=true) }}", '  a\n  b'],
  ["{{ 'ab' | center(6) }}", '  ab  '],
  ["{{ 'a b  c' | wordcount }}", '3'],
  ["{{ 'hello world foo bar' | truncate(9) }}", 'hello...'],
  ["{{ 'hello world foo bar baz qux' | truncate(12, true, '..', 0) }}", 'hello worl..'],
  ["{{ 'hello world' | truncate(20) }}", 'hello world'],
  ["{{ '%s-%s' | format('a', 1) }}", 'a-1'],
  ["{{ '%05.1f|%-4d|%x|%r' | format(3.14159, 7, 255, 'a') }}", "003.1|7   |ff|'a'"],
  ["{{ 'hi' | comment }}", '#\n# hi\n#'],
  ["{{ 'hi\nthere' | comment('c') }}", '//\n// hi\n// there\n//'],
  ["{{ 'hi' | comment('erlang') }}", '%\n% hi\n%'],
  ["{{ 'hi' | comment('xml') }}", '<!--\n -\n - hi\n -\n-->'],
  ["{{ 'hi' | comment('cblock') }}", '/*\n *\n * hi\n *\n */'],
  ["{{ 'hi' | comment(decoration='; ') }}", ';\n; hi\n;'],
  ["{{ 'hi' | comment(prefix='#!', postfix='#') }}", '#!\n# hi\n#'],
  ["{{ 'x' | type_debug }}", 'str'],
  ['{{ 1 | type_debug }}', 'int'],
  ['{{ 1.5 | type_debug }}', 'float'],
  ['{{ [] | type_debug }}', 'list'],
  ['{{ {} | type_debug }}', 'dict'],
  ['{{ nul | type_debug }}', 'NoneType'],
  ['{{ true | type_debug }}', 'bool'],
  ['{{ d | type_debug }}', 'dict'],
  ['{{ lst | type_debug }}', 'list'],
  ['{{ 1024 | human_readable }}', '1.00 KB'],
  ["{{ 1500000 | human_readable(unit='M') }}", '1.43 MB'],
  ['{{ 1024 | human_readable(isbits=true) }}', '1.00 Kb'],
  ["{{ '1 KB' | human_to_bytes }}", '1024'],
  ["{{ '10M' | human_to_bytes }}", '10485760'],
  [
    "{{ 'https://user:pw@host.example:8080/p/a?q=1#frag' | urlsplit }}",
    {
      fragment: 'frag',
      hostname: 'host.example',
      netloc: 'user:pw@host.example:8080',
      password: 'pw',
      path: '/p/a',
      port: 8080,
      query: 'q=1',
      scheme: 'https',
      username: 'user',
    },
  ],
  ["{{ 'https://host.example:8080/p' | urlsplit('port') }}", '8080'],
  ["{{ [0, 2] | map('extract', ['a', 'b', 'c']) | list }}", ['a', 'c']],
  ["{{ 'a' | extract(d) }}", '1'],
  ["{{ users | subelements('groups') | map('last') | list }}", ['wheel', 'dev', 'dev']],
  [
    "{{ users | subelements('groups') | first }}",
    "({'name': 'alice', 'admin': True, 'uid': 1001, 'groups': ['wheel', 'dev']}, 'wheel')",
  ],
  [
    "{{ [{'k':'a','v':1},{'k':'b','v':2},{'k':'a','v':3}] | groupby('k') }}",
    [
      [
        'a',
        [
          { k: 'a', v: 1 },
          { k: 'a', v: 3 },
        ],
      ],
      ['b', [{ k: 'b', v: 2 }]],
    ],
  ],
  ["{{ 59 | random(seed='web1') }}", '52'],
  ["{{ 59 | random(seed='web2') }}", '22'],
  ["{{ ['a','b','c','d'] | random(seed='x') }}", 'c'],
  ["{{ [1,2,3,4,5] | shuffle(seed='x') }}", [5, 2, 1, 4, 3]],
  ["{{ 10 | random(start=5, step=2, seed='h') }}", '7'],
  ["{{ 1000 | random(seed='inventory1') }}", '201'],
  ["{{ {'a': 1} | dict2items | items2dict }}", { a: 1 }],
  ["{{ 'a' * 0 }}", ''],
  ['{{ [1,2] * 2 }}', [1, 2, 1, 2]],
  ['{{ 7 / 2 }}', '3.5'],
  ['{{ 7.0 // 2 }}', '3.0'],
  ['{{ 2 ** 0.5 }}', '1.4142135623730951'],
  ['{{ 10 | log }}', '2.302585092994046'],
  ['{{ 8 | log(2) }}', '3.0'],
  ['{{ 2 | pow(3) }}', '8.0'],
  ['{{ 16 | root }}', '4.0'],
  ['{{ 27 | root(3) }}', '3.0'],
  [
    '{{ [1,2,3] | combinations(2) | list }}',
    [
      [1, 2],
      [1, 3],
      [2, 3],
    ],
  ],
  [
    '{{ [1,2,3] | permutations(2) | list }}',
    [
      [1, 2],
      [1, 3],
      [2, 1],
      [2, 3],
      [3, 1],
      [3, 2],
    ],
  ],
  ["{{ 'a%20b' | urldecode }}", 'a b'],
  ["{{ 'a b&c' | urlencode }}", 'a%20b%26c'],
  ["{{ {'a': 1, 'b': 'x y'} | urlencode }}", 'a=1&b=x+y'],
  [
    "{{ [{'id': 1, 'n': 'a'}, {'id': 2, 'n': 'b'}] | rekey_on_member('id') }}",
    { '1': { id: 1, n: 'a' }, '2': { id: 2, n: 'b' } },
  ],
  ["{{ '<a>' | e }}", '&lt;a&gt;'],
  ["{{ '<a>' | escape }}", '&lt;a&gt;'],
  ["{{ 'x' | safe }}", 'x'],
  ["{{ 'a\nb' | wordwrap(3) }}", 'a\nb'],
  ["{{ 'abcdefgh ijk' | wordwrap(4) }}", 'abcd\nefgh\nijk'],
  ["{{ '<b>x</b> y' | striptags }}", 'x y'],
  ['{{ 1000000 | filesizeformat }}', '1.0 MB'],
  ['{{ 1024 | filesizeformat(true) }}', '1.0 KiB'],
  ["{{ {'a': 1} | pprint }}", { a: 1 }],
  ["{{ {'a': 'b'} | tojson }}", { a: 'b' }],
  ["{{ 'a' | forceescape }}", 'a'],
  ["{{ 'x' | unique }}", ['x']],
  ["{{ [1, '1', 1.0, true] | unique }}", [1, '1']],
  ["{{ ['a','A'] | unique(case_sensitive=false) }}", ['a']],
  ["{{ [{'a':1},{'a':1}] | unique }}", [{ a: 1 }]],
  ['{{ [3,1] | union([1,2]) }}', [3, 1, 2]],
  [
    "{{ {'b': 1, 'a': [1, 2], 'c': {'d': 'x y'}, 'e': [], 'f': 'yes', 'g': '1', 'h': 'x: y', 'k': 'multi\nline', 'l': 'é', 'm': none, 'n': true, 'o': '', 'p': 'a' * 100 + ' ' + 'b' * 10, 'q': '~', 'r': '012', 's': 'null'} | to_nice_yaml }}",
    "a:\n- 1\n- 2\nb: 1\nc:\n    d: x y\ne: []\nf: 'yes'\ng: '1'\nh: 'x: y'\nk: 'multi\n\n    line'\nl: é\nm: null\nn: true\no: ''\np: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n    bbbbbbbbbb\nq: '~'\nr: '012'\ns: 'null'\n",
  ],
  [
    '{{ users | to_nice_yaml }}',
    '-   admin: true\n    groups:\n    - wheel\n    - dev\n    name: alice\n    uid: 1001\n-   admin: false\n    groups:\n    - dev\n    name: bob\n    uid: 1002\n-   groups: []\n    name: carol\n    uid: 1003\n',
  ],
  [
    '{{ users | to_yaml }}',
    '- admin: true\n  groups: [wheel, dev]\n  name: alice\n  uid: 1001\n- admin: false\n  groups: [dev]\n  name: bob\n  uid: 1002\n- groups: []\n  name: carol\n  uid: 1003\n',
  ],
  [
    '{{ users | to_nice_yaml(indent=2) }}',
    '- admin: true\n  groups:\n  - wheel\n  - dev\n  name: alice\n  uid: 1001\n- admin: false\n  groups:\n  - dev\n  name: bob\n  uid: 1002\n- groups: []\n  name: carol\n  uid: 1003\n',
  ],
  [
    "{{ {'x': users, 'y': [[1, 2], [3]]} | to_nice_yaml }}",
    'x:\n-   admin: true\n    groups:\n    - wheel\n    - dev\n    name: alice\n    uid: 1001\n-   admin: false\n    groups:\n    - dev\n    name: bob\n    uid: 1002\n-   groups: []\n    name: carol\n    uid: 1003\ny:\n-   - 1\n    - 2\n-   - 3\n',
  ],
  [
    "{{ {'x': users, 'y': [[1, 2], [3]]} | to_yaml }}",
    'x:\n- admin: true\n  groups: [wheel, dev]\n  name: alice\n  uid: 1001\n- admin: false\n  groups: [dev]\n  name: bob\n  uid: 1002\n- groups: []\n  name: carol\n  uid: 1003\ny:\n- [1, 2]\n- [3]\n',
  ],
  [
    "{{ ['- a', '#b', 'c #d', 'e#f', ':g', 'h:', '?i', '[j]', 'k,l', '@m', '`n', '!o', '&p', '*q', '|r', '>s', '%t', ' u', 'v ', '2001-12-14', '1.5', '0x1F', '1:30', '.inf', 'a\tb', 'with \"dq\"', \"it's\", '---', '<<', '='] | to_nice_yaml }}",
    "- '- a'\n- '#b'\n- 'c #d'\n- e#f\n- :g\n- 'h:'\n- ?i\n- '[j]'\n- k,l\n- '@m'\n- '`n'\n- '!o'\n- '&p'\n- '*q'\n- '|r'\n- '>s'\n- '%t'\n- ' u'\n- 'v '\n- '2001-12-14'\n- '1.5'\n- '0x1F'\n- '1:30'\n- '.inf'\n- \"a\\tb\"\n- with \"dq\"\n- it's\n- '---'\n- '<<'\n- '='\n",
  ],
  [
    "{{ ['- a', '#b', 'c #d', 'e#f', ':g', 'h:', '?i', '[j]', 'k,l', 'x y'] | to_yaml }}",
    "['- a', '#b', 'c #d', e#f, ':g', 'h:', '?i', '[j]', 'k,l', x y]\n",
  ],
  ["{{ {'a': 1.0, 'b': 1e20, 'c': 0.5, 'd': -3} | to_nice_yaml }}", 'a: 1.0\nb: 1.0e+20\nc: 0.5\nd: -3\n'],
  [
    "{{ {'k': 'word ' * 30} | to_nice_yaml }}",
    "k: 'word word word word word word word word word word word word word word word word\n    word word word word word word word word word word word word word word '\n",
  ],
  [
    "{{ {'k': 'word ' * 30} | to_yaml }}",
    "{k: 'word word word word word word word word word word word word word word word word\n    word word word word word word word word word word word word word word '}\n",
  ],
  ["{{ {'key with space': 1, 'yes': 2, '1': 3} | to_nice_yaml }}", "'1': 3\nkey with space: 1\n'yes': 2\n"],
  ["{{ [{'a': [{'b': 1}]}] | to_nice_yaml }}", '-   a:\n    -   b: 1\n'],
  ['{{ [] | to_nice_yaml }}', '[]\n'],
  ['{{ {} | to_yaml }}', '{}\n'],
  ['{{ none | to_nice_yaml }}', 'null\n'],
  ['{{ 5 | to_yaml }}', '5\n'],
  [
    "{{ {'a': {'b': {'c': [1, {'d': 2}]}}} | to_nice_yaml }}",
    'a:\n    b:\n        c:\n        - 1\n        -   d: 2\n',
  ],
  ["{{ {'a': {'b': {'c': [1, {'d': 2}]}}} | to_yaml }}", 'a:\n  b:\n    c:\n    - 1\n    - {d: 2}\n'],
  ["{{ 'multi\nline\n' | to_nice_yaml }}", "'multi\n\n    line\n\n    '\n"],
  ["{{ {'a': 'x\n\ny'} | to_nice_yaml }}", "a: 'x\n\n\n    y'\n"],
  [
    "{{ {'a': 1, 'b': [1, 2]} | to_nice_json }}",
    '{\n    "a": 1,\n    "b": [\n        1,\n        2\n    ]\n}',
  ],
  ["{{ {'a': [], 'b': {}} | to_nice_json }}", '{\n    "a": [],\n    "b": {}\n}'],
  ["{{ [1.0, 2.5, none, 'x'] | to_json }}", '[1.0, 2.5, null, "x"]'],
  ["{{ 'tab\there\n' | to_json }}", '"tab\\there\\n"'],
  ["{{ {'a': 1} | to_json(indent=2) }}", '{\n  "a": 1\n}'],
  ["{{ {'é': 'ü'} | to_json(ensure_ascii=false) }}", '{"é": "ü"}'],
];

describe('filters match ansible-core', () => {
  const render = renderer();
  it.each(ANSIBLE)('%s', (tmpl, expected) => {
    expect(render(tmpl)).toEqual(expected);
  });
});

describe('filters: details beyond the table', () => {
  const t = new Templar({ seed: 'web1' });
  const r = (tmpl: string, vars: Record<string, unknown> = {}) => t.render(tmpl, vars);

  it('type_debug names Python types', () => {
    expect(
      r("{{ 'x' | type_debug }} {{ 1 | type_debug }} {{ 1.5 | type_debug }} {{ (1,) | type_debug }}"),
    ).toBe('str int float tuple');
  });

  it('to_uuid is a version-5 UUID in Ansible namespace', () => {
    expect(r("{{ 'x' | to_uuid }}")).toBe('66b2f013-1baa-5313-9c8c-e6f1182e0e90');
  });

  it('random without seed= follows the Templar seed, deterministically', () => {
    const a = new Templar({ seed: 'h1' }).render('{{ 1000 | random }}', {});
    const b = new Templar({ seed: 'h1' }).render('{{ 1000 | random }}', {});
    expect(a).toBe(b);
    expect(Number(a)).toBeGreaterThanOrEqual(0);
    expect(Number(a)).toBeLessThan(1000);
  });

  it('regex filters use Python re semantics ($ before a final newline, (?P<name>), \\g<name>)', () => {
    expect(r("{{ text | regex_search('c$') }}", { text: 'abc\n' })).toBe('c');
    expect(r("{{ text | regex_search('c\\Z') }}", { text: 'abc\n' })).toBe('');
    expect(r("{{ 'k=v' | regex_replace('(?P<key>\\w)=(\\w)', '\\g<key>:\\2') }}")).toBe('k:v');
    expect(r("{{ 'a.b' | regex_replace('\\.', '\\\\') }}")).toBe('a\\b');
  });

  it('combine rejects unknown keyword arguments', () => {
    expect(errorOf(() => r('{{ {} | combine({}, deep=true) }}')).message).toBe(
      "'recursive' and 'list_merge' are the only valid keyword arguments. String: {{ {} | combine({}, deep=true) }}",
    );
  });

  it('binds filter arguments like Python and names the filter on misuse', () => {
    expect(errorOf(() => r("{{ 'a' | replace('a') }}")).message).toBe(
      "replace() missing required argument: 'new'. String: {{ 'a' | replace('a') }}",
    );
    expect(errorOf(() => r("{{ 'a' | lower(1) }}")).message).toBe(
      "lower() takes at most 0 arguments (1 given). String: {{ 'a' | lower(1) }}",
    );
  });

  it('map and select take filter/test names with arguments', () => {
    expect(r("{{ ['a1', 'b2'] | map('regex_replace', '\\d', '') | map('upper') | list }}")).toEqual([
      'A',
      'B',
    ]);
    expect(r("{{ [1, 5, 10] | select('ge', 5) | list }}")).toEqual([5, 10]);
    expect(
      r('{{ users | selectattr("tags", "defined") | map(attribute="name") | list }}', {
        users: [{ name: 'a', tags: [] }, { name: 'b' }],
      }),
    ).toEqual(['a']);
  });

  it('first/last on an empty list is an error only when used', () => {
    expect(r('{{ [] | first | default("none") }}')).toBe('none');
    expect(errorOf(() => r('{{ [] | last }}')).message).toBe(
      'No last item, sequence was empty. String: {{ [] | last }}',
    );
  });

  it('comment wraps text for config files', () => {
    expect(r("{{ 'Ansible managed' | comment }}")).toBe('#\n# Ansible managed\n#');
  });
});

describe('password_hash', () => {
  const t = new Templar();
  const hash = (args: string) => t.render(`{{ 'pw' | password_hash(${args}) }}`, {}) as string;

  it('sha512 with a salt equals `openssl passwd -6`', () => {
    const openssl = execFileSync('openssl', ['passwd', '-6', '-salt', 'saltsalt', 'pw'], {
      encoding: 'utf8',
    }).trim();
    expect(hash("'sha512', 'saltsalt'")).toBe(openssl);
    expect(openssl).toMatch(/^\$6\$saltsalt\$/);
  });

  it('sha256 and md5 equal openssl too', () => {
    expect(hash("'sha256', 'abc'")).toBe(
      execFileSync('openssl', ['passwd', '-5', '-salt', 'abc', 'pw'], { encoding: 'utf8' }).trim(),
    );
    expect(hash("'md5', 'abc'")).toBe(
      execFileSync('openssl', ['passwd', '-1', '-salt', 'abc', 'pw'], { encoding: 'utf8' }).trim(),
    );
  });

  it('explicit rounds are written into the hash (these values come from Ansible with passlib)', () => {
    expect(hash("'sha512', 'salt', rounds=10000")).toBe(
      '$6$rounds=10000$salt$Y3Y2ieXzYhQrdXsbayIopyP6hKljxR/2eQIHKeuoBJxGpYWc.c/0WJHsoFBoSUdgiczuUVO4VSM/lpYJm6nXj0',
    );
    expect(hash("'sha256', 'mysalt', rounds=535000")).toBe(
      '$5$rounds=535000$mysalt$1Y5sLkzHn1wd.xnEHUirVyDCohKU8jO9xKukIR86SZB',
    );
  });

  it('matches Python crypt for long, non-ASCII passwords and over-long salts', () => {
    const pw = 'a much longer password with ünïcode that exceeds sixty-four bytes for sure, yes indeed!!';
    expect(t.render('{{ pw | password_hash("sha512", "abcdefghijklmnopqrst") }}', { pw })).toBe(
      '$6$abcdefghijklmnop$14ypnALUwfWcOqEL/v8tcx7thO7UnWFjcSaoXUwcvK9FAEhkJWOYHRNZlbPHtCtiWEIEPyaiQFeWrxvYtjEua/',
    );
  });

  it('makes a fresh 16-character salt when none is given, and rejects bad salts', () => {
    const h = hash("'sha512'");
    expect(h).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(hash("'sha512'")).not.toBe(h);
    expect(errorOf(() => hash("'sha512', 'bad salt!'")).message).toContain(
      "invalid characters in salt 'bad salt!'",
    );
  });
});
