/**
 * Host-name matching for server certificates (RFC 6125 rules as browsers and OpenSSL apply them),
 * pure and free of node-forge.
 *
 * - DNS names compare case-insensitively, a trailing dot ignored.
 * - A wildcard is only honoured as the whole left-most label (`*.lab.local`); it matches exactly one
 *   label (`esx01.lab.local`, not `a.b.lab.local`, not `lab.local`), never an IP address, and needs at
 *   least two labels after it (`*.local` is refused).
 * - An IP address matches only an IP SAN (byte-for-byte; IPv6 in any notation).
 * - The subject CN is consulted only when the certificate has no DNS / IP SAN at all (legacy clients
 *   did this; modern ones do not), and the caller is told so.
 */
import { isIP } from 'node:net';

export interface NameCoverage {
  readonly name: string;
  readonly covered: boolean;
  /** What matched: 'DNS:*.lab.local', 'IP:10.0.0.5' or 'CN:esx01' (legacy fallback). */
  readonly matchedBy?: string;
  /** True when only the legacy CN fallback matched. */
  readonly viaCommonName: boolean;
}

/** Lower-cases and strips one trailing dot. */
export function normaliseDnsName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** Canonical text for an IP address (IPv4 dotted; IPv6 fully expanded lower case), or undefined. */
export function canonicalIp(text: string): string | undefined {
  const bare = text.trim().replace(/^\[(.*)\]$/, '$1');
  const kind = isIP(bare);
  if (kind === 4) return bare.split('.').map((p) => String(Number(p))).join('.');
  if (kind !== 6) return undefined;
  return ipv6Groups(bare).map((g) => g.toString(16).padStart(4, '0')).join(':');
}

function ipv6Groups(addr: string): number[] {
  let text = addr.toLowerCase();
  // A trailing dotted IPv4 part (::ffff:10.0.0.1) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = text.slice(0, v4.index) + ((a << 8) | b).toString(16) + ':' + ((c << 8) | d).toString(16);
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':').map((x) => parseInt(x, 16)) : [];
  if (tail === undefined) return h;
  const t = tail ? tail.split(':').map((x) => parseInt(x, 16)) : [];
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/** Text for a SAN iPAddress octet string (4 or 16 bytes). */
export function ipFromBytes(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
    // Compress the longest run of zero groups, as RFC 5952 asks.
    let best = -1, bestLen = 0;
    for (let i = 0; i < 8; ) {
      if (groups[i] !== '0') { i++; continue; }
      let j = i;
      while (j < 8 && groups[j] === '0') j++;
      if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
      i = j;
    }
    if (best < 0) return groups.join(':');
    return groups.slice(0, best).join(':') + '::' + groups.slice(best + bestLen).join(':');
  }
  return Buffer.from(bytes).toString('hex');
}

export function isIpAddress(name: string): boolean {
  return canonicalIp(name) !== undefined;
}

/** Does one DNS pattern from a certificate (possibly a wildcard) match the host name? */
export function dnsPatternMatches(pattern: string, hostname: string): boolean {
  const p = normaliseDnsName(pattern);
  const h = normaliseDnsName(hostname);
  if (!p || !h) return false;
  if (!p.includes('*')) return p === h;
  if (isIpAddress(h)) return false;
  const pLabels = p.split('.');
  const hLabels = h.split('.');
  // Only a whole left-most `*`, and not directly under a top-level domain.
  if (pLabels[0] !== '*' || pLabels.slice(1).some((l) => l.includes('*'))) return false;
  if (pLabels.length < 3) return false;
  if (hLabels.length !== pLabels.length) return false;
  if (!hLabels[0]) return false;
  return hLabels.slice(1).join('.') === pLabels.slice(1).join('.');
}

/** Whether the certificate's names cover `name`, and by what. */
export function coverName(
  name: string,
  sans: { readonly dns: readonly string[]; readonly ip: readonly string[] },
  commonName: string | undefined,
): NameCoverage {
  const ip = canonicalIp(name);
  const hasSans = sans.dns.length > 0 || sans.ip.length > 0;
  if (ip !== undefined) {
    const hit = sans.ip.find((s) => canonicalIp(s) === ip);
    if (hit) return { name, covered: true, matchedBy: `IP:${hit}`, viaCommonName: false };
  } else {
    const hit = sans.dns.find((s) => dnsPatternMatches(s, name));
    if (hit) return { name, covered: true, matchedBy: `DNS:${hit}`, viaCommonName: false };
  }
  if (!hasSans && commonName) {
    const cnMatches = ip !== undefined
      ? canonicalIp(commonName) === ip
      : !isIpAddress(commonName) && dnsPatternMatches(commonName, name);
    if (cnMatches) return { name, covered: true, matchedBy: `CN:${commonName}`, viaCommonName: true };
  }
  return { name, covered: false, viaCommonName: false };
}
