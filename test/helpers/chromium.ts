import { accessSync, constants } from 'node:fs';
import Chromium from '@sparticuz/chromium';

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH` when set, else the system's
 * `/usr/bin/chromium` when there is an executable one, else the build that the `@sparticuz/chromium` npm package
 * ships inside itself (unpacked to the temporary directory on first use), so that `npm install`
 * is all a machine needs.
 */
function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function chromiumExecutable(): Promise<{ path: string; source: string }> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!executable(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} is not an executable file`);
    return { path: fromEnv, source: 'CHROMIUM_PATH' };
  }
  if (executable('/usr/bin/chromium')) return { path: '/usr/bin/chromium', source: 'system' };
  // Also sets LD_LIBRARY_PATH and FONTCONFIG_PATH for the libraries and fonts it ships.
  return { path: await Chromium.executablePath(), source: '@sparticuz/chromium' };
}
