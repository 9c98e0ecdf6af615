/**
 * `vlab inventory URL --user U [--password-env VAR] [--thumbprint SHA256 | --insecure] [--json]`:
 * every host and VM of a vCenter / ESXi with inventory path, power state, host, guest OS, vCPU,
 * memory and vmx path. The password comes from an environment variable (default VLAB_PASSWORD) or a
 * prompt on a terminal; it is never printed.
 */
import { lazy } from '../../core/lazy';
import type { CliCommand, CliInvocation } from '../command';
import { CliFailure, emit, EXIT_FINDINGS, EXIT_OK, optionString as str, positiveNumber, UsageError } from '../command';

const core = {
  client: lazy(() => require('../../core/vsphere/client') as typeof import('../../core/vsphere/client')),
  inventory: lazy(() => require('../../core/vsphere/inventory') as typeof import('../../core/vsphere/inventory')),
  tls: lazy(() => require('../../core/vsphere/tls') as typeof import('../../core/vsphere/tls')),
  errors: lazy(() => require('../../core/vsphere/errors') as typeof import('../../core/vsphere/errors')),
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

export interface InventoryRow {
  kind: 'host' | 'vm';
  name: string;
  path: string;
  powerState?: string;
  connectionState?: string;
  host?: string;
  guestOs?: string;
  vcpu?: number;
  memoryMB?: number;
  vmxPath?: string;
  moref: string;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd()).join('\n');
}

