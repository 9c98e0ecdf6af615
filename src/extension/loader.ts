/**
 * dist/extension.js in the production build (esbuild.mjs): runs the extension's bundle,
 * dist/extension-main.js, through a V8 code cache (codeCache.ts), so that every activation after the
 * first skips parsing and compiling ~0.7 MB of JavaScript, most of what loading our module costs.
 * The bundle runs as this module: its exports are what VS Code receives.
 */
import { join } from 'node:path';
import { runWithCodeCache } from './codeCache';

runWithCodeCache(join(__dirname, 'extension-main.js'), module, require);
