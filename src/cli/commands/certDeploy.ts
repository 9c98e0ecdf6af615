/**
 * `vlab cert deploy HOST[:PORT] --cert C [--key K] [--chain F …] [--route ssh|api|vcsa]` and
 * `vlab cert request --on-host HOST[:PORT] --user U …` over the certificate routes
 * (src/core/certs/routes): the route comes from the server's generation (read anonymously from
 * its `about`) unless `--route` names one. API routes log in with `--user` and the password from
 * `--password-env VAR` (default VLAB_PASSWORD) and trust `--thumbprint` / `--insecure` / the
 * system CAs; the SSH route takes today's options (`--ssh-user`, VLAB_SSH_PASSWORD, `--host-key`…).
 */
import * as path from 'node:path';
import { certsCore } from '../../core/certs/lazy';
import { lazy } from '../../core/lazy';
import { LabError } from '../../core/errors';
import type { RouteAccess, RouteChoice, RouteDeployResult, StepReport, TargetKind } from '../../core/certs/routes/types';
import type { Generation } from '../../core/vsphere/generation';
import type { TrustPolicy } from '../../core/vsphere/tls';
import type { CliCommand, CliInvocation, OptionSpec } from '../command';
import { CliFailure, emit, EXIT_FINDINGS, EXIT_OK, optionList as list, optionString as str, requiredOption as required, UsageError } from '../command';
import { makeOutputDir, readInputBytes, writeOutputFile } from '../files';
import { sshCredentialOptions, sshCredentials } from '../ssh';

const core = {
  routes: lazy(() => require('../../core/certs/routes') as typeof import('../../core/certs/routes')),
  client: lazy(() => require('../../core/vsphere/client') as typeof import('../../core/vsphere/client')),
  property: lazy(() => require('../../core/vsphere/property') as typeof import('../../core/vsphere/property')),
  tls: lazy(() => require('../../core/vsphere/tls') as typeof import('../../core/vsphere/tls')),
  endpoint: lazy(() => require('../../core/net/endpoint') as typeof import('../../core/net/endpoint')),
};

/** `--user`, `--thumbprint`, `--insecure` (and `--password-env`, shared with the SSH options). */
export const apiOptions: Record<'user' | 'thumbprint' | 'insecure', OptionSpec> = {
  user: { type: 'string', valueName: 'USER', description: 'vSphere user for the API routes (root on a host, administrator@vsphere.local on an appliance)' },
  thumbprint: { type: 'string', valueName: 'SHA256', description: 'trust the server\'s self-signed certificate with this SHA-256 thumbprint' },
  insecure: { type: 'boolean', description: 'do not verify the server\'s certificate (lab use only)' },
};

function endpointOf(text: string): { host: string; port: number } {
  const ep = core.endpoint().parseEndpoint(text, 443);
  if (!ep) throw new UsageError(`"${text}" is not HOST[:PORT]`);
  return { host: ep.host, port: ep.port };
}

function trustOf(inv: CliInvocation): TrustPolicy {
  const thumb = str(inv, 'thumbprint');
  if (thumb && inv.values.insecure === true) throw new UsageError('--thumbprint and --insecure exclude each other');
  if (!thumb) return inv.values.insecure === true ? { mode: 'insecure' } : { mode: 'system' };
  const sha256 = core.tls().normalizeThumbprint(thumb);
  if (!sha256 || sha256.length !== 95) throw new UsageError(`--thumbprint must be a SHA-256 thumbprint (64 hex digits, colons optional), got '${thumb}'`);
  return { mode: 'pinned', sha256 };
}

function apiPassword(inv: CliInvocation): string {
  const envName = str(inv, 'password-env') ?? 'VLAB_PASSWORD';
  const password = inv.io.env[envName];
  if (!password) throw new CliFailure(`No password: set the environment variable ${envName} (or name another one with --password-env). The password is never taken on the command line.`, 'no-password');
  return password;
}

