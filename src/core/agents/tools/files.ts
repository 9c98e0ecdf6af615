/**
 * Offline tools on files and endpoints: `.vmx` lint (the editor's rules, core/vmx/lint.ts) and the
 * certificate an endpoint serves (a TLS handshake, core/certs/inspect.ts; no credentials sent).
 */
import { promises as fsp } from 'node:fs';
import { LabError } from '../../errors';
import { certsCore } from '../../certs/lazy';
import type { EndpointInspection } from '../../certs/types';
import { lookupKey } from '../../vmx/catalog';
import { VmxDocument } from '../../vmx/document';
import { lintVmx } from '../../vmx/lint';
import { MAX_FILES, MAX_VMX_BYTES } from './backup';
import type { CommonInput, Fact, ToolContext, ToolResult } from '../types';

export interface VmxLintInput extends CommonInput {
  files: string[];
}

export async function vmxLint(i: VmxLintInput, ctx: ToolContext): Promise<ToolResult> {
  if (!i.files.length || i.files.length > MAX_FILES) throw new LabError('invalidInput', `Give 1 to ${MAX_FILES} .vmx files.`);
  const facts: Fact[] = [];
  const counts = { error: 0, warning: 0, other: 0 };
  for (const f of i.files) {
    const abs = ctx.resolveFile(f);
    const st = await fsp.stat(abs);
    if (st.size > MAX_VMX_BYTES) throw new LabError('tooLarge', `${f} is ${st.size} bytes; a .vmx is a few KB (at most ${MAX_VMX_BYTES}).`);
    const doc = VmxDocument.parse(await fsp.readFile(abs));
    for (const d of lintVmx(doc, lookupKey)) {
      if (d.severity === 'error') counts.error++;
      else if (d.severity === 'warning') counts.warning++;
      else counts.other++;
      if (d.severity === 'hint') continue;
      facts.push({
        text: `${d.code}: ${d.message}${d.fix ? ` Quick fix: ${d.fix.title}.` : ''}`,
        severity: d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'info',
        evidence: [
          { kind: 'file', file: abs, line: d.line + 1, text: doc.line(d.line).text },
          ...(d.related ?? []).map((r) => ({ kind: 'file' as const, file: abs, line: r.line + 1, text: doc.line(r.line).text })),
        ],
      });
    }
  }
  facts.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : b.severity === 'error' ? 1 : 0));
  return {
    summary: `${i.files.length} .vmx file(s): ${counts.error} error(s), ${counts.warning} warning(s), ${counts.other} note(s)${counts.error ? ' — VMware refuses or ignores what the errors name' : ''}.`,
    facts,
  };
}

export interface CertStatusInput extends CommonInput {
  endpoints?: string[];
  withinDays?: number;
  /** Without endpoints: every host and the vCenter of the connection (default), or only the connection's endpoint (false). */
  board?: boolean;
}

function certFacts(r: EndpointInspection, withinDays: number, now: number): Fact[] {
  const leaf = r.chain[0];
  const ep = `${r.host}:${r.port}`;
  if (!leaf) return [{ text: `${ep}: no certificate presented`, severity: 'error', evidence: [{ kind: 'tls', endpoint: ep, text: 'empty chain' }] }];
  const days = Math.floor((Date.parse(leaf.notAfter) - now) / 86_400_000);
  const expiring = days <= withinDays;
  const facts: Fact[] = [{
    text: `${ep}: "${leaf.subject.commonName ?? leaf.subject.text}" issued by "${leaf.issuer.commonName ?? leaf.issuer.text}", ${days < 0 ? `EXPIRED ${-days} day(s) ago` : `expires in ${days} day(s)`} (${leaf.notAfter}); ${leaf.publicKey.type.toUpperCase()} ${leaf.publicKey.bits ?? '?'} bits, ${leaf.signatureAlgorithm.name}; ${r.trust.authorized ? 'trusted by this machine' : `not trusted (${r.trust.error ?? 'unknown reason'})`}`,
    severity: days < 0 ? 'error' : expiring ? 'warning' : 'info',
    evidence: [{ kind: 'tls', endpoint: ep, text: `leaf SHA-256 ${leaf.sha256Thumbprint}, SHA-1 ${leaf.sha1Thumbprint}, notAfter ${leaf.notAfter}, checked ${r.checkedAt}` }],
  }];
  for (const f of r.findings) {
    facts.push({ text: `${ep}: ${f.message} (${f.code})`, severity: f.severity, evidence: [{ kind: 'tls', endpoint: ep, text: `certificate ${f.certIndex ?? 0} of the chain (0 = the server's own)` }] });
  }
  return facts;
}

