// The vault API the rest of tsible uses: secrets, decrypting values and files, and the text format.
export {
  DEFAULT_LABEL,
  VAULT_HEADER,
  decryptVault,
  encryptVault,
  isVaultText,
  parseVault,
} from './format.js';
export type { EncryptOptions, ParsedVault } from './format.js';
export type { PromptFn, PromptOptions } from './prompt.js';
export { VaultSecret } from './secret.js';
export { VaultSecrets, decryptValue, loadMaybeEncrypted, splitVaultId } from './secrets.js';
export type { Decrypted, VaultSecretsOptions } from './secrets.js';