/** The server's generation from its `about`, read without logging in (nothing secret is sent). */
async function readGeneration(inv: CliInvocation, ep: { host: string; port: number }): Promise<Generation | undefined> {
  const trust = trustOf(inv);
  const c = await core.client().VimClient.open({ url: `${ep.host}:${ep.port}`, username: '', password: '', trust: trust.mode === 'system' ? { mode: 'insecure' } : trust, keepAliveMs: 0, timeoutMs: 30_000 });
  try {
    return c.generation;
  } finally {
    await c.close();
  }
}

/** A client logged in to HOST with --user, and the HostSystem it manages (the host itself). */
async function hostApiAccess(inv: CliInvocation, ep: { host: string; port: number }): Promise<{ access: RouteAccess; close: () => Promise<void> }> {
  const user = required(inv, 'user');
  const client = await core.client().VimClient.connect({ url: `${ep.host}:${ep.port}`, username: user, password: apiPassword(inv), trust: trustOf(inv), keepAliveMs: 0, timeoutMs: 120_000 });
  const hosts = await core.property().retrieve(client, 'HostSystem', ['name']);
  if (hosts.length !== 1) {
    await client.close();
    throw new CliFailure(`${ep.host} manages ${hosts.length} hosts: give the host's own address (the api route talks to the host).`, 'invalidArgument');
  }
  return { access: { vim: { client, host: hosts[0].obj } }, close: () => client.close() };
}

function asFailure(e: unknown): never {
  if (e instanceof LabError) throw new CliFailure(e.message, e.code);
  throw e;
}

export const onHostOptions: Record<string, OptionSpec> = {
  'on-host': { type: 'string', valueName: 'HOST[:PORT]', description: 'ask the host for its own CSR (HostCertificateManager, API 6.0+): the key never leaves the host' },
  'ip-cn': { type: 'boolean', description: 'with --on-host: the host puts its management IP in the CN instead of its FQDN' },
  ...apiOptions,
};

/** `vlab cert request --on-host HOST --user U --out DIR`: the host's CSR, written as <host>.csr; no key. */
export async function requestOnHost(inv: CliInvocation): Promise<number> {
  const ep = endpointOf(required(inv, 'on-host'));
  const out = required(inv, 'out');
  if (list(inv.values.san).length || str(inv, 'cn')) throw new UsageError('--cn and --san do not apply with --on-host: the host chooses its own subject (its FQDN, or its IP with --ip-cn).');
  let csr: string;
  const { access, close } = await hostApiAccess(inv, ep).catch(asFailure);
  try {
    const route = core.routes().createRoute(core.routes().chooseRoute(undefined, 'host', 'api'), { ...ep, kind: 'host' }, access);
    csr = await route.requestCsr!({ useIpAddressAsCommonName: inv.values['ip-cn'] === true }).catch(asFailure);
  } finally {
    await close();
  }
  const dir = await makeOutputDir(inv, out);
  const file = await writeOutputFile(inv, path.join(dir, `${ep.host.replace(/[^A-Za-z0-9.-]/g, '_')}.csr`), csr, { mode: 0o644, force: inv.values.force === true, why: 'the key of a CSR stays on the host' });
  const info = certsCore.request().describeRequest(csr);
  emit(inv, { csr: file, host: ep.host, subject: info.subject, sans: info.sans, csrPem: csr }, () => [
    `Wrote ${file}: the CSR ${ep.host} generated itself (its private key stays on the host).`,
    `Subject: ${info.subject}`,
    `SANs:    ${[...info.sans.dns.map((d) => `DNS:${d}`), ...info.sans.ip.map((i) => `IP:${i}`)].join(', ') || '(none)'}`,
    '',
    `Have it signed, then: vlab cert deploy ${ep.host}${ep.port !== 443 ? `:${ep.port}` : ''} --cert SIGNED.crt --chain CA.crt --route api --user ${str(inv, 'user')}`,
  ].join('\n'));
  return EXIT_OK;
}

