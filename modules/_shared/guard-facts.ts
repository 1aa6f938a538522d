// The creates/removes facts of the command-like modules (script; command and shell have the same).
import { globExists, type GlobExists } from '../../src/facts/glob-exists.js';
import { unused } from './facts.js';

/** A glob check on the host for each of creates/removes that is given (in chdir, like Ansible). */
export function guardFacts(p: { creates?: string; removes?: string; chdir?: string }) {
  return {
    creates: p.creates === undefined ? unused<GlobExists>() : globExists(p.creates, p.chdir),
    removes: p.removes === undefined ? unused<GlobExists>() : globExists(p.removes, p.chdir),
  };
}
