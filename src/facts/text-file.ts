// Fact: a whole text file and its stat in one command, for modules that rewrite a file they own a part of.
import type { Fact } from '../core/module.js';
import { fileContent, type FileContent } from './file-content.js';
import { fileStat, type StatInfo } from './file-stat.js';

/** Files larger than this are refused rather than rewritten from a partial read. */
export const TEXT_FILE_MAX = 8 * 1024 * 1024;

export interface TextFile {
  path: string;
  exists: boolean;
  /** The content as UTF-8 ('' when missing). */
  text: string;
  /** The raw read, as contentDiff wants it. */
  content: FileContent;
  /** stat through symlinks (mode, owner, sha1 checksum). */
  stat: StatInfo;
  /** Larger than TEXT_FILE_MAX: text holds only the start. */
  tooLarge: boolean;
}

export function textFile(path: string): Fact<TextFile> {
  const st = fileStat([path], { follow: true });
  const ct = fileContent(path, TEXT_FILE_MAX);
  // fileStat prints exactly one line for one path; the content's lines follow.
  return {
    cmd: `${st.cmd}\n${ct.cmd}`,
    parse(out) {
      const nl = out.stdout.indexOf('\n');
      const head = nl < 0 ? out.stdout : out.stdout.slice(0, nl);
      const stat = st.parse({ ...out, stdout: head })[0] ?? { path, exists: false };
      const content = ct.parse({ ...out, stdout: nl < 0 ? '' : out.stdout.slice(nl + 1) });
      return {
        path,
        exists: content.exists,
        text: content.content.toString('utf8'),
        content,
        stat,
        tooLarge: content.truncated,
      };
    },
  };
}
