/**
 * Findings about a chain a server presents (or a file holds): weak keys, weak signatures, dates,
 * host-name coverage, self-signed certificates. Pure: works on {@link CertificateInfo} data, so the
 * wizard, the CLI and tests share it without network or node-forge.
 */
import { coverName } from './hostname';
import type { CertificateInfo, Finding } from './types';

/** Thresholds, in one place so the wizard can show them. */
export const KEY_BITS_ERROR = 1024;   // below: Windows clients refuse it since MS KB2661254
export const KEY_BITS_WARNING = 2048; // below: vSphere 5.0 docs recommend 2048
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export function describeCertShort(c: CertificateInfo): string {
  return c.subject.commonName ? `"${c.subject.commonName}"` : `"${c.subject.text || '(empty subject)'}"`;
}

/** `2024-05-01 12:00 UTC` */
export function formatDate(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

function role(index: number, total: number, c: CertificateInfo): string {
  if (index === 0) return 'The server certificate';
  if (index === total - 1 && c.isSelfSigned) return 'The root CA certificate';
  return `Intermediate CA certificate #${index}`;
}

/** Key-size finding for one certificate, or undefined. RSA and DSA only: EC/EdDSA sizes are strong. */
export function keySizeFinding(c: CertificateInfo, index: number, label: string): Finding | undefined {
  const { type, bits } = c.publicKey;
  if ((type !== 'rsa' && type !== 'rsa-pss' && type !== 'dsa') || bits === undefined) return undefined;
  if (bits < KEY_BITS_ERROR) {
    return {
      code: 'key-too-small', severity: 'error', certIndex: index,
      message: `${label} ${describeCertShort(c)} has a ${bits}-bit ${type.toUpperCase()} key. Windows clients refuse keys under 1024 bits (Microsoft KB2661254) and such keys can be factored; replace it with a 2048-bit key.`,
    };
  }
  if (bits < KEY_BITS_WARNING) {
    return {
      code: 'key-too-small', severity: 'warning', certIndex: index,
      message: `${label} ${describeCertShort(c)} has a ${bits}-bit ${type.toUpperCase()} key; 2048 bits is the recommended minimum.`,
    };
  }
  return undefined;
}

/** Weak-signature finding (MD5/MD2 error, SHA-1 warning), or undefined. */
export function signatureFinding(c: CertificateInfo, index: number, label: string): Finding | undefined {
  const hash = c.signatureAlgorithm.hash;
  if (hash === 'md5' || hash === 'md2') {
    return {
      code: 'weak-signature', severity: 'error', certIndex: index,
      message: `${label} ${describeCertShort(c)} is signed with ${c.signatureAlgorithm.name}; ${hash.toUpperCase()} signatures can be forged and current clients reject them. Have it re-issued with SHA-256.`,
    };
  }
  if (hash === 'sha1') {
    return {
      code: 'weak-signature', severity: 'warning', certIndex: index,
      message: `${label} ${describeCertShort(c)} is signed with ${c.signatureAlgorithm.name}; SHA-1 is deprecated and modern browsers reject it. Prefer SHA-256 when the CA can issue it.`,
    };
  }
  return undefined;
}

/** Date findings: not yet valid / expired (errors), expiring within 30 days (warning). */
export function validityFinding(c: CertificateInfo, index: number, label: string, now: Date): Finding | undefined {
  const from = new Date(c.notBefore), to = new Date(c.notAfter);
  if (now < from) {
    return {
      code: 'not-yet-valid', severity: 'error', certIndex: index,
      message: `${label} ${describeCertShort(c)} is not valid until ${formatDate(from)} (now ${formatDate(now)}). Check the clock on this machine and on the host, or wait.`,
    };
  }
  if (now > to) {
    return {
      code: 'expired', severity: 'error', certIndex: index,
      message: `${label} ${describeCertShort(c)} expired on ${formatDate(to)} (${Math.floor((now.getTime() - to.getTime()) / DAY_MS)} days ago).`,
    };
  }
  const left = (to.getTime() - now.getTime()) / DAY_MS;
  if (left < EXPIRY_WARNING_DAYS) {
    return {
      code: 'expiring-soon', severity: 'warning', certIndex: index,
      message: `${label} ${describeCertShort(c)} expires on ${formatDate(to)}, in ${Math.max(0, Math.floor(left))} days.`,
    };
  }
  return undefined;
}

/**
 * Findings for a chain, leaf first. `hostname` is the name the client connects to (a DNS name or an
 * IP address); pass undefined to skip the name check.
 */
export function analyseChain(chain: readonly CertificateInfo[], hostname: string | undefined, now: Date = new Date()): Finding[] {
  const findings: Finding[] = [];
  if (chain.length === 0) return [{ code: 'no-certificate', severity: 'error', message: 'The server presented no certificate.' }];
  const leaf = chain[0];

  if (leaf.isSelfSigned) {
    findings.push({
      code: 'self-signed', severity: 'warning', certIndex: 0,
      message: `The server certificate ${describeCertShort(leaf)} is self-signed: no client can verify it against a CA, so each client must pin its thumbprint (SHA-1 ${leaf.sha1Thumbprint}). Replace it with a CA-signed certificate.`,
    });
  }

  chain.forEach((c, i) => {
    const label = role(i, chain.length, c);
    const k = keySizeFinding(c, i, label);
    if (k) findings.push(k);
    // A trust anchor's own signature is never checked by clients, so a weak hash there does not matter
    // unless the anchor is the server certificate itself.
    if (!(i > 0 && c.isSelfSigned)) {
      const s = signatureFinding(c, i, label);
      if (s) findings.push(s);
    }
    const v = validityFinding(c, i, label, now);
    if (v) findings.push(v);
  });

  if (!leaf.hasSubjectAltName || (leaf.subjectAltNames.dns.length === 0 && leaf.subjectAltNames.ip.length === 0)) {
    findings.push({
      code: 'missing-san', severity: 'warning', certIndex: 0,
      message: `The server certificate has no Subject Alternative Name; it names the host only in its CN${leaf.subject.commonName ? ` ("${leaf.subject.commonName}")` : ''}. Modern clients ignore the CN, so request a certificate with DNS (and IP) SANs.`,
    });
  }

  if (hostname) {
    const cov = coverName(hostname, leaf.subjectAltNames, leaf.subject.commonName);
    if (!cov.covered) {
      findings.push({
        code: 'hostname-mismatch', severity: 'error', certIndex: 0,
        message: `The server certificate does not cover "${hostname}": it is valid for ${listNames(leaf)}. Clients connecting by that name will reject it.`,
      });
    }
  }
  return findings;
}

/** `DNS:esx01.lab.local, IP:10.0.0.5` or `CN:esx01 only`. */
export function listNames(c: CertificateInfo): string {
  const names = [...c.subjectAltNames.dns.map((d) => `DNS:${d}`), ...c.subjectAltNames.ip.map((d) => `IP:${d}`)];
  if (names.length) return names.join(', ');
  return c.subject.commonName ? `CN "${c.subject.commonName}" only (no SAN)` : 'no name at all';
}

export function worstSeverity(findings: readonly Finding[]): 'error' | 'warning' | 'info' | 'none' {
  if (findings.some((f) => f.severity === 'error')) return 'error';
  if (findings.some((f) => f.severity === 'warning')) return 'warning';
  return findings.length ? 'info' : 'none';
}
