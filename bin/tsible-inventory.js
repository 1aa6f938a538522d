#!/usr/bin/env node
// Launcher for tsible-inventory (the compiled CLI lives in dist/; --version is answered without loading it).
import { launch } from './launch.js';

launch('tsible-inventory', () => import('../dist/src/cli/inventory.js'));
