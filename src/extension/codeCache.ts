/**
 * Runs a CommonJS bundle through a V8 code cache kept beside it, so that a load after the first one
 * skips parsing and compiling the bundle (used by src/extension/loader.ts, dist/extension.js in the
 * production build, for dist/extension-main.js).
 *
 * The cache is `<bundle>.<content hash>.<V8 version>.cache` in the bundle's folder: whoever can write
 * there can already change the bundle. The name carries a hash of the bundle's content because V8
 * checks only the source's length before it trusts a cache. V8 rejects a cache from another V8 or
 * other flags (the bundle is then compiled as usual). A missing or rejected cache is written
 * `writeAfterMs` after the load (it then also holds the functions compiled meanwhile), through a
 * temporary file and a rename, and silently skipped where the folder is read-only.
 *
 * Node's built-ins only: this runs before any other code of ours.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

export type CodeCacheUse = 'hit' | 'miss' | 'rejected';

/** Where the last load's use of the cache is left for the bundle to read (activationTimes.ts reports it). */
export const CODE_CACHE_USE = Symbol.for('vsphereLab.codeCacheUse');

type Wrapped = (exports: unknown, require: NodeJS.Require, module: NodeJS.Module, filename: string, dirname: string) => void;

/** The cache file for a bundle's content. */
export function codeCachePath(bundle: string, source: string): string {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  return join(dirname(bundle), `${basename(bundle, '.js')}.${hash}.${process.versions.v8}.cache`);
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(script: Script, file: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, file);
  } catch {
    // a read-only install or a full disk: the next load compiles as this one did
    try { unlinkSync(tmp); } catch { /* never written */ }
  }
}

/**
 * Runs `bundle` as the CommonJS module `mod` (its `module.exports` is what the bundle exports), with
 * `req` as its `require`: VS Code's `require('vscode')` knows the extension by the requiring
 * module's path, so the loader passes its own. `report`: leave the use for activationTimes.ts (the
 * startup bundle's load; not the features bundle's, src/extension/deferred.ts).
 */
export function runWithCodeCache(bundle: string, mod: NodeJS.Module, req: NodeJS.Require, writeAfterMs = 3000, report = true): CodeCacheUse {
  const source = readFileSync(bundle, 'utf8');
  const cacheFile = codeCachePath(bundle, source);
  const cachedData = readCache(cacheFile);
  // Node's own CommonJS wrapper, on the bundle's first line (its line numbers stay right)
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, { filename: bundle, cachedData });
  const use: CodeCacheUse = !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  if (report) (globalThis as Record<symbol, unknown>)[CODE_CACHE_USE] = use;
  const run = script.runInThisContext() as Wrapped;
  run.call(mod.exports, mod.exports, req, mod, bundle, dirname(bundle));
  if (use !== 'hit') setTimeout(() => writeCache(script, cacheFile), writeAfterMs).unref();
  return use;
}
