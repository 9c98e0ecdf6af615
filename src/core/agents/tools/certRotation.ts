/**
 * The mutating certificate-rotation tool, on the rotation core (core/certs/rotate.ts) the
 * Certificates board and `vlab cert rotate` use. Two steps, as an administrator runs them:
 * `request` has each named host generate its own key and CSR (HostCertificateManager: the key never
 * leaves the host) and writes `NAME.csr` into a folder for the CA; `deploy` reads the signed
 * certificates from a folder, matches them to the hosts by their SANs and installs each through the
 * host's API, proven live by a TLS handshake or rolled back on its own.
 *
 * Only hosts whose generation takes the API route are rotated here: any other route needs a private
 * key made on this side or an SSH password, and neither belongs in a model's context — those hosts
 * are refused with the way to do it (the Certificates board, `vlab cert rotate`).
 */
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import { LabError } from '../../errors';
import { hostFileName, readCertificateFolder } from '../../certs/folder';
import { listCertificateHosts } from '../../certs/expiry';
import { matchCertificates, requestCertificates, rotateCertificates, routeDeployer, routeRequester, type AccessFor, type RotationHost } from '../../certs/rotate';
import { chooseRoute } from '../../certs/routes/choose';
import { moref } from '../../vsphere/decode';
import type { CommonInput, Fact, PlannedChange, ToolConnection, ToolContext, ToolResult } from '../types';

export const MAX_ROTATION_HOSTS = 20;

export interface CertRotationInput extends CommonInput {
  action: 'request' | 'deploy';
  hosts: string[];
  folder: string;
  concurrency?: number;
}

interface Selected {
  conn: ToolConnection;
  /** Hosts on the API route, in the order named. */
  hosts: RotationHost[];
  /** Hosts named that this tool does not rotate, and why. */
  refused: Array<{ name: string; why: string }>;
  folder: string;
}

const OTHER_WAY = 'use the Certificates board (Show Certificates) or `vlab cert rotate`, which keep private keys and SSH passwords out of an agent\'s context';

async function select(i: CertRotationInput, ctx: ToolContext): Promise<Selected> {
  if (!i.hosts.length || i.hosts.length > MAX_ROTATION_HOSTS) throw new LabError('invalidInput', `Name 1 to ${MAX_ROTATION_HOSTS} hosts ("hosts").`);
  const conn = await ctx.connection(i.connection);
  const facts = await listCertificateHosts(conn.client, ctx.signal);
  const hosts: RotationHost[] = [];
  const refused: Selected['refused'] = [];
  for (const wanted of i.hosts) {
    const w = wanted.trim().toLowerCase();
    const f = facts.find((x) => x.name.toLowerCase() === w || x.ref.value === w || x.endpoint?.host.toLowerCase() === w);
    if (!f) throw new LabError('notFound', `No host named "${wanted}" on ${conn.label}; its hosts: ${facts.map((x) => x.name).join(', ') || 'none'}.`);
    if (!f.endpoint) { refused.push({ name: f.name, why: 'it has no address to prove the certificate on' }); continue; }
    const route = chooseRoute(f.generation, 'host');
    if (route.id !== 'api') { refused.push({ name: f.name, why: `${route.reason} That route needs a key made here or an SSH password: ${OTHER_WAY}.` }); continue; }
    if (!hosts.some((h) => h.id === f.ref.value)) hosts.push({ id: f.ref.value, name: f.name, endpoint: f.endpoint, ...(f.generation ? { generation: f.generation } : {}) });
  }
  return { conn, hosts, refused, folder: ctx.resolveFile(i.folder) };
}

/** The API route through the tool's own session; never SSH (see the header). */
function apiAccess(conn: ToolConnection): AccessFor {
  return (host, choice) => {
    if (choice.id !== 'api') throw new LabError('refused', `${host.name} takes the ${choice.id} route: ${OTHER_WAY}.`);
    return { vim: { client: conn.client, host: moref('HostSystem', host.id) } };
  };
}

