/**
 * The connection options every `vlab` command that talks to a vCenter / ESXi takes (`vlab inventory`,
 * `vlab snapshot …`, `vlab events`, `vlab watch`), and the one way to log in with them:
 *
 * ```ts
 * export const commands: CliCommand[] = [{
 *   path: ['thing'], synopsis: `${VSPHERE_SYNOPSIS} [--json]`, positionals: { min: 1, max: 1 },
 *   options: { ...VSPHERE_OPTIONS, vm: { … } },
 *   run: (inv) => withVsphere(inv, 'thing', async (client) => { …; return EXIT_OK; }),
 * }];
 * ```
 *
 * `URL --user U [--password-env VAR] [--thumbprint SHA256 | --insecure] [--timeout S]`. The password
 * comes from an environment variable (default VLAB_PASSWORD) or a prompt on a terminal; it is never
 * printed. An untrusted or changed certificate prints its description and the `--thumbprint` to pass
 * (exit 1; with `--json` the error document carries the certificate). A `VsphereError` becomes a
 * `CliFailure` with the same code; the session is closed whatever happens.
 */
import { lazy } from '../core/lazy';
import type { VimClient } from '../core/vsphere/client';
import { CliFailure, EXIT_FINDINGS, optionString as str, positiveNumber, UsageError, type CliInvocation, type OptionSpec } from './command';

const core = {
  client: lazy(() => require('../core/vsphere/client') as typeof import('../core/vsphere/client')),
  tls: lazy(() => require('../core/vsphere/tls') as typeof import('../core/vsphere/tls')),
  errors: lazy(() => require('../core/vsphere/errors') as typeof import('../core/vsphere/errors')),
};

/** The synopsis of the connection part (the URL positional first). */
export const VSPHERE_SYNOPSIS = 'URL --user USER [--password-env VAR] [--thumbprint SHA256 | --insecure]';

/** The connection options; spread them into a command's `options`. */
export const VSPHERE_OPTIONS: Record<string, OptionSpec> = {
  user: { type: 'string', short: 'u', description: 'user name, e.g. administrator@vsphere.local', valueName: 'USER' },
  'password-env': { type: 'string', description: 'environment variable holding the password (default VLAB_PASSWORD; prompted on a terminal when unset)', valueName: 'VAR' },
  thumbprint: { type: 'string', description: 'trust a self-signed certificate with this SHA-256 thumbprint', valueName: 'SHA256' },
  insecure: { type: 'boolean', description: 'do not verify the certificate at all (lab use only)' },
  timeout: { type: 'string', description: 'deadline of one request in seconds, connect to last byte (default 120)', valueName: 'SECONDS' },
  'max-response-mb': { type: 'string', description: 'cap of one response in MB (default 128)', valueName: 'MB' },
};

/** Reads a line from the terminal without echo. */
function promptPassword(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    if (!stdin.isTTY) { reject(new CliFailure('no password: set VLAB_PASSWORD (or --password-env VAR), or run on a terminal to be prompted.', 'no-password')); return; }
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const done = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err); else resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') { done(); return; }
        if (ch === '\u0003') { done(new CliFailure('cancelled', 'cancelled')); return; }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** What the connection options say, checked (usage errors for bad combinations). */
export interface VsphereTarget {
  readonly url: string;
  readonly user: string;
  readonly trust: { mode: 'pinned'; sha256: string } | { mode: 'insecure' } | { mode: 'system' };
  readonly timeoutMs: number;
  /** The cap of one response body, when --max-response-mb is given. */
  readonly maxResponseBytes?: number;
}

