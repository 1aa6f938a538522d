#!/usr/bin/env node
// Launcher for tsible-galaxy (the compiled CLI lives in dist/; --version is answered without loading it).
import { launch } from './launch.js';

launch('tsible-galaxy', () => import('../dist/src/cli/galaxy.js'));
