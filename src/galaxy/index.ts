// tsible-galaxy's library surface: what the CLI and the playbook runner use.
export { checkInstalledAgainstLock, checkLockEntry, type LockProblem } from './verify.js';
export { digestTree, diffManifests, describeDiff, hashManifest, type TreeDigest } from './content-hash.js';
export { lockPathFor, readLock, parseLock, formatLock, writeLock, type LockEntry } from './lock.js';
export {
  parseRequirementsFile,
  parseRequirementString,
  parseMetaDependencies,
  roleNameFromSrc,
  type RoleRequirement,
  type RequirementsFile,
} from './requirements.js';
export { installRoles, checkCollisions, type InstallOptions, type InstallResult } from './install.js';
export { readInstallRecord, readGalaxyInfo, configuredRolesPaths, type InstallRecord } from './installed.js';
export { initRole, skeleton } from './init.js';
export { listRoles, removeRoles } from './manage.js';
export { makeDisplay, type Display } from './display.js';
