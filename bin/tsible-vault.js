#!/usr/bin/env node
// Launcher for tsible-vault (the compiled CLI lives in dist/; --version is answered without loading it).
import { launch } from './launch.js';

launch('tsible-vault', () => import('../dist/src/cli/vault.js'));
