/**
 * dist/extension.js in the production build (esbuild.mjs): runs the extension's startup bundle,
 * dist/extension-main.js (~60 kB: what activate() needs; the features are dist/extension-features.js,
 * required on first need by deferred.ts through the same cache), through a V8 code cache
 * (codeCache.ts), so that every activation after the first skips parsing and compiling it.
 * The bundle runs as this module: its exports are what VS Code receives.
 */
import { join } from 'node:path';
import { runWithCodeCache } from './codeCache';

runWithCodeCache(join(__dirname, 'extension-main.js'), module, require);
