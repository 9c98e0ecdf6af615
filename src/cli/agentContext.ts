/**
 * The agent tools' context for `vlab mcp`: vSphere connections from the environment (`VLAB_URL`,
 * `VLAB_USER`, `VLAB_PASSWORD`, `VLAB_THUMBPRINT`) or a JSON config file, never from argv or a tool's
 * arguments; each connects on first use and is reused. Files resolve against the working
 * directory; evidence links are `file://…#L<line>`.
 *
 * Config file: `{ "connections": [{ "name": "lab", "url": "https://vc/sdk", "user": "…",
 * "passwordEnv": "LAB_PW" | "password": "…", "thumbprint": "AA:…" }] }`. A file that holds a
 * password must not be readable by others (chmod 600).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LabError } from '../core/errors';
import { lazy } from '../core/lazy';
import type { ToolConnection, ToolContext } from '../core/agents/types';
import type { VimClient } from '../core/vsphere/client';

const vsphere = {
  client: lazy(() => require('../core/vsphere/client') as typeof import('../core/vsphere/client')),
  tls: lazy(() => require('../core/vsphere/tls') as typeof import('../core/vsphere/tls')),
};

export interface ConnectionSpec {
  name: string;
  url: string;
  user: string;
  password: string;
  thumbprint?: string;
}

const CONFIG_MAX_BYTES = 64 * 1024;

function fromEnv(env: NodeJS.ProcessEnv): ConnectionSpec[] {
  const url = env.VLAB_URL;
  if (!url) return [];
  if (!env.VLAB_USER || env.VLAB_PASSWORD === undefined) throw new LabError('invalidInput', 'VLAB_URL is set: set VLAB_USER and VLAB_PASSWORD too.');
  return [{ name: env.VLAB_CONNECTION_NAME || 'default', url, user: env.VLAB_USER, password: env.VLAB_PASSWORD, thumbprint: env.VLAB_THUMBPRINT || undefined }];
}

function specOf(o: Record<string, unknown>, i: number, env: NodeJS.ProcessEnv, file: string): ConnectionSpec {
  const s = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const url = s('url');
  const user = s('user');
  if (!url || !user) throw new LabError('invalidInput', `${file}: connection ${i + 1} needs "url" and "user".`);
  const pwEnv = s('passwordEnv');
  const password = pwEnv !== undefined ? env[pwEnv] : s('password');
  if (password === undefined) throw new LabError('invalidInput', `${file}: connection ${i + 1} needs "passwordEnv" (an environment variable that is set) or "password".`);
  return { name: s('name') ?? `connection${i + 1}`, url, user, password, thumbprint: s('thumbprint') };
}

/** Reads the connections of a config file (bounded, owner-only when it holds a password). */
export async function readConfig(file: string, env: NodeJS.ProcessEnv): Promise<ConnectionSpec[]> {
  const st = await fsp.stat(file).catch(() => undefined);
  if (!st?.isFile()) throw new LabError('notFound', `${file}: no such config file.`);
  if (st.size > CONFIG_MAX_BYTES) throw new LabError('tooLarge', `${file} is ${st.size} bytes; a config file is at most ${CONFIG_MAX_BYTES}.`);
  const text = await fsp.readFile(file, 'utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new LabError('invalidInput', `${file} is not JSON: ${(e as Error).message}`);
  }
  const list = (doc as { connections?: unknown })?.connections;
  if (!Array.isArray(list)) throw new LabError('invalidInput', `${file}: expected { "connections": [ … ] }.`);
  const specs = list.map((o, i) => specOf((o ?? {}) as Record<string, unknown>, i, env, file));
  if (process.platform !== 'win32' && (st.mode & 0o077) && list.some((o) => typeof (o as { password?: unknown })?.password === 'string')) {
    throw new LabError('refused', `${file} holds a password and others can read it: run chmod 600 ${file} (or use "passwordEnv").`);
  }
  return specs;
}

/** The specs the server uses: the config file's, else the environment's. */
export async function connectionSpecs(configFile: string | undefined, env: NodeJS.ProcessEnv): Promise<ConnectionSpec[]> {
  return configFile ? readConfig(configFile, env) : fromEnv(env);
}

async function connect(spec: ConnectionSpec, log: (m: string) => void): Promise<VimClient> {
  const sha256 = spec.thumbprint ? vsphere.tls().normalizeThumbprint(spec.thumbprint) : undefined;
  return vsphere.client().VimClient.connect({
    url: spec.url, username: spec.user, password: spec.password,
    trust: sha256 ? { mode: 'pinned', sha256 } : { mode: 'system' },
    keepAliveMs: 600_000, timeoutMs: 60_000, log,
  });
}

/** Connections opened on first use; `close()` logs them out. */
export class CliConnections {
  private readonly open = new Map<string, Promise<VimClient>>();

  constructor(private readonly specs: readonly ConnectionSpec[], private readonly log: (m: string) => void) {}

  names(): string[] {
    return this.specs.map((s) => s.name);
  }

  async get(name?: string): Promise<ToolConnection> {
    if (!this.specs.length) {
      throw new LabError('invalidInput', 'No vSphere connection is configured: start `vlab mcp` with VLAB_URL, VLAB_USER, VLAB_PASSWORD (and VLAB_THUMBPRINT for a self-signed certificate) in its environment, or with --config FILE.');
    }
    const spec = name ? this.specs.find((s) => s.name === name) : this.specs.length === 1 ? this.specs[0] : undefined;
    if (!spec) throw new LabError('invalidInput', `${name ? `No connection named "${name}"` : 'Several connections are configured'}: use one of ${this.specs.map((s) => `"${s.name}"`).join(', ')}.`);
    let p = this.open.get(spec.name);
    if (!p) {
      p = connect(spec, this.log);
      this.open.set(spec.name, p);
      p.catch(() => this.open.delete(spec.name));
    }
    return { id: spec.name, label: spec.name, client: await p };
  }

  async close(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close(), () => undefined)));
  }
}

/** A tool context over the CLI's connections for one call. */
export function cliToolContext(conns: CliConnections, cwd: string, signal: AbortSignal): ToolContext {
  return {
    signal,
    connectionNames: () => conns.names(),
    connection: (name) => conns.get(name),
    resolveFile: (file) => path.resolve(cwd, file),
    fileLink: (file, line) => `${pathToFileURL(file).href}${line ? `#L${line}` : ''}`,
  };
}
