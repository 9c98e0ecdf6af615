/**
 * The one way to load a heavy module on first use (node-forge through the certificate core, ssh2,
 * iconv-lite, the SOAP client): an accessor declared at the top of the module that needs it,
 *
 * ```ts
 * const ssh = lazy(() => require('../esxi/ssh') as typeof import('../esxi/ssh'));
 * …
 * const { SshSession } = ssh();          // loaded here, the first time only
 * ```
 *
 * never a static import of the heavy module (that would load it with the importer: at activation,
 * at the CLI's start) and never `await import()`. Why `require`: the extension and the CLI are
 * CommonJS bundles, where esbuild bundles the required module and runs its top level only at the
 * first call; the same line works unbundled under the tsx/cjs test hook, which does not serve
 * TypeScript to a native dynamic import. The accessor is synchronous, so a caller that `await`s it
 * is harmless. A group of related modules is a table of accessors (core/certs/lazy.ts).
 *
 * eslint.config.mjs enforces it: `require` only directly inside `lazy(() => …)`, no `import()` in
 * src/core, src/cli and src/extension.
 */
export function lazy<T>(load: () => T): () => T {
  let loaded = false;
  let value: T | undefined;
  return () => {
    if (!loaded) {
      value = load();
      loaded = true;
    }
    return value as T;
  };
}
