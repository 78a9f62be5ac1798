import { existsSync } from 'node:fs';
import Chromium from '@sparticuz/chromium';

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH` when set, else the system's
 * `/usr/bin/chromium` when there is one, else the build that the `@sparticuz/chromium` npm package
 * ships inside itself (unpacked to the temporary directory on first use), so that `npm install`
 * is all a machine needs.
 */
export async function chromiumExecutable(): Promise<{ path: string; source: string }> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return { path: fromEnv, source: 'CHROMIUM_PATH' };
  }
  if (existsSync('/usr/bin/chromium')) return { path: '/usr/bin/chromium', source: 'system' };
  // Also sets LD_LIBRARY_PATH and FONTCONFIG_PATH for the libraries and fonts it ships.
  return { path: await Chromium.executablePath(), source: '@sparticuz/chromium' };
}
