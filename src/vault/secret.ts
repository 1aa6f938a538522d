// One vault password with its label, wrapped so that printing, logging or serialising it shows no secret.
import { inspect } from 'node:util';

export class VaultSecret {
  // A private field: util.inspect, JSON.stringify and object spreads cannot reach it.
  readonly #bytes: Buffer;

  /**
   * @param label the vault id ("default" when none was given)
   * @param origin where it came from, for messages: "prompt", a file or script path (never the password)
   */
  constructor(
    readonly label: string,
    password: string | Uint8Array,
    readonly origin: string,
  ) {
    this.#bytes = Buffer.from(typeof password === 'string' ? Buffer.from(password, 'utf8') : password);
  }

  /** The password bytes, for key derivation only. */
  bytes(): Buffer {
    return this.#bytes;
  }

  toString(): string {
    return `VaultSecret(${this.label} from ${this.origin})`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
