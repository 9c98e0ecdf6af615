/**
 * The vSphere connection a CLI command takes, the same way everywhere (`vlab inventory`, `vlab
 * watch`, `vlab events`…): `URL --user U [--password-env VAR] [--thumbprint SHA256 | --insecure]
 * [--timeout S]`. The password comes from an environment variable (default VLAB_PASSWORD) or a
 * prompt on a terminal; it is never printed. An untrusted or changed certificate prints its
 * description and the `--thumbprint` to pin, and the command exits 1.
 */
import { lazy } from '../core/lazy';
import type { VimClient } from '../core/vsphere/client';
import { CliFailure, EXIT_FINDINGS, optionString as str, UsageError, type CliInvocation, type OptionSpec } from './command';

const core = {
  client: lazy(() => require('../core/vsphere/client') as typeof import('../core/vsphere/client')),
  tls: lazy(() => require('../core/vsphere/tls') as typeof import('../core/vsphere/tls')),
  errors: lazy(() => require('../core/vsphere/errors') as typeof import('../core/vsphere/errors')),
};

/** The synopsis of the connection options (after the command words). */
export const VSPHERE_SYNOPSIS = 'URL --user USER [--password-env VAR] [--thumbprint SHA256 | --insecure]';

/** The options connectVsphere() reads; spread them into a command's `options`. */
export const vsphereConnectionOptions: Record<'user' | 'password-env' | 'thumbprint' | 'insecure' | 'timeout', OptionSpec> = {
  user: { type: 'string', short: 'u', description: 'user name, e.g. administrator@vsphere.local', valueName: 'USER' },
  'password-env': { type: 'string', description: 'environment variable holding the password (default VLAB_PASSWORD; prompted on a terminal when unset)', valueName: 'VAR' },
  thumbprint: { type: 'string', description: 'trust a self-signed certificate with this SHA-256 thumbprint', valueName: 'SHA256' },
  insecure: { type: 'boolean', description: 'do not verify the certificate at all (lab use only)' },
  timeout: { type: 'string', description: 'per-request timeout in seconds (default 120)', valueName: 'SECONDS' },
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

interface Credentials {
  url: string;
  user: string;
  password: string;
  sha256?: string;
  insecure: boolean;
  timeoutMs: number;
}

async function credentials(inv: CliInvocation): Promise<Credentials> {
  const url = inv.positionals[0];
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
  const timeout = Number(str(inv, 'timeout') ?? 120);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got "${str(inv, 'timeout')}"`);
  const envVar = str(inv, 'password-env') ?? 'VLAB_PASSWORD';
  let password = inv.io.env[envVar];
  if (password === undefined || password === '') {
    if (str(inv, 'password-env') !== undefined) throw new CliFailure(`environment variable ${envVar} is not set or empty; export it with the password.`, 'no-password');
    password = await promptPassword(`Password for ${user}: `);
  }
  return { url, user, password, sha256, insecure, timeoutMs: timeout * 1000 };
}

/**
 * Connects with the command's connection options. Returns the logged-in client, or the exit code
 * after it printed why the certificate is not trusted. Other vSphere failures become CliFailure.
 */
export async function connectVsphere(inv: CliInvocation, command: string, opts: { keepAliveMs?: number } = {}): Promise<VimClient | number> {
  const c = await credentials(inv);
  const errors = core.errors();
  try {
    return await core.client().VimClient.connect({
      url: c.url, username: c.user, password: c.password,
      trust: c.sha256 ? { mode: 'pinned', sha256: c.sha256 } : c.insecure ? { mode: 'insecure' } : { mode: 'system' },
      keepAliveMs: opts.keepAliveMs ?? 0,
      timeoutMs: c.timeoutMs,
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
        const desc = cert ? `\n${core.tls().formatCertificateDescription(cert)}\n` : '';
        inv.io.stderr(`vlab ${command}: ${e.message}\n${desc}\n${hint}.\n`);
      }
      return EXIT_FINDINGS;
    }
    if (e instanceof errors.VsphereError) throw new CliFailure(e.message, e.code);
    throw e;
  }
}