/** Which route: --route if given (refused in words when the generation cannot), else the generation's. */
function decideRoute(inv: CliInvocation, gen: Generation | undefined): { choice: RouteChoice; note?: string } {
  const routes = core.routes();
  const text = str(inv, 'route');
  const forced = text === undefined ? undefined : routes.parseRouteId(text);
  if (text !== undefined && !forced) throw new UsageError(`--route must be ssh, api or vcsa, not "${text}"`);
  const kind: TargetKind = gen?.product === 'vcenter' ? 'vcenter' : 'host';
  if (forced) {
    try {
      return { choice: routes.chooseRoute(gen, kind, forced) };
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const choice = routes.chooseRoute(gen, kind);
  // Today's invocation (SSH options only) keeps the SSH route where the generation also has an API one.
  if (choice.id === 'api' && str(inv, 'ssh-user') && !str(inv, 'user')) {
    return { choice: routes.chooseRoute(gen, kind, 'ssh'), note: `${choice.reason} Using SSH because only --ssh-user was given; --user U uses the API.` };
  }
  return { choice };
}

function sshAccess(inv: CliInvocation, ep: { host: string; port: number }): RouteAccess {
  const user = required(inv, 'ssh-user');
  const portText = str(inv, 'ssh-port') ?? '22';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--ssh-port must be a port number, not "${portText}"`);
  const restart = str(inv, 'restart');
  if (restart !== undefined && !['hostd', 'rhttpproxy+hostd', 'services.sh'].includes(restart)) throw new UsageError(`--restart must be hostd, rhttpproxy+hostd or services.sh, not "${restart}"`);
  const waitText = str(inv, 'wait-timeout');
  const waitTimeoutMs = waitText === undefined ? undefined : Number(waitText) * 1000;
  if (waitTimeoutMs !== undefined && !(waitTimeoutMs > 0)) throw new UsageError(`--wait-timeout must be a positive number of seconds, not "${waitText}"`);
  const { hostKey, password } = sshCredentials(inv);
  return {
    ssh: { host: str(inv, 'ssh-host') ?? ep.host, port, username: user, password, ...(hostKey ? { hostKey } : {}) },
    sshDeploy: { ...(restart ? { restart: restart as 'hostd' } : {}), includeIntermediates: inv.values['include-intermediates'] === true, ...(waitTimeoutMs !== undefined ? { waitTimeoutMs } : {}) },
  };
}

/** Certificates from a PEM, DER or .p7b file, as PEM (the routes take PEM). */
async function readPem(inv: CliInvocation, file: string): Promise<string> {
  const x = certsCore.x509();
  try {
    return x.readCertificates(await readInputBytes(inv, file)).map((d) => x.toPem(d)).join('');
  } catch (e) {
    return asFailure(e);
  }
}

const MARK = { ok: '✔', failed: '✘', skipped: '–', running: '…', pending: ' ' } as const;

function printStep(inv: CliInvocation, s: StepReport): void {
  if (inv.json || s.status === 'pending' || s.status === 'running') return;
  const head = `${MARK[s.status]} ${s.phase === 'rollback' ? '[rollback] ' : ''}${s.title}${s.ms !== undefined ? ` (${s.ms} ms)` : ''}`;
  const detail = s.status === 'failed' && s.detail ? `\n    ${s.detail.replace(/\n/g, '\n    ')}` : '';
  inv.io.stdout(`${head}${detail}\n`);
}

function report(inv: CliInvocation, r: RouteDeployResult, choice: RouteChoice): number {
  if (inv.json) emit(inv, { ...r, reason: choice.reason }, '');
  else if (r.ok) inv.io.stdout(`\n${r.host}:${r.port} now serves the new certificate (SHA-256 ${r.newSha256}), proven by a TLS handshake.\n`);
  else {
    inv.io.stdout('\n');
    inv.io.stderr(`vlab: ${r.error ?? 'the deploy failed'}\n`);
    const fp = r.failedStep === 'connect' && /not known yet/.test(r.error ?? '') ? /SHA256:[A-Za-z0-9+/]{43}/.exec(r.error ?? '')?.[0] : undefined;
    if (fp) inv.io.stderr(`If it matches the host's key, run again with --host-key ${fp}\n`);
  }
  return r.ok ? EXIT_OK : EXIT_FINDINGS;
}

export const deploy: CliCommand = {
  path: ['cert', 'deploy'],
  summary: 'Install a signed certificate on a host or vCenter by the route its generation takes (SSH, HostCertificateManager, appliance REST), proven live, rolled back on failure',
  synopsis: 'HOST[:PORT] --cert FILE [--key FILE] [--chain FILE …] [--route ssh|api|vcsa] [--user U | --ssh-user U] [--password-env VAR] [--thumbprint T | --insecure] [--host-key SHA256:…] [--json]',
  positionals: { min: 1, max: 1 },
  options: {
    cert: { type: 'string', valueName: 'FILE', description: 'the signed certificate (PEM, DER or .p7b)' },
    key: { type: 'string', valueName: 'FILE', description: 'its private key (ssh and vcsa routes; the api route uses the key of the host\'s own CSR)' },
    chain: { type: 'string', multiple: true, valueName: 'FILE', description: 'CA certificates (repeat)' },
    route: { type: 'string', valueName: 'ssh|api|vcsa', description: 'the route (default: the one the server\'s generation takes)' },
    ...apiOptions,
    'previous-key': { type: 'string', valueName: 'FILE', description: 'vcsa route: the key of the certificate served now, so a failure can put it back' },
    'ssh-user': { type: 'string', valueName: 'USER', description: 'SSH user (root on ESX(i)) for the ssh route' },
    ...sshCredentialOptions,
    'ssh-host': { type: 'string', valueName: 'HOST', description: 'SSH address when it differs from HOST' },
    'ssh-port': { type: 'string', valueName: 'N', description: 'SSH port (default 22)' },
    restart: { type: 'string', valueName: 'hostd|rhttpproxy+hostd|services.sh', description: 'ssh route: what to restart (default: what the generation needs)' },
    'include-intermediates': { type: 'boolean', description: 'ssh route: append the intermediate CA certificates to rui.crt' },
    'wait-timeout': { type: 'string', valueName: 'SECONDS', description: 'ssh route: how long to wait for HTTPS after the restart (default 180)' },
  },
  async run(inv) {
    const ep = endpointOf(inv.positionals[0]);
    const certFile = required(inv, 'cert');
    const gen = await readGeneration(inv, ep).catch(() => undefined);
    const { choice, note } = decideRoute(inv, gen);
    if (!choice.id) throw new CliFailure(`${choice.reason} Open the certificate wizard for the checklist.`, 'invalidArgument');
    if (!inv.json) inv.io.stdout(`Route: ${choice.id} (${choice.method}) — ${note ?? choice.reason}\n`);
    const cert = await readPem(inv, certFile);
    const keyFile = str(inv, 'key');
    const key = keyFile ? (await readInputBytes(inv, keyFile)).toString('utf8') : undefined;
    const chain = await Promise.all(list(inv.values.chain).map((f) => readPem(inv, f)));
    const prevFile = str(inv, 'previous-key');
    const previousKey = prevFile ? (await readInputBytes(inv, prevFile)).toString('utf8') : undefined;
    let access: RouteAccess;
    let close = async (): Promise<void> => undefined;
    if (choice.id === 'ssh') {
      if (!key) throw new UsageError('--key is required for the ssh route (rui.key)');
      access = sshAccess(inv, ep);
    } else if (choice.id === 'api') {
      if (key) throw new UsageError('--key does not apply to the api route: HostCertificateManager installs a certificate for the key of the CSR the host made (vlab cert request --on-host). Use --route ssh to install your own key.');
      ({ access, close } = await hostApiAccess(inv, ep).catch(asFailure));
    } else {
      if (!key) throw new UsageError('--key is required for the vcsa route (Tls.Spec.key)');
      access = { rest: { username: required(inv, 'user'), password: apiPassword(inv), trust: trustOf(inv) } };
    }
    try {
      const route = core.routes().createRoute(choice, { ...ep, kind: gen?.product === 'vcenter' ? 'vcenter' : 'host' }, access);
      const r = await route.deploy({ cert, ...(key ? { key } : {}), chain, ...(previousKey ? { previousKey } : {}), onStep: (s) => printStep(inv, s) }).catch(asFailure);
      return report(inv, r, choice);
    } finally {
      await close();
    }
  },
};
