/**
 * `vlab cert expiry` and `vlab cert rotate`: the Certificates board and its rotation on the command
 * line, over the same core as the panel (core/certs/expiry, core/certs/rotate) and the same
 * connection options as `vlab inventory` (src/cli/vsphere.ts).
 *
 *   vlab cert expiry URL --user U [--password-env VAR] [--thumbprint T | --insecure] [--json]
 *   vlab cert rotate URL … --requests DIR [--hosts H,…]       one CSR per host (+ its key where the route takes a local one)
 *   vlab cert rotate URL … --certs DIR [--hosts H,…] [--concurrency N] [--json]   import, match by SANs, deploy, prove
 *
 * Exit 0 when every row was read / every host serves its new certificate; 1 otherwise.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { certsCore } from '../../core/certs/lazy';
import { hostFileName, readCertificateFolder } from '../../core/certs/folder';
import { LabError } from '../../core/errors';
import type { ExpiryBoard } from '../../core/certs/expiry';
import type { AccessFor, RotationHost, RotationResult } from '../../core/certs/rotate';
import type { VimClient } from '../../core/vsphere/client';
import { moref } from '../../core/vsphere/decode';
import type { CliCommand, CliInvocation } from '../command';
import { CliFailure, emit, EXIT_FINDINGS, EXIT_OK, optionList, optionString as str, positiveNumber, UsageError } from '../command';
import { makeOutputDir, writeOutputFile } from '../files';
import { VSPHERE_OPTIONS, VSPHERE_SYNOPSIS, withVsphere } from '../vsphere';

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd()).join('\n');
}

/** One JSON row per server: what the issue asks for, and the rest of the board. */
function expiryJson(board: ExpiryBoard): unknown {
  return {
    connection: board.connection, product: board.product, checkedAt: board.checkedAt,
    servers: board.rows.map((r) => ({
      role: r.role, name: r.name, endpoint: r.endpoint ?? null, subject: r.cert?.subject ?? null, issuer: r.cert?.issuer ?? null,
      notAfter: r.cert?.notAfter ?? null, daysLeft: r.daysLeft ?? null, sha256: r.cert?.sha256 ?? null,
      key: r.cert?.key ?? null, product: r.product ?? null, source: r.source ?? null, route: r.route ?? null,
      chain: r.chain, notes: r.notes, ...(r.error ? { error: r.error } : {}),
    })),
  };
}

function expiryText(board: ExpiryBoard): string {
  const rows = board.rows.map((r) => [
    r.role === 'vcenter' ? 'vCenter' : 'host', r.name, r.endpoint ?? '', r.cert?.subject ?? '', r.cert?.issuer ?? '',
    r.cert?.notAfter ?? '', r.daysLeft === undefined ? '' : String(r.daysLeft), r.cert?.sha256 ?? (r.error ? `ERROR ${r.error.message}` : ''),
  ]);
  const notes = board.rows.flatMap((r) => r.notes.map((n) => `${r.name}: ${n}`));
  return [`${board.product} (${board.connection}), read ${board.checkedAt}`, '',
    table([['ROLE', 'NAME', 'ENDPOINT', 'SUBJECT', 'ISSUER', 'NOT AFTER', 'DAYS', 'SHA-256'], ...rows]),
    ...(notes.length ? ['', ...notes] : [])].join('\n');
}

const expiry: CliCommand = {
  path: ['cert', 'expiry'],
  summary: 'Every host\'s certificate and the vCenter\'s, sorted by expiry (subject, issuer, notAfter, days left, SHA-256)',
  synopsis: `${VSPHERE_SYNOPSIS} [--host-timeout SECONDS] [--json]`,
  positionals: { min: 1, max: 1 },
  options: {
    ...VSPHERE_OPTIONS,
    'host-timeout': { type: 'string', valueName: 'SECONDS', description: 'give up on one host after this long (default 15)' },
  },
  run: (inv) => withVsphere(inv, 'cert expiry', async (client) => {
    const t = str(inv, 'host-timeout');
    const perHostTimeoutMs = t === undefined ? 15_000 : positiveNumber(t, 'host-timeout') * 1000;
    const board = await certsCore.expiry().readExpiryBoard(client, { perHostTimeoutMs });
    emit(inv, expiryJson(board), () => expiryText(board));
    return board.rows.some((r) => r.error) ? EXIT_FINDINGS : EXIT_OK;
  }),
};

