/**
 * The expiry board of one connection: every host's certificate, the vCenter's, and their chains,
 * sorted by what expires first.
 *
 * How each certificate is read:
 * - A host whose generation has `HostCertificateManager` (vSphere API 6.0+, the generation model's
 *   `hasCertificateManager`) is read through the API: `configManager.certificateManager` →
 *   `certificateInfo` (subject, issuer, notBefore, notAfter, status; Broadcom developer docs,
 *   vim.host.CertificateManager.CertificateInfo). That needs no route from here to the host.
 * - The API gives neither the key nor a thumbprint, so every host with an endpoint is also read by a
 *   TLS handshake (`inspectEndpoint`); that is the only source for hosts without the API (ESX(i)
 *   4.x/5.x) and for the vCenter. When both answer and disagree on notAfter, the row says so: the
 *   host reports one certificate and serves another (a pending `rhttpproxy` restart, typically).
 * - A host's endpoint is its inventory name (what it was added by: FQDN or address, port 443 unless
 *   the name carries one); on a direct ESXi connection it is the connection's own endpoint.
 *
 * Every host is bounded in time (`perHostTimeoutMs`) and the handshakes run at most `concurrency`
 * at a time; a host that fails becomes an error row, never a failed board. Dates are read strictly:
 * a notAfter that is not an ISO 8601 date-time is an error row, not a guessed date.
 */
import type { VimClient } from '../vsphere/client';
import { asMoRef, asObject, asString, type MoRef, type VimValue } from '../vsphere/decode';
import { generationFromProduct, HOST_PRODUCT_PATH, Generation } from '../vsphere/generation';
import { retrieve, retrieveObject } from '../vsphere/property';
import { parseEndpoint, formatEndpoint, type Endpoint } from '../net/endpoint';
import { errorCode, errorMessage, isCancellation, LabError } from '../errors';
import { mapLimited, withTimeout } from './pool';
import type { CertificateInfo, EndpointInspection } from './types';
import { certsCore } from './lazy';
import { chooseRoute } from './routes/choose';

export const DAY_MS = 86_400_000;

/** One certificate on the board (a leaf or a CA of its chain). */
export interface ExpiryCert {
  readonly subject: string;
  readonly issuer: string;
  /** "RSA 2048", "EC 256 (prime256v1)"; absent when only the API was read. */
  readonly key?: string;
  readonly notBefore?: string;
  /** ISO 8601. */
  readonly notAfter: string;
  /** Whole days from the board's clock to notAfter, rounded down; negative when expired. */
  readonly daysLeft: number;
  /** `AA:BB:…`; absent when only the API was read. */
  readonly sha256?: string;
  readonly selfSigned?: boolean;
  /** DNS and IP subject alternative names (leaf only, when served). */
  readonly sans?: readonly string[];
}

export type ExpiryRole = 'host' | 'vcenter';

export interface ExpiryRow {
  /** Stable: the host's moref value, or "vcenter". */
  readonly id: string;
  readonly role: ExpiryRole;
  readonly name: string;
  /** `host:port` the certificate is served on; absent when the name is not an address. */
  readonly endpoint?: string;
  readonly moref?: string;
  /** "VMware ESXi 8.0.0 build-20513097". */
  readonly product?: string;
  /** The generation's known id ("8.0") when known. */
  readonly generation?: string;
  /** Whether the host's certificate was read through HostCertificateManager. */
  readonly source?: 'api' | 'tls';
  /** vCenter's own judgement (certificateInfo.status: good, expiring, expired…), API rows only. */
  readonly apiStatus?: string;
  /** Which deploy route the generation offers (filled by the caller's route chooser). */
  route?: string;
  readonly cert?: ExpiryCert;
  /** The issuers the endpoint sent, leaf excluded. */
  readonly chain: readonly ExpiryCert[];
  /** Earliest daysLeft of the leaf and its chain (what the board sorts by). */
  readonly daysLeft?: number;
  readonly notes: readonly string[];
  readonly error?: { readonly code: string; readonly message: string };
}

export interface ExpiryBoard {
  /** The connection's endpoint, `host:port`. */
  readonly connection: string;
  readonly product: string;
  readonly checkedAt: string;
  readonly rows: readonly ExpiryRow[];
}

