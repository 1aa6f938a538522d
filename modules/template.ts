// template: render a Jinja2 template on the controller and write the result to the host like copy.
import { statSync } from 'node:fs';
import { readLocalFile } from '../src/core/read.js';
import { hostname, userInfo } from 'node:os';
import { basename, resolve } from 'node:path';
import { defineModule, type Plan } from '../src/core/module.js';
import { fileCommonParams } from './_shared/file-params.js';
import { parseMode, type ModeSpec } from './_shared/mode.js';
import { planSingleFile, singleFileFacts } from './_shared/single-file.js';

const delimiter = (d: string) =>
  ({ type: 'str', description: `Accepted only as the default (${d}).` }) as const;

const params = {
  src: { type: 'path', required: true, description: "Template path (searched in the role's templates/)." },
  dest: { type: 'path', required: true, description: 'Remote path to write.' },
  ...fileCommonParams,
  backup: { type: 'bool', default: false, description: 'Keep a timestamped copy of the replaced file.' },
  validate: {
    type: 'str',
    description: "Command run on the new file before it replaces dest ('nginx -t -c %s').",
  },
  force: {
    type: 'bool',
    default: true,
    description: 'Replace a different existing file; false writes only when absent.',
  },
  follow: {
    type: 'bool',
    default: false,
    description: 'Write through a symlink at dest instead of replacing it.',
  },
  newline_sequence: {
    type: 'str',
    default: '\n',
    choices: ['\n', '\r', '\r\n'],
    description: 'Line endings of the written file.',
  },
  trim_blocks: { type: 'bool', default: true, description: 'Drop the first newline after a block tag.' },
  lstrip_blocks: { type: 'bool', default: false, description: 'Strip spaces and tabs before a block tag.' },
  output_encoding: { type: 'str', default: 'utf-8', description: 'Only utf-8 is supported.' },
  block_start_string: delimiter('{%'),
  block_end_string: delimiter('%}'),
  variable_start_string: delimiter('{{'),
  variable_end_string: delimiter('}}'),
  comment_start_string: delimiter('{#'),
  comment_end_string: delimiter('#}'),
} as const;

const DEFAULT_DELIMITERS: Record<string, string> = {
  block_start_string: '{%',
  block_end_string: '%}',
  variable_start_string: '{{',
  variable_end_string: '}}',
  comment_start_string: '{#',
  comment_end_string: '#}',
};

/**
 * Jinja options the engine's environment does not take per call, done on the template text instead:
 * lstrip_blocks removes the blanks before a `{%` that starts a line (not `{%+`); trim_blocks=false
 * doubles the newline after a `%}`, so the one the environment trims leaves the other (a `-%}` strips
 * both, as it would have stripped the one).
 */
export function prepareTemplate(text: string, o: { trim_blocks: boolean; lstrip_blocks: boolean }): string {
  let t = text;
  if (o.lstrip_blocks) t = t.replace(/^[ \t]+(?=\{%(?!\+))/gm, '');
  if (!o.trim_blocks) t = t.replace(/([^-])%\}(\r?\n)/g, '$1%}$2$2');
  return t;
}

export const template = defineModule({
  name: 'template',
  doc: {
    short: 'Render a template to the host',
    description:
      'Renders src with the task variables (plus template_host, template_path, template_fullpath, ' +
      'template_destpath, template_uid, template_run_date and ansible_managed), then writes it like copy.',
    examples: [
      '- template: src=nginx.conf.j2 dest=/etc/nginx/nginx.conf mode=0644 validate="nginx -t -c %s"',
      '- template:',
      '    src: app.env.j2',
      '    dest: /etc/app/env',
      '    owner: app',
      '    mode: u=rw,g=r,o=',
    ].join('\n'),
    returns: {
      dest: 'Destination path.',
      src: 'Template path on the controller.',
      checksum: 'sha1 of the written file.',
      md5sum: 'md5 of the written file.',
      size: 'Size in bytes.',
      mode: 'Permissions of the file.',
      owner: 'Owner name.',
      group: 'Group name.',
      backup_file: 'Name of the backup, when one was made.',
    },
  },
  params,
  check: 'full',
  diff: true,
  runsOn: 'host',
  facts(p, ctx) {
    return singleFileFacts(p.dest, basename(p.src), ctx);
  },
  plan(p, f, ctx): Plan {
    for (const [k, d] of Object.entries(DEFAULT_DELIMITERS)) {
      const v = (p as Record<string, unknown>)[k];
      if (v !== undefined && v !== d) return failed(`${k} other than '${d}' is not supported by tsible`);
    }
    if (p.output_encoding.toLowerCase().replace('_', '-') !== 'utf-8') {
      return failed(`output_encoding ${p.output_encoding} is not supported by tsible (only utf-8)`);
    }
    let mode: ModeSpec | undefined;
    try {
      mode = parseMode(p.mode);
    } catch (e) {
      return failed((e as Error).message);
    }
    let path: string;
    let text: string;
    try {
      path = ctx.findFile('templates', p.src);
      text = readLocalFile(path).toString('utf8');
    } catch {
      return failed(`Could not find or access '${p.src}'`);
    }
    const rendered = ctx.renderTemplate(prepareTemplate(text, p), path, {
      template_host: hostname(),
      template_path: path,
      template_fullpath: resolve(path),
      template_destpath: p.dest,
      template_uid: userInfo().username,
      template_run_date: new Date(),
      ansible_managed: 'Ansible managed',
    });
    const out = p.newline_sequence === '\n' ? rendered : rendered.replace(/\r?\n/g, p.newline_sequence);
    return planSingleFile(
      {
        dest: p.dest,
        srcBase: basename(p.src),
        content: Buffer.from(out, 'utf8'),
        srcLabel: path,
        attrs: { mode, owner: p.owner, group: p.group, preserveFrom: statSync(path).mode },
        force: p.force,
        backup: p.backup,
        validate: p.validate,
        follow: p.follow,
      },
      f,
      ctx,
    );
  },
});

function failed(msg: string): Plan {
  return { changed: false, steps: [], failed: true, result: { msg } };
}
