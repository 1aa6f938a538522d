// Parameters command and shell share, and the k=v words their free form may carry.
export const commandCommonParams = {
  free_form: { type: 'str', description: 'The command line (the text after the module name).' },
  cmd: { type: 'str', description: 'The command line, as an argument instead of free form.' },
  chdir: { type: 'path', description: 'Change into this directory first.' },
  creates: { type: 'path', description: 'A path or glob; if it exists, the command is not run.' },
  removes: { type: 'path', description: 'A path or glob; if it does not exist, the command is not run.' },
  stdin: { type: 'str', description: 'Text fed to the command on standard input.' },
  stdin_add_newline: { type: 'bool', default: true, description: 'Append a newline to stdin.' },
  strip_empty_ends: {
    type: 'bool',
    default: true,
    description: 'Strip trailing newlines from stdout and stderr.',
  },
} as const;

export const commandFreeFormKeys = [
  'chdir',
  'creates',
  'removes',
  'executable',
  'stdin',
  'stdin_add_newline',
  'strip_empty_ends',
] as const;

export const commandReturns = {
  cmd: 'The command as run (a list for command, a string for shell).',
  rc: 'Exit code.',
  stdout: 'Standard output.',
  stderr: 'Standard error.',
  stdout_lines: 'stdout split into lines.',
  stderr_lines: 'stderr split into lines.',
  start: 'When the command started (host clock).',
  end: 'When it ended.',
  delta: 'How long it ran (H:MM:SS.ffffff).',
  msg: "'non-zero return code' on failure.",
};