/** Reads and checks the connection options (the URL is the first positional). */
export function vsphereTarget(inv: CliInvocation): VsphereTarget {
  const url = inv.positionals[0];
  if (!url) throw new UsageError('the vCenter or ESXi URL is required');
  const user = str(inv, 'user');
  if (!user) throw new UsageError('--user is required');
  const thumb = str(inv, 'thumbprint');
  const insecure = inv.values.insecure === true;
  if (thumb && insecure) throw new UsageError('--thumbprint and --insecure exclude each other');
  let sha256: string | undefined;
  if (thumb) {
    sha256 = core.tls().normalizeThumbprint(thumb);
    if (!sha256 || sha256.length !== 95) throw new UsageError(`--thumbprint must be a SHA-256 thumbprint (64 hex digits, colons optional), got '${thumb}'`);
  }
  const timeoutText = str(inv, 'timeout');
  const timeoutMs = timeoutText === undefined ? 120_000 : positiveNumber(timeoutText, 'timeout') * 1000;
  const mbText = str(inv, 'max-response-mb');
  const maxResponseBytes = mbText === undefined ? undefined : positiveNumber(mbText, 'max-response-mb') * 1048576;
  const trust = sha256 ? { mode: 'pinned' as const, sha256 } : insecure ? { mode: 'insecure' as const } : { mode: 'system' as const };
  return { url, user, trust, timeoutMs, ...(maxResponseBytes !== undefined ? { maxResponseBytes } : {}) };
}

async function password(inv: CliInvocation, user: string): Promise<string> {
  const named = str(inv, 'password-env');
  const envVar = named ?? 'VLAB_PASSWORD';
  const value = inv.io.env[envVar];
  if (value !== undefined && value !== '') return value;
  if (named !== undefined) throw new CliFailure(`environment variable ${envVar} is not set or empty; export it with the password.`, 'no-password');
  return promptPassword(`Password for ${user}: `);
}

/**
 * Logs in with the invocation's connection options, runs `work`, closes the session. `name` is the
 * command as the user typed it (`inventory`, `snapshot ls`), for the certificate message.
 */
export async function withVsphere(inv: CliInvocation, name: string, work: (client: VimClient, target: VsphereTarget) => Promise<number>): Promise<number> {
  const target = vsphereTarget(inv);
  const pw = await password(inv, target.user);
  const errors = core.errors();
  let client: VimClient;
  try {
    client = await core.client().VimClient.connect({
      url: target.url, username: target.user, password: pw, trust: target.trust, keepAliveMs: 0, timeoutMs: target.timeoutMs,
      ...(target.maxResponseBytes !== undefined ? { maxResponseBytes: target.maxResponseBytes } : {}),
    });
  } catch (e) {
    if (e instanceof errors.UntrustedCertificateError || e instanceof errors.CertificateChangedError) {
      const cert = e.certificate;
      const hint = e instanceof errors.UntrustedCertificateError
        ? `If this is the expected certificate, run again with --thumbprint ${cert?.sha256 ?? '<SHA-256>'}`
        : `If the certificate was replaced on purpose, review it and run again with --thumbprint ${cert?.sha256 ?? '<SHA-256>'}`;
      if (inv.json) {
        inv.io.stdout(JSON.stringify({ error: { code: e.code, message: e.message, certificate: cert } }, null, 2) + '\n');
      } else {
        inv.io.stderr(`vlab ${name}: ${e.message}\n${cert ? `\n${core.tls().formatCertificateDescription(cert)}\n` : ''}\n${hint}.\n`);
      }
      return EXIT_FINDINGS;
    }
    if (e instanceof errors.VsphereError) throw new CliFailure(e.message, e.code);
    throw e;
  }
  if (target.trust.mode === 'insecure' && client.agent instanceof core.tls().InsecureAgent) {
    // Nothing was verified: say which certificate was accepted, so it can be compared and pinned.
    for (const tp of client.agent.accepted) inv.io.stderr(`vlab ${name}: --insecure accepted the certificate with SHA-256 ${tp} without verifying it; pin it with --thumbprint ${tp}.\n`);
  }
  try {
    return await work(client, target);
  } catch (e) {
    if (e instanceof errors.VsphereError) throw new CliFailure(e.message, e.code);
    throw e;
  } finally {
    await client.close();
  }
}