export async function planCertRotation(i: CertRotationInput, ctx: ToolContext): Promise<PlannedChange> {
  const s = await select(i, ctx);
  if (!s.hosts.length) throw new LabError('refused', `No named host can be rotated here: ${s.refused.map((r) => `${r.name}: ${r.why}`).join(' ')} Nothing was changed.`);
  const changes = i.action === 'request'
    ? s.hosts.map((h) => `Host "${h.name}" (${h.endpoint.host}:${h.endpoint.port}, connection ${s.conn.label}) generates a new key pair and CSR (the key stays on the host); the CSR is written to ${path.join(s.folder, `${hostFileName(h.name)}.csr`)}.`)
    : s.hosts.map((h) => `Host "${h.name}" (${h.endpoint.host}:${h.endpoint.port}, connection ${s.conn.label}): the signed certificate in ${s.folder} that names it replaces the one it serves (InstallServerCertificate), its CA chain is added; proven by a TLS handshake, or the previous certificate is put back.`);
  return {
    title: i.action === 'request' ? `Request new certificates on ${s.hosts.length} host(s)` : `Replace the certificates of ${s.hosts.length} host(s)`,
    changes: [...changes, ...s.refused.map((r) => `Host "${r.name}" is left as it is: ${r.why}`)],
    warning: i.action === 'deploy' ? 'Clients that pinned a host\'s old certificate must trust the new one; the host\'s management sessions may reconnect.' : undefined,
  };
}

async function runRequest(s: Selected, ctx: ToolContext): Promise<Fact[]> {
  const results = await requestCertificates({ hosts: s.hosts, requestOnHost: routeRequester(apiAccess(s.conn)), signal: ctx.signal });
  await fsp.mkdir(s.folder, { recursive: true });
  const facts: Fact[] = [];
  for (const r of results) {
    if (r.error || !('csrPem' in r)) { facts.push({ text: `${r.name}: no CSR (${r.error?.message ?? 'unknown'})`, severity: 'error', evidence: [{ kind: 'source', title: 'HostCertificateManager.GenerateCertificateSigningRequest' }] }); continue; }
    if (r.keyPem) throw new LabError('internal', `${r.name}: the route made a local key; refused (${OTHER_WAY}).`);
    const file = path.join(s.folder, `${hostFileName(r.name)}.csr`);
    await fsp.writeFile(file, r.csrPem, { mode: 0o644 });
    facts.push({ text: `${r.name}: CSR written (the key stays on the host); have it signed by your CA, then run this tool with action "deploy" on the folder holding the signed certificate.`, severity: 'info', evidence: [{ kind: 'file', file, line: 1 }] });
  }
  return facts;
}

async function runDeploy(i: CertRotationInput, s: Selected, ctx: ToolContext): Promise<{ facts: Fact[]; details: unknown }> {
  const matched = matchCertificates(s.hosts, await readCertificateFolder(s.folder));
  const result = await rotateCertificates({
    hosts: s.hosts, matches: matched.matches, deploy: routeDeployer(apiAccess(s.conn)),
    concurrency: Math.max(1, Math.min(4, i.concurrency ?? 2)), signal: ctx.signal,
  });
  ctx.changed?.(s.conn.id);
  const facts: Fact[] = result.hosts.map((h) => ({
    text: `${h.name}: ${h.status === 'new' ? 'serves its new certificate' : h.status === 'old' ? 'rolled back: serves its previous certificate' : h.status}${h.route ? ` (${h.route})` : ''}${h.error ? ` — ${h.error}` : ''}`,
    severity: h.status === 'new' ? 'info' : h.status === 'old' || h.status === 'skipped' ? 'warning' : 'error',
    evidence: [{ kind: 'tls', endpoint: h.endpoint, text: h.liveSha256 ? `serves SHA-256 ${h.liveSha256}${h.newSha256 ? ` (new ${h.newSha256})` : ''}` : 'not read' }],
  }));
  for (const u of matched.unmatched) facts.push({ text: `Not used: ${u.file}: ${u.reason}`, severity: 'warning', evidence: [{ kind: 'file', file: path.join(s.folder, u.file), line: 1 }] });
  return { facts, details: { counts: result.counts, hosts: result.hosts, missing: matched.missing } };
}

export async function runCertRotation(i: CertRotationInput, ctx: ToolContext): Promise<ToolResult> {
  const s = await select(i, ctx);
  const refusedFacts: Fact[] = s.refused.map((r) => ({ text: `${r.name}: not rotated here — ${r.why}`, severity: 'warning', evidence: [{ kind: 'source', title: 'Certificate routes by generation (README: Replacing certificates)' }] }));
  if (!s.hosts.length) return { summary: 'No named host can be rotated by this tool; nothing was changed.', facts: refusedFacts };
  if (i.action === 'request') {
    const facts = await runRequest(s, ctx);
    const ok = facts.filter((f) => f.severity === 'info').length;
    return { summary: `${ok} of ${s.hosts.length} host(s) generated a CSR, written to ${s.folder}.`, facts: [...facts, ...refusedFacts] };
  }
  const { facts, details } = await runDeploy(i, s, ctx);
  const fresh = facts.filter((f) => f.severity === 'info').length;
  return { summary: `${fresh} of ${s.hosts.length} host(s) serve their new certificate, proven by a TLS handshake.`, facts: [...facts, ...refusedFacts], details };
}
