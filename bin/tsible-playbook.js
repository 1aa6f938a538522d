#!/usr/bin/env node
// Launcher for tsible-playbook (the compiled CLI lives in dist/; --version is answered without loading it).
import { launch } from './launch.js';

launch('tsible-playbook', () => import('../dist/src/cli/playbook.js'));
