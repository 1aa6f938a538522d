#!/usr/bin/env node
// Launcher for tsible-doc (the compiled CLI lives in dist/; --version is answered without loading it).
import { launch } from './launch.js';

launch('tsible-doc', () => import('../dist/src/cli/doc.js'));
