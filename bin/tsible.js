#!/usr/bin/env node
// Launcher for tsible (the compiled CLI lives in dist/; --version is answered without loading it).
import { launch } from './launch.js';

launch('tsible', () => import('../dist/src/cli/adhoc.js'));
