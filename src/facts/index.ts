// Reusable host facts: each is a shell command plus a pure parser of its output.
export * from './file-stat.js';
export * from './file-content.js';
export * from './dpkg-status.js';
export * from './apt-cache-age.js';
export * from './service-status.js';
export * from './dir-tree.js';
export * from './glob-exists.js';
export * from './deb-info.js';
