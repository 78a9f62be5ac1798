#!/usr/bin/env node
'use strict';
// The command-line client: the built code when the project was built, else the TypeScript
// sources through tsx (a checkout that has only run `npm install`).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'cli', 'main.js');
let cli;
if (existsSync(built)) {
  cli = require(built);
} else {
  require('tsx/cjs');
  cli = require(join(__dirname, '..', 'src', 'cli', 'main.ts'));
}
cli.run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`medai-risk: ${(err && err.stack) || String(err)}\n`); process.exitCode = 3; },
);