/** The connection's expiry board (core/certs/expiry.ts): every host and the vCenter, soonest first. */
async function boardStatus(i: CertStatusInput, ctx: ToolContext, within: number): Promise<ToolResult> {
  const conn = await ctx.connection(i.connection);
  const { readExpiryBoard } = certsCore.expiry();
  const board = await readExpiryBoard(conn.client, { signal: ctx.signal, perHostTimeoutMs: 15_000 });
  const facts: Fact[] = board.rows.map((r) => {
    const where = `${r.role === 'vcenter' ? 'vCenter' : 'host'} ${r.name}${r.endpoint ? ` (${r.endpoint})` : ''}`;
    if (!r.cert) return { text: `${where}: could not read its certificate: ${r.error?.message ?? 'unknown'}`, severity: 'warning', evidence: [{ kind: 'tls', endpoint: r.endpoint ?? r.name, text: r.error?.code ?? 'no certificate' }] };
    const d = r.daysLeft ?? r.cert.daysLeft;
    return {
      text: `${where}: "${r.cert.subject}" from "${r.cert.issuer}", ${d < 0 ? `EXPIRED ${-d} day(s) ago` : `expires in ${d} day(s)`} (${r.cert.notAfter})${r.cert.key ? `, ${r.cert.key}` : ''}${r.apiStatus ? `, vCenter says ${r.apiStatus}` : ''}${r.notes.length ? `; ${r.notes.join('; ')}` : ''}`,
      severity: d < 0 ? 'error' : d <= within ? 'warning' : 'info',
      evidence: [r.source === 'api'
        ? { kind: 'api', object: `HostSystem:${r.moref ?? r.id} "${r.name}"`, path: 'configManager.certificateManager certificateInfo.notAfter', value: r.cert.notAfter }
        : { kind: 'tls', endpoint: r.endpoint ?? r.name, text: `leaf SHA-256 ${r.cert.sha256 ?? '?'}, notAfter ${r.cert.notAfter}` }],
    };
  });
  const soon = facts.filter((f) => f.severity === 'error' || f.severity === 'warning').length;
  return { summary: `${board.rows.length} certificate(s) of ${board.connection} (${board.product}), soonest first: ${soon} expired, expiring within ${within} day(s) or unreadable.`, facts };
}

export async function certStatus(i: CertStatusInput, ctx: ToolContext): Promise<ToolResult> {
  const within = i.withinDays ?? 90;
  let endpoints = i.endpoints ?? [];
  if (!endpoints.length) {
    if (!ctx.connectionNames().length) throw new LabError('invalidInput', 'Give endpoints (host[:port]) to check, or configure a vSphere connection.');
    if (i.board !== false) return boardStatus(i, ctx, within);
    endpoints = [(await ctx.connection(i.connection)).client.endpoint.display];
  }
  if (endpoints.length > MAX_FILES) throw new LabError('tooLarge', `At most ${MAX_FILES} endpoints per call.`);
  const now = Date.now();
  const { inspectEndpoint, parseEndpoint } = certsCore.inspect();
  const facts: Fact[] = [];
  const expiring: string[] = [];
  const failed: string[] = [];
  for (const e of endpoints) {
    const ep = parseEndpoint(e);
    try {
      const r = await inspectEndpoint(ep.host, ep.port, { signal: ctx.signal, timeoutMs: 10_000 });
      const fs = certFacts(r, within, now);
      if (fs[0].severity !== 'info') expiring.push(`${ep.host}:${ep.port}`);
      facts.push(...fs);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      failed.push(e);
      facts.push({ text: `${e}: could not check: ${(err as Error).message}`, severity: 'error', evidence: [{ kind: 'tls', endpoint: e, text: 'handshake failed' }] });
    }
  }
  return {
    summary: `${endpoints.length} endpoint(s) checked: ${expiring.length} expired or expiring within ${within} day(s)${expiring.length ? ` (${expiring.join(', ')})` : ''}${failed.length ? `; ${failed.length} unreachable` : ''}.`,
    facts,
  };
}
