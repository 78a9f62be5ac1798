import { resolve } from 'node:path';

/** Where the migrated PGlite template lives during a test run (made once by global-setup). */
export const TEMPLATE_FILE = resolve(__dirname, '../../.tmp/pglite-template.tar');