export interface ExpiryOptions {
  readonly signal?: AbortSignal;
  /** Per host (API read + handshake); default 15 s. */
  readonly perHostTimeoutMs?: number;
  /** Handshakes in flight; default 8. */
  readonly concurrency?: number;
  /** Clock (tests). */
  readonly now?: Date;
  /** The handshake (default `inspectEndpoint`); a seam for the extension's logging, not for tests. */
  readonly inspect?: (ep: Endpoint, o: { timeoutMs: number; signal?: AbortSignal; now: Date }) => Promise<EndpointInspection>;
  /** Names the deploy route a host or the vCenter of this generation takes (default: routes/choose `chooseRoute`'s method). */
  readonly routeFor?: (role: ExpiryRole, generation: Generation | undefined) => string | undefined;
  /** Called as rows complete (the panel fills in progressively). */
  readonly onRow?: (row: ExpiryRow, done: number, total: number) => void;
}

export class ExpiryError extends LabError {}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO 8601 date-time as the API sends `xsd:dateTime`, read strictly: a value that is not one
 * (or names a day that does not exist, such as 2026-02-30) throws; nothing is guessed or clamped.
 */
export function parseStrictDateTime(text: string, what: string): Date {
  const m = ISO_DATE_TIME.exec(text.trim());
  const bad = (): ExpiryError => new ExpiryError('badDate', `${what} is "${text.slice(0, 60)}", which is not an ISO 8601 date-time; the board does not guess a date. Check the host's clock and certificate.`);
  if (!m) throw bad();
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const probe = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) throw bad();
  const t = Date.parse(text.trim());
  if (!Number.isFinite(t)) throw bad();
  return new Date(t);
}

export function daysBetween(now: Date, notAfter: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
}

function keyText(c: CertificateInfo): string {
  const k = c.publicKey;
  if (k.type === 'ec') return `EC ${k.bits ?? '?'}${k.curve ? ` (${k.curve})` : ''}`;
  return `${k.type.toUpperCase()}${k.bits ? ` ${k.bits}` : ''}`;
}

/** A certificate the handshake read, as a board entry. */
export function boardCert(c: CertificateInfo, now: Date, leaf: boolean): ExpiryCert {
  const notAfter = parseStrictDateTime(c.notAfter, `The notAfter of "${c.subject.text}"`);
  return {
    subject: c.subject.text, issuer: c.issuer.text, key: keyText(c), notBefore: c.notBefore,
    notAfter: notAfter.toISOString(), daysLeft: daysBetween(now, notAfter), sha256: c.sha256Thumbprint,
    selfSigned: c.isSelfSigned,
    ...(leaf ? { sans: [...c.subjectAltNames.dns, ...c.subjectAltNames.ip] } : {}),
  };
}

interface HostFacts {
  readonly ref: MoRef;
  readonly name: string;
  readonly generation?: Generation;
  readonly certificateManager?: MoRef;
  readonly endpoint?: Endpoint;
}

interface ApiCert {
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore?: string;
  readonly notAfter: Date;
  readonly status?: string;
}

/** `certificateInfo` of one host's HostCertificateManager; undefined when the server has none to give. */
async function readApiCert(client: VimClient, mgr: MoRef, host: string, signal: AbortSignal | undefined, timeoutMs: number): Promise<ApiCert | undefined> {
  const o = await retrieveObject(client, mgr, ['certificateInfo'], { signal, timeoutMs });
  const info = asObject(o.props.certificateInfo);
  if (!info) return undefined;
  const notAfterText = asString(info.notAfter as VimValue | undefined);
  if (notAfterText === undefined) throw new ExpiryError('badDate', `${host} reports a certificate without notAfter through HostCertificateManager; check the host.`);
  const notBefore = asString(info.notBefore as VimValue | undefined);
  return {
    subject: asString(info.subject as VimValue | undefined) ?? '',
    issuer: asString(info.issuer as VimValue | undefined) ?? '',
    notAfter: parseStrictDateTime(notAfterText, `The notAfter ${host} reports`),
    ...(notBefore ? { notBefore } : {}),
    ...(asString(info.status as VimValue | undefined) ? { status: asString(info.status as VimValue | undefined) } : {}),
  };
}

function earliest(cert: ExpiryCert | undefined, chain: readonly ExpiryCert[]): number | undefined {
  const all = [cert, ...chain].filter((c): c is ExpiryCert => !!c).map((c) => c.daysLeft);
  return all.length ? Math.min(...all) : undefined;
}

