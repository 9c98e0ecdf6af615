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

export async function certStatus(i: CertStatusInput, ctx: ToolContext): Promise<ToolResult> {
  let endpoints = i.endpoints ?? [];
  if (!endpoints.length) {
    if (!ctx.connectionNames().length) throw new LabError('invalidInput', 'Give endpoints (host[:port]) to check, or configure a vSphere connection.');
    endpoints = [(await ctx.connection(i.connection)).client.endpoint.display];
  }
  if (endpoints.length > MAX_FILES) throw new LabError('tooLarge', `At most ${MAX_FILES} endpoints per call.`);
  const within = i.withinDays ?? 90;
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
