#!/usr/bin/env node
// The `mep` command: runs the TypeScript sources directly through tsx (no build step needed after `npm ci`).
require('tsx/cjs/api').register();
require('../cli/main.ts');