/** The hosts the run is about: every host with an address, or those `--hosts` names (name or address). */
async function selectHosts(inv: CliInvocation, client: VimClient): Promise<RotationHost[]> {
  const facts = await certsCore.expiry().listCertificateHosts(client);
  const wanted = optionList(inv.values.hosts).flatMap((h) => h.split(',')).map((h) => h.trim().toLowerCase()).filter(Boolean);
  const picked = facts.filter((f) => !wanted.length || wanted.includes(f.name.toLowerCase()) || wanted.includes(f.ref.value) || (f.endpoint && wanted.includes(f.endpoint.host)));
  const unknown = wanted.filter((w) => !facts.some((f) => f.name.toLowerCase() === w || f.ref.value === w || f.endpoint?.host === w));
  if (unknown.length) throw new UsageError(`--hosts: no host named ${unknown.join(', ')} (the connection has ${facts.map((f) => f.name).join(', ')})`);
  return picked.filter((f) => f.endpoint).map((f) => ({ id: f.ref.value, name: f.name, endpoint: f.endpoint!, ...(f.generation ? { generation: f.generation } : {}) }));
}

/** How the run reaches each host: the API through this session; SSH as --ssh-user with its password and pinned keys. */
function cliAccess(inv: CliInvocation, client: VimClient): AccessFor {
  const pins = new Map(optionList(inv.values['host-key']).map((p) => {
    const i = p.lastIndexOf('=');
    if (i <= 0) throw new UsageError(`--host-key must be NAME=SHA256:…, got "${p}"`);
    return [p.slice(0, i).toLowerCase(), p.slice(i + 1)] as const;
  }));
  const port = Number(str(inv, 'ssh-port') ?? 22);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--ssh-port must be a port number, not "${str(inv, 'ssh-port')}"`);
  return (host, choice) => {
    if (choice.id !== 'ssh') return { vim: { client, host: moref('HostSystem', host.id) } };
    const env = str(inv, 'ssh-password-env') ?? 'VLAB_SSH_PASSWORD';
    const password = inv.io.env[env];
    if (!password) throw new CliFailure(`${host.name} takes the SSH route: set ${env} (or --ssh-password-env VAR) to the root password.`, 'no-password');
    const hostKey = pins.get(host.name.toLowerCase()) ?? pins.get(host.endpoint.host);
    return { ssh: { host: host.endpoint.host, port, username: str(inv, 'ssh-user') ?? 'root', password, ...(hostKey ? { hostKey } : {}) } };
  };
}

async function writeRequests(inv: CliInvocation, client: VimClient, dir: string): Promise<number> {
  const hosts = await selectHosts(inv, client);
  const rotate = certsCore.rotate();
  const results = await rotate.requestCertificates({ hosts, requestOnHost: rotate.routeRequester(cliAccess(inv, client)) });
  await makeOutputDir(inv, dir);
  const out: Array<{ host: string; error?: { code: string; message: string }; mode?: string; csr?: string; key?: string }> = [];
  for (const r of results) {
    if (r.error) { out.push({ host: r.name, error: r.error }); continue; }
    const base = path.join(dir, hostFileName(r.name));
    const csr = await writeOutputFile(inv, `${base}.csr`, r.csrPem, { mode: 0o644, force: inv.values.force === true });
    const key = r.keyPem ? await writeOutputFile(inv, `${base}.key`, r.keyPem, { mode: 0o600, force: inv.values.force === true, why: 'a private key cannot be recovered' }) : undefined;
    out.push({ host: r.name, mode: r.mode, csr, ...(key ? { key } : {}) });
  }
  emit(inv, { requests: out }, () => out.map((o) => (o.error ? `✘ ${o.host}: ${o.error.message}` : `✔ ${o.host}: ${o.csr}${o.key ? ` (key ${o.key}: keep it secret)` : ' (the key stays on the host)'}`)).join('\n'));
  return out.some((o) => o.error) ? EXIT_FINDINGS : EXIT_OK;
}

/** Every certificate file of DIR (core/certs/folder.ts: bounded in number and size). */
async function readFolder(inv: CliInvocation, dir: string): Promise<Array<{ name: string; bytes: Buffer }>> {
  try {
    return await readCertificateFolder(path.resolve(inv.io.cwd, dir), `--certs ${dir}`);
  } catch (e) {
    if (e instanceof LabError) throw new CliFailure(e.message, e.code);
    throw e;
  }
}

function rotationText(r: RotationResult, unmatched: ReadonlyArray<{ file: string; reason: string }>): string {
  const mark = { new: '✔', old: '↺', other: '✘', failed: '✘', skipped: '–', pending: ' ', running: '…' } as const;
  const lines = r.hosts.map((h) => `${mark[h.status]} ${h.name} (${h.endpoint}) ${h.status}${h.route ? ` via ${h.route}` : ''}${h.liveSha256 ? ` serves ${h.liveSha256}` : ''}${h.error ? `\n    ${h.error}` : ''}`);
  return [...lines, '', `${r.counts.new} new, ${r.counts.old} rolled back, ${r.counts.other + r.counts.failed} failed, ${r.counts.skipped} skipped.`,
    ...unmatched.map((u) => `not used: ${u.file}: ${u.reason}`)].join('\n');
}

async function deployCerts(inv: CliInvocation, client: VimClient, dir: string): Promise<number> {
  const hosts = await selectHosts(inv, client);
  const rotate = certsCore.rotate();
  const matched = rotate.matchCertificates(hosts, await readFolder(inv, dir));
  const keyDir = str(inv, 'keys') ?? dir;
  const keys = new Map<string, string>();
  for (const h of hosts) {
    const k = await fsp.readFile(path.resolve(inv.io.cwd, keyDir, `${hostFileName(h.name)}.key`), 'utf8').catch(() => undefined);
    if (k) keys.set(h.id, k);
  }
  const c = str(inv, 'concurrency');
  const result = await rotate.rotateCertificates({
    hosts, matches: matched.matches, keys, deploy: rotate.routeDeployer(cliAccess(inv, client)),
    concurrency: c === undefined ? 2 : positiveNumber(c, 'concurrency', true),
    onHost: (h) => { if (!inv.json && h.status === 'running') inv.io.stderr(`… ${h.name}\n`); },
  });
  emit(inv, { hosts: result.hosts, counts: result.counts, unmatched: matched.unmatched }, () => rotationText(result, matched.unmatched));
  return result.counts.new === hosts.length ? EXIT_OK : EXIT_FINDINGS;
}

const rotateCmd: CliCommand = {
  path: ['cert', 'rotate'],
  summary: 'Rotate many hosts\' certificates: --requests DIR writes a CSR each; --certs DIR imports the signed ones and deploys them',
  synopsis: `${VSPHERE_SYNOPSIS} (--requests DIR | --certs DIR [--keys DIR]) [--hosts H,…] [--concurrency N] [--ssh-user U] [--ssh-password-env VAR] [--ssh-port N] [--host-key NAME=SHA256:… …] [--json]`,
  positionals: { min: 1, max: 1 },
  options: {
    ...VSPHERE_OPTIONS,
    requests: { type: 'string', valueName: 'DIR', description: 'write one CSR per host here (NAME.csr; NAME.key, mode 600, where the route takes a local key)' },
    certs: { type: 'string', valueName: 'DIR', description: 'the signed certificates and the CA chain (any names: matched to hosts by their SANs)' },
    keys: { type: 'string', valueName: 'DIR', description: 'where the NAME.key files of --requests are (default: --certs DIR)' },
    hosts: { type: 'string', multiple: true, valueName: 'H,…', description: 'only these hosts (names or addresses; default every host with an address)' },
    concurrency: { type: 'string', valueName: 'N', description: 'hosts deployed at once (default 2)' },
    'ssh-user': { type: 'string', valueName: 'USER', description: 'SSH user for hosts on the SSH route (default root)' },
    'ssh-password-env': { type: 'string', valueName: 'VAR', description: 'environment variable with the SSH password (default VLAB_SSH_PASSWORD)' },
    'ssh-port': { type: 'string', valueName: 'N', description: 'SSH port of the hosts (default 22)' },
    'host-key': { type: 'string', multiple: true, valueName: 'NAME=SHA256:…', description: 'pinned SSH host key of a host (repeat)' },
    force: { type: 'boolean', description: 'overwrite existing CSR and key files' },
  },
  run(inv) {
    const requests = str(inv, 'requests');
    const certs = str(inv, 'certs');
    if (!!requests === !!certs) throw new UsageError('give --requests DIR (make the CSRs) or --certs DIR (deploy the signed certificates)');
    return withVsphere(inv, 'cert rotate', (client) => (requests ? writeRequests(inv, client, requests) : deployCerts(inv, client, certs!)));
  },
};

export const commands: CliCommand[] = [expiry, rotateCmd];
