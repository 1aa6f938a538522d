#!/usr/bin/env node
// Launcher for tsible-config (the compiled CLI lives in dist/; --version is answered without loading it).
import { launch } from './launch.js';

launch('tsible-config', () => import('../dist/src/cli/config.js'));