function servedCerts(ins: EndpointInspection, now: Date): { cert: ExpiryCert; chain: ExpiryCert[] } {
  const [leaf, ...rest] = ins.chain;
  return { cert: boardCert(leaf, now, true), chain: rest.map((c) => boardCert(c, now, false)) };
}

/** Reads one host (API and/or handshake) into a row; never throws except for cancellation. */
async function hostRow(client: VimClient, h: HostFacts, ctx: RowContext): Promise<ExpiryRow> {
  const base = {
    id: h.ref.value, role: 'host' as const, name: h.name, moref: h.ref.value,
    ...(h.endpoint ? { endpoint: formatEndpoint(h.endpoint) } : {}),
    ...(h.generation ? { product: h.generation.label, generation: h.generation.known } : {}),
    route: ctx.routeFor?.('host', h.generation),
  };
  const notes: string[] = [];
  let api: ApiCert | undefined;
  let apiError: unknown;
  if (h.certificateManager && h.generation?.hasCertificateManager) {
    try {
      api = await withTimeout(readApiCert(client, h.certificateManager, h.name, ctx.signal, ctx.timeoutMs), ctx.timeoutMs,
        () => new ExpiryError('timeout', `${h.name} did not answer the certificate query within ${Math.round(ctx.timeoutMs / 1000)} s.`));
    } catch (e) {
      if (isCancellation(e)) throw e;
      apiError = e;
    }
  }
  let served: { cert: ExpiryCert; chain: ExpiryCert[] } | undefined;
  let tlsError: unknown;
  if (h.endpoint) {
    try {
      served = servedCerts(await ctx.inspect(h.endpoint, { timeoutMs: ctx.timeoutMs, signal: ctx.signal, now: ctx.now }), ctx.now);
    } catch (e) {
      if (isCancellation(e)) throw e;
      tlsError = e;
    }
  } else {
    notes.push(`"${h.name}" is not an address, so its certificate cannot be read by a TLS handshake from here.`);
  }
  if (apiError && !served) {
    notes.push(`HostCertificateManager could not be read either: ${errorMessage(apiError)}`);
    return { ...base, chain: [], notes, error: errorOf(tlsError ?? apiError) };
  }
  if (api) {
    const apiCert: ExpiryCert = { subject: api.subject, issuer: api.issuer, notAfter: api.notAfter.toISOString(), daysLeft: daysBetween(ctx.now, api.notAfter), ...(api.notBefore ? { notBefore: api.notBefore } : {}) };
    if (served && served.cert.notAfter !== apiCert.notAfter) {
      notes.push(`The host reports a certificate valid until ${apiCert.notAfter} but serves one valid until ${served.cert.notAfter}: the new certificate is not in service yet (restart rhttpproxy, or the management agents).`);
    }
    if (tlsError) notes.push(`Key and SHA-256 unknown: ${errorMessage(tlsError)}`);
    const cert = served?.cert ?? apiCert;
    const chain = served?.chain ?? [];
    const daysLeft = Math.min(apiCert.daysLeft, earliest(cert, chain) ?? apiCert.daysLeft);
    return { ...base, source: 'api', ...(api.status ? { apiStatus: api.status } : {}), cert, chain, daysLeft, notes };
  }
  if (apiError) notes.push(`HostCertificateManager could not be read (${errorMessage(apiError)}); the served certificate is shown.`);
  if (!served) return { ...base, chain: [], notes, error: errorOf(tlsError ?? new ExpiryError('noEndpoint', `No way to read ${h.name}'s certificate: it has no HostCertificateManager and its name is not an address.`)) };
  return { ...base, source: 'tls', cert: served.cert, chain: served.chain, daysLeft: earliest(served.cert, served.chain), notes };
}

function errorOf(e: unknown): { code: string; message: string } {
  return { code: errorCode(e) ?? 'failed', message: errorMessage(e) };
}

interface RowContext {
  readonly signal?: AbortSignal;
  readonly timeoutMs: number;
  readonly now: Date;
  readonly inspect: NonNullable<ExpiryOptions['inspect']>;
  readonly routeFor?: ExpiryOptions['routeFor'];
}