async function run(inv: CliInvocation): Promise<number> {
  const url = inv.positionals[0];
  const user = str(inv, 'user');
  if (!user) throw new UsageError('--user is required');
  const thumb = str(inv, 'thumbprint');
  const insecure = inv.values.insecure === true;
  if (thumb && insecure) throw new UsageError('--thumbprint and --insecure exclude each other');
  const { normalizeThumbprint, formatCertificateDescription } = core.tls();
  let sha256: string | undefined;
  if (thumb) {
    sha256 = normalizeThumbprint(thumb);
    if (!sha256 || sha256.length !== 95) throw new UsageError(`--thumbprint must be a SHA-256 thumbprint (64 hex digits, colons optional), got '${thumb}'`);
  }
  const timeoutText = str(inv, 'timeout');
  const timeoutMs = timeoutText === undefined ? 120_000 : positiveNumber(timeoutText, 'timeout') * 1000;
  const mbText = str(inv, 'max-response-mb');
  const maxResponseBytes = mbText === undefined ? undefined : positiveNumber(mbText, 'max-response-mb') * 1048576;
  const envVar = str(inv, 'password-env') ?? 'VLAB_PASSWORD';
  let password = inv.io.env[envVar];
  if (password === undefined || password === '') {
    if (str(inv, 'password-env') !== undefined) throw new CliFailure(`environment variable ${envVar} is not set or empty; export it with the password.`, 'no-password');
    password = await promptPassword(`Password for ${user}: `);
  }

  const { VimClient } = core.client();
  const errors = core.errors();
  let client;
  try {
    client = await VimClient.connect({
      url, username: user, password,
      trust: sha256 ? { mode: 'pinned', sha256 } : insecure ? { mode: 'insecure' } : { mode: 'system' },
      keepAliveMs: 0,
      timeoutMs,
      ...(maxResponseBytes !== undefined ? { maxResponseBytes } : {}),
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
        inv.io.stderr(`vlab inventory: ${e.message}\n${cert ? `\n${formatCertificateDescription(cert)}\n` : ''}\n${hint}.\n`);
      }
      return EXIT_FINDINGS;
    }
    if (e instanceof errors.VsphereError) throw new CliFailure(e.message, e.code);
    throw e;
  }
  if (insecure && client.agent instanceof core.tls().InsecureAgent) {
    // Nothing was verified: say which certificate was accepted, so it can be compared and pinned.
    for (const tp of client.agent.accepted) inv.io.stderr(`vlab inventory: --insecure accepted the certificate with SHA-256 ${tp} without verifying it; pin it with --thumbprint ${tp}.\n`);
  }
  try {
    const inventory = await core.inventory().getInventory(client);
    const hostName = new Map(inventory.hosts.map((h) => [h.ref.value, h.name]));
    const rows: InventoryRow[] = [];
    for (const h of [...inventory.hosts].sort((a, b) => inventory.pathOf(a.ref).localeCompare(inventory.pathOf(b.ref)))) {
      rows.push({
        kind: 'host', name: h.name, path: inventory.pathOf(h.ref), powerState: h.powerState, connectionState: h.connectionState,
        vcpu: h.cpuThreads, memoryMB: h.memoryBytes !== undefined ? Math.round(h.memoryBytes / 1048576) : undefined, moref: h.ref.value,
      });
    }
    for (const v of [...inventory.vms].sort((a, b) => inventory.pathOf(a.ref).localeCompare(inventory.pathOf(b.ref)))) {
      rows.push({
        kind: 'vm', name: v.name, path: inventory.pathOf(v.ref), powerState: v.powerState,
        host: v.host ? hostName.get(v.host.value) ?? v.host.value : undefined, guestOs: v.guestFullName ?? v.guestId,
        vcpu: v.numCpu, memoryMB: v.memoryMB, vmxPath: v.vmPathName, moref: v.ref.value,
      });
    }
    const about = client.serviceContent.about;
    emit(inv, { server: { url, fullName: about.fullName, apiVersion: about.apiVersion }, hosts: rows.filter((r) => r.kind === 'host'), vms: rows.filter((r) => r.kind === 'vm') }, () => {
      const hostRows = rows.filter((r) => r.kind === 'host');
      const vmRows = rows.filter((r) => r.kind === 'vm');
      const out = [`${about.fullName || about.name} — ${hostRows.length} hosts, ${vmRows.length} VMs`, ''];
      out.push(table([['HOST', 'PATH', 'STATE', 'POWER', 'CPU THREADS', 'MEMORY MB'],
        ...hostRows.map((r) => [r.name, r.path, r.connectionState ?? '', r.powerState ?? '', String(r.vcpu ?? ''), String(r.memoryMB ?? '')])]));
      out.push('');
      out.push(table([['VM', 'PATH', 'POWER', 'HOST', 'GUEST OS', 'VCPU', 'MEMORY MB', 'VMX'],
        ...vmRows.map((r) => [r.name, r.path, r.powerState ?? '', r.host ?? '', r.guestOs ?? '', String(r.vcpu ?? ''), String(r.memoryMB ?? ''), r.vmxPath ?? ''])]));
      return out.join('\n');
    });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof errors.VsphereError) throw new CliFailure(e.message, e.code);
    throw e;
  } finally {
    await client.close();
  }
}

export const commands: CliCommand[] = [{
  path: ['inventory'],
  summary: 'List every host and VM of a vCenter or ESXi (path, power, host, guest OS, vCPU, memory, vmx).',
  synopsis: 'URL --user USER [--password-env VAR] [--thumbprint SHA256 | --insecure]',
  positionals: { min: 1, max: 1 },
  options: {
    user: { type: 'string', short: 'u', description: 'user name, e.g. administrator@vsphere.local', valueName: 'USER' },
    'password-env': { type: 'string', description: 'environment variable holding the password (default VLAB_PASSWORD; prompted on a terminal when unset)', valueName: 'VAR' },
    thumbprint: { type: 'string', description: 'trust a self-signed certificate with this SHA-256 thumbprint', valueName: 'SHA256' },
    insecure: { type: 'boolean', description: 'do not verify the certificate at all (lab use only)' },
    timeout: { type: 'string', description: 'deadline of one request in seconds, connect to last byte (default 120)', valueName: 'SECONDS' },
    'max-response-mb': { type: 'string', description: 'cap of one response in MB (default 128)', valueName: 'MB' },
  },
  run,
}];
