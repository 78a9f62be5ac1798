#!/usr/bin/env node
'use strict';
/**
 * `npm start`'s first step: compiles (`npm run build`) only when the sources changed since the
 * last build. The sources' fingerprint (a SHA-256 over every file's path and bytes under src/,
 * plus tsconfig.json, package.json and package-lock.json) is kept in dist/.build-fingerprint;
 * when it matches and the build's outputs are there, nothing is compiled. `--force` always builds.
 * Plain JavaScript, so that it runs before anything is compiled.
 */
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const { join, relative, sep } = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = join(__dirname, '..');
const STAMP = join(ROOT, 'dist', '.build-fingerprint');
const OUTPUTS = ['dist/server.js', 'dist/web'];

function files(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function fingerprint() {
  const h = createHash('sha256');
  const list = [...files(join(ROOT, 'src')), ...['tsconfig.json', 'package.json', 'package-lock.json'].map((f) => join(ROOT, f)).filter(existsSync)];
  for (const f of list.map((p) => relative(ROOT, p).split(sep).join('/')).sort()) {
    h.update(f).update('\0').update(readFileSync(join(ROOT, f))).update('\0');
  }
  return h.digest('hex');
}

const now = fingerprint();
const built = existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === now && OUTPUTS.every((o) => existsSync(join(ROOT, o)));
if (built && !process.argv.includes('--force')) process.exit(0);

console.error('medai-risk: sources changed since the last build: compiling (npm run build)');
const npm = process.env.npm_execpath;
const r = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: ROOT, stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
if (r.status !== 0) process.exit(r.status ?? 1);
mkdirSync(join(ROOT, 'dist'), { recursive: true });
writeFileSync(STAMP, now + '\n');