/** Every host of the connection with what the board needs (one property retrieve). */
export async function listCertificateHosts(client: VimClient, signal?: AbortSignal): Promise<HostFacts[]> {
  const objs = await retrieve(client, 'HostSystem', ['name', HOST_PRODUCT_PATH, 'configManager.certificateManager'], undefined, { signal });
  const direct = client.serviceContent.about.apiType === 'HostAgent';
  const own: Endpoint = { host: client.endpoint.host, port: client.endpoint.port };
  return objs.map((o) => {
    const name = asString(o.props.name) ?? o.obj.value;
    const parsed = parseEndpoint(name, 443);
    const endpoint = direct && objs.length === 1 ? own : parsed && !parsed.path && !parsed.scheme ? { host: parsed.host, port: parsed.port } : undefined;
    const mgr = asMoRef(o.props['configManager.certificateManager']);
    const generation = generationFromProduct(o.props[HOST_PRODUCT_PATH]);
    return { ref: o.obj, name, ...(generation ? { generation } : {}), ...(mgr ? { certificateManager: mgr } : {}), ...(endpoint ? { endpoint } : {}) };
  }).sort((a, b) => a.name.localeCompare(b.name));
}

async function vcenterRow(client: VimClient, ctx: RowContext): Promise<ExpiryRow> {
  const ep: Endpoint = { host: client.endpoint.host, port: client.endpoint.port };
  const gen = Generation.fromAbout(client.serviceContent.about);
  const base = {
    id: 'vcenter', role: 'vcenter' as const, name: client.endpoint.host, endpoint: formatEndpoint(ep),
    ...(gen ? { product: gen.label, generation: gen.known } : {}), route: ctx.routeFor?.('vcenter', gen), notes: [] as string[],
  };
  try {
    const served = servedCerts(await ctx.inspect(ep, { timeoutMs: ctx.timeoutMs, signal: ctx.signal, now: ctx.now }), ctx.now);
    return { ...base, source: 'tls', cert: served.cert, chain: served.chain, daysLeft: earliest(served.cert, served.chain) };
  } catch (e) {
    if (isCancellation(e)) throw e;
    return { ...base, chain: [], error: errorOf(e) };
  }
}

/** Sorted by earliest expiry; rows without a date (errors) last, by name. */
export function sortRows(rows: readonly ExpiryRow[]): ExpiryRow[] {
  return [...rows].sort((a, b) => {
    const da = a.daysLeft ?? Number.POSITIVE_INFINITY;
    const db = b.daysLeft ?? Number.POSITIVE_INFINITY;
    return da - db || a.name.localeCompare(b.name);
  });
}

/** The route the generation takes (core/certs/routes `chooseRoute`), as the board names it. */
function defaultRoute(role: ExpiryRole, generation: Generation | undefined): string {
  return chooseRoute(generation, role).method;
}

async function defaultInspect(ep: Endpoint, o: { timeoutMs: number; signal?: AbortSignal; now: Date }): Promise<EndpointInspection> {
  const { inspectEndpoint } = certsCore.inspect();
  return inspectEndpoint(ep.host, ep.port, o);
}

/** The board of one connection (see the header). Throws only when the host list cannot be read, or on cancellation. */
export async function readExpiryBoard(client: VimClient, options: ExpiryOptions = {}): Promise<ExpiryBoard> {
  const now = options.now ?? new Date();
  const ctx: RowContext = {
    signal: options.signal, timeoutMs: options.perHostTimeoutMs ?? 15_000, now,
    inspect: options.inspect ?? defaultInspect, routeFor: options.routeFor ?? defaultRoute,
  };
  const hosts = await listCertificateHosts(client, options.signal);
  const direct = client.serviceContent.about.apiType === 'HostAgent';
  const jobs: Array<() => Promise<ExpiryRow>> = [
    ...(direct ? [] : [() => vcenterRow(client, ctx)]),
    ...hosts.map((h) => () => hostRow(client, h, ctx)),
  ];
  let done = 0;
  const rows = await mapLimited(jobs, options.concurrency ?? 8, async (job) => {
    const row = await job();
    options.onRow?.(row, ++done, jobs.length);
    return row;
  }, options.signal);
  const about = client.serviceContent.about;
  return { connection: client.endpoint.display, product: about.fullName || about.name, checkedAt: now.toISOString(), rows: sortRows(rows) };
}
