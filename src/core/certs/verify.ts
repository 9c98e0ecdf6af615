/**
 * Importing what the CA returned and checking it before anything is deployed: the certificate
 * matches our private key, chains to a root in the supplied chain, covers every host name, is valid
 * now, is meant for TLS servers, and has no weak key or signature. Each problem is explained so an
 * administrator knows what to fix.
 */
import { LabError } from '../errors';
import { createPrivateKey, createHash, type KeyObject } from 'node:crypto';
import { coverName, type NameCoverage } from './hostname';
import { describeCertShort, formatDate, keySizeFinding, listNames, signatureFinding, validityFinding } from './analyse';
import { loadCertificate, readCertificates, spkiOf, type LoadedCertificate } from './x509';
import type { CertificateInfo, Finding } from './types';

export type FileInput = string | Uint8Array;

export interface VerifyInput {
  /** The issued certificate: PEM, DER or a .p7b that may also hold the CA certificates. */
  readonly cert: FileInput;
  /** Private key PEM (PKCS#1 or PKCS#8, unencrypted). Without it the key check is skipped. */
  readonly key?: FileInput;
  /** CA certificates: one file or several (PEM bundle, DER, .p7b). */
  readonly chain?: FileInput | readonly FileInput[];
  /** Names clients will use: FQDN, short name, IP. */
  readonly hostnames?: readonly string[];
  readonly now?: Date;
}

export type CheckId = 'key-match' | 'chain' | 'names' | 'validity' | 'usage' | 'key-size' | 'signature';
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skipped';

export interface VerifyCheck {
  readonly id: CheckId;
  readonly status: CheckStatus;
  /** One-line summary. */
  readonly message: string;
  /** Each problem, precisely (failures first, then warnings). */
  readonly details: readonly string[];
  readonly failures?: readonly string[];
  readonly warnings?: readonly string[];
}

export interface VerifyResult {
  /** No check failed (warnings allowed). */
  readonly ok: boolean;
  readonly leaf: CertificateInfo;
  /** The certification path built: leaf, intermediates, root (as far as it could be built). */
  readonly path: readonly CertificateInfo[];
  /** Certificates supplied that are not on the path. */
  readonly unused: readonly CertificateInfo[];
  readonly names: readonly NameCoverage[];
  readonly checks: readonly VerifyCheck[];
  /** Every failure and warning as findings (severity error / warning). */
  readonly findings: readonly Finding[];
}

export class VerifyInputError extends LabError {
  constructor(message: string) {
    super('verifyinput', message);
    this.name = 'VerifyInputError';
  }
}

/** Reads the private key; explains encrypted or unreadable keys. */
export function readPrivateKey(input: FileInput): KeyObject {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  if (/ENCRYPTED/.test(text)) {
    throw new VerifyInputError('The private key is encrypted with a passphrase; ESX(i) needs an unencrypted key. Decrypt it first (openssl rsa -in rui.key -out rui-plain.key).');
  }
  try {
    return text.includes('-----BEGIN')
      ? createPrivateKey(text)
      : createPrivateKey({ key: Buffer.from(typeof input === 'string' ? Buffer.from(input, 'latin1') : input), format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new VerifyInputError(`The private key cannot be read: ${(err as Error).message}`);
  }
}

export interface ImportedCertificates {
  readonly leaf: LoadedCertificate;
  /** All other certificates, de-duplicated, in the order found. */
  readonly others: readonly LoadedCertificate[];
}

/**
 * Reads the certificate file(s) and picks the server certificate: the one matching `key` if given,
 * else the single certificate of `cert`, else the one in `cert` that issued no other.
 */
export function importCertificates(cert: FileInput, chain: readonly FileInput[] = [], key?: KeyObject): ImportedCertificates {
  const fromCert = readCertificates(cert).map(loadCertificate);
  const seen = new Set<string>();
  const all: LoadedCertificate[] = [];
  for (const c of [...fromCert, ...chain.flatMap((f) => readCertificates(f).map(loadCertificate))]) {
    if (seen.has(c.info.sha256Thumbprint)) continue;
    seen.add(c.info.sha256Thumbprint);
    all.push(c);
  }
  let leaf: LoadedCertificate | undefined;
  if (key) {
    const spki = spkiOf(key);
    leaf = fromCert.find((c) => spkiOf(c.x509.publicKey).equals(spki));
  }
  if (!leaf && fromCert.length === 1) leaf = fromCert[0];
  if (!leaf) {
    const issuesOthers = (c: LoadedCertificate): boolean => all.some((o) => o !== c && o.issuerDer.equals(c.subjectDer));
    leaf = fromCert.find((c) => !c.info.isCA && !issuesOthers(c)) ?? fromCert.find((c) => !issuesOthers(c)) ?? fromCert[0];
  }
  const chosen = leaf;
  return { leaf: chosen, others: all.filter((c) => c.info.sha256Thumbprint !== chosen.info.sha256Thumbprint) };
}

const MAX_DEPTH = 10;

function label(index: number, c: LoadedCertificate): string {
  if (index === 0) return `The server certificate ${describeCertShort(c.info)}`;
  return `CA certificate ${describeCertShort(c.info)}`;
}

/** Builds the certification path from the leaf through the pool; reports why it stops short. */
function buildPath(leaf: LoadedCertificate, pool: readonly LoadedCertificate[]): { path: LoadedCertificate[]; problems: string[]; warnings: string[] } {
  const path = [leaf];
  const problems: string[] = [];
  const warnings: string[] = [];
  let cur = leaf;
  for (;;) {
    const idx = path.length - 1;
    if (cur.subjectDer.equals(cur.issuerDer)) {
      if (idx === 0) {
        problems.push(`${label(0, cur)} is self-signed: it was not issued by a CA. Submit the CSR to your CA and import the certificate it returns.`);
      } else if (!cur.info.isSelfSigned) {
        problems.push(`${label(idx, cur)} looks like a root (issuer = subject) but its signature does not verify with its own key; the file is damaged.`);
      }
      break;
    }
    if (path.length > MAX_DEPTH) {
      problems.push(`The chain is longer than ${MAX_DEPTH} certificates; it probably loops.`);
      break;
    }
    const sameName = pool.filter((c) => c.subjectDer.equals(cur.issuerDer) && !path.includes(c));
    if (sameName.length === 0) {
      const missing = `"${cur.info.issuer.commonName ?? cur.info.issuer.text}"`;
      const hint = pool.length
        ? ` The chain you supplied holds only ${pool.map((r) => describeCertShort(r.info)).join(', ')}: either the CA certificate ${missing} is missing from it, or it is the chain of a different CA.`
        : ' No CA certificates were supplied.';
      problems.push(`${label(idx, cur)} was issued by "${cur.info.issuer.text}", but no certificate with that subject is in the chain, so it cannot be traced to a root.${hint} Add that CA's certificate (the .p7b chain download from the CA contains it).`);
      break;
    }
    const issuer = sameName.find((c) => safeVerify(cur, c));
    if (!issuer) {
      problems.push(`${label(idx, cur)} names "${cur.info.issuer.text}" as its issuer, and the chain has a certificate with that name (SHA-1 ${sameName[0].info.sha1Thumbprint}), but the signature does not verify with its key: it is a different CA certificate with the same name (for example a renewed or re-installed CA). Supply the CA certificate that actually issued it.`);
      break;
    }
    const iIdx = path.length;
    const selfSignedV1Root = issuer.info.isSelfSigned && issuer.info.version === 1;
    if (!issuer.info.isCA) {
      if (selfSignedV1Root) {
        warnings.push(`${label(iIdx, issuer)} is an old version-1 root without a basicConstraints extension; most clients still accept it as a trust anchor.`);
      } else {
        problems.push(`${label(iIdx, issuer)} signed ${describeCertShort(cur.info)} but is not a CA certificate (basicConstraints CA:TRUE is missing), so clients will not accept anything it issued.`);
      }
    }
    if (issuer.info.keyUsage && !issuer.info.keyUsage.includes('keyCertSign')) {
      problems.push(`${label(iIdx, issuer)} has a Key Usage without keyCertSign (${issuer.info.keyUsage.join(', ')}), so it may not sign certificates.`);
    }
    const casBelow = path.length - 1; // intermediate CAs between this issuer and the leaf
    if (issuer.info.pathLenConstraint !== undefined && casBelow > issuer.info.pathLenConstraint) {
      problems.push(`${label(iIdx, issuer)} allows ${issuer.info.pathLenConstraint} intermediate CA(s) below it (pathlen), but ${casBelow} are in this chain.`);
    }
    path.push(issuer);
    cur = issuer;
  }
  return { path, problems, warnings };
}

/**
 * The root among `anchors` that `chain` (leaf first, as served) leads to, or undefined when no
 * valid path from the leaf through the served certificates reaches one of them.
 */
export function chainsToAnchor(chain: readonly Buffer[], anchors: readonly Buffer[]): LoadedCertificate | undefined {
  if (chain.length === 0 || anchors.length === 0) return undefined;
  const [leaf, ...rest] = chain.map((d) => loadCertificate(d));
  const roots = anchors.map((d) => loadCertificate(d));
  const { path, problems } = buildPath(leaf, [...rest, ...roots]);
  if (problems.length) return undefined;
  const top = path[path.length - 1];
  return roots.find((r) => r.der.equals(top.der));
}

function safeVerify(child: LoadedCertificate, issuer: LoadedCertificate): boolean {
  try {
    return child.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

function check(id: CheckId, details: { fail: string[]; warn: string[] }, okMessage: string, failMessage: string, warnMessage?: string): VerifyCheck {
  const lists = { failures: details.fail, warnings: details.warn };
  if (details.fail.length) return { id, status: 'fail', message: failMessage, details: [...details.fail, ...details.warn], ...lists };
  if (details.warn.length) return { id, status: 'warn', message: warnMessage ?? okMessage, details: details.warn, ...lists };
  return { id, status: 'pass', message: okMessage, details: [] };
}

/** Runs every check. Throws {@link VerifyInputError} / CertificateParseError only for unreadable input. */
export function verifyIssued(input: VerifyInput): VerifyResult {
  const now = input.now ?? new Date();
  const key = input.key !== undefined ? readPrivateKey(input.key) : undefined;
  const chainFiles = input.chain === undefined ? [] : Array.isArray(input.chain) ? (input.chain as FileInput[]) : [input.chain as FileInput];
  const { leaf, others } = importCertificates(input.cert, chainFiles, key);
  const li = leaf.info;
  const built = buildPath(leaf, others);
  const path = built.path;
  const names = (input.hostnames ?? []).filter((n) => n.trim()).map((n) => coverName(n.trim(), li.subjectAltNames, li.subject.commonName));
  const checks: VerifyCheck[] = [
    keyMatchCheck(leaf, key),
    check('chain', { fail: built.problems, warn: built.warnings },
      `Chains to the root ${describeCertShort(path[path.length - 1].info)} through ${path.length - 2 > 0 ? `${path.length - 2} intermediate CA(s)` : 'no intermediate CA'}; every signature verifies.`,
      'The certificate does not chain to a root in the supplied chain.'),
    namesCheck(li, names),
    validityCheck(path, now),
    usageCheck(li),
    keySizeCheck(path),
    signatureCheck(path),
  ];
  const findings: Finding[] = checks.flatMap((c) => [
    ...(c.failures ?? []).map((message) => ({ code: c.id, severity: 'error' as const, message })),
    ...(c.warnings ?? []).map((message) => ({ code: c.id, severity: 'warning' as const, message })),
  ]);
  const onPath = new Set(path.map((c) => c.info.sha256Thumbprint));
  return {
    ok: !checks.some((c) => c.status === 'fail'),
    leaf: li,
    path: path.map((c) => c.info),
    unused: others.filter((c) => !onPath.has(c.info.sha256Thumbprint)).map((c) => c.info),
    names,
    checks,
    findings,
  };
}

/** 1. The certificate's public key is the public half of the private key. */
function keyMatchCheck(leaf: LoadedCertificate, key: KeyObject | undefined): VerifyCheck {
  if (!key) return { id: 'key-match', status: 'skipped', message: 'No private key given; key match not checked.', details: [] };
  if (spkiOf(key).equals(spkiOf(leaf.x509.publicKey))) return { id: 'key-match', status: 'pass', message: 'The certificate matches the private key.', details: [] };
  const keyBits = key.asymmetricKeyDetails?.modulusLength;
  return check('key-match', { warn: [], fail: [`The certificate's public key (${describeKey(leaf.info)}, SHA-256 of key ${keyHash(leaf.x509.publicKey)}) is not the public half of this private key (${key.asymmetricKeyType?.toUpperCase()}${keyBits ? ` ${keyBits}-bit` : ''}, ${keyHash(key)}). The CA issued it for another request; use the key generated together with the CSR you submitted, or submit a new CSR for this key.`] }, '', 'The certificate does not match the private key.');
}

/** 3. Every host name clients use is covered (by a SAN; CN-only coverage warns). */
function namesCheck(li: CertificateInfo, names: readonly NameCoverage[]): VerifyCheck {
  const fail: string[] = [], warn: string[] = [];
  const noSan = li.subjectAltNames.dns.length === 0 && li.subjectAltNames.ip.length === 0;
  for (const n of names) {
    if (!n.covered) {
      fail.push(`"${n.name}" is not in the certificate, which is valid for ${listNames(li)}.`);
    } else if (n.viaCommonName) {
      warn.push(`"${n.name}" matches only the CN; clients that ignore the CN (all current browsers) will reject it.`);
    }
  }
  if (noSan) {
    const msg = 'The certificate has no Subject Alternative Name at all: the CA did not copy the SANs from the request. Use a template that takes names from the request, or have the CA accept a SAN attribute and submit with the "SAN:dns=…&ipaddress=…" certreq variant.';
    (fail.length ? fail : warn).push(msg);
  }
  if (names.length === 0) {
    return noSan
      ? { id: 'names', status: 'warn', message: 'No host names given; coverage not checked.', details: warn, warnings: warn }
      : { id: 'names', status: 'skipped', message: 'No host names given; coverage not checked.', details: [] };
  }
  return check('names', { fail, warn },
    `Covers ${names.map((n) => `${n.name} (${n.matchedBy})`).join(', ')}.`,
    `Does not cover ${names.filter((n) => !n.covered).map((n) => `"${n.name}"`).join(', ')}.`);
}

/** Findings of one kind for each certificate on the path, split into failures (errors) and warnings. */
function pathFindings(path: readonly LoadedCertificate[], finding: (c: CertificateInfo, i: number, label: string) => Finding | undefined): { fail: string[]; warn: string[] } {
  const fail: string[] = [], warn: string[] = [];
  path.forEach((c, i) => {
    const f = finding(c.info, i, i === 0 ? 'The server certificate' : 'CA certificate');
    if (f) (f.severity === 'error' ? fail : warn).push(f.message);
  });
  return { fail, warn };
}

/** 4. Every certificate on the path is valid now. */
function validityCheck(path: readonly LoadedCertificate[], now: Date): VerifyCheck {
  const li = path[0].info;
  return check('validity', pathFindings(path, (c, i, label) => validityFinding(c, i, label, now)),
    `Valid now: ${formatDate(li.notBefore)} to ${formatDate(li.notAfter)}.`,
    'A certificate on the path is not valid at this date.');
}

/** 5. Extended key usage and key usage allow a TLS server. */
function usageCheck(li: CertificateInfo): VerifyCheck {
  const fail: string[] = [], warn: string[] = [];
  const eku = li.extendedKeyUsage;
  if (eku && !eku.includes('serverAuth') && !eku.includes('anyExtendedKeyUsage')) {
    fail.push(`The Extended Key Usage is ${eku.join(', ') || '(empty)'} without Server Authentication; it was issued from the wrong template. Use the Web Server template.`);
  }
  const ku = li.keyUsage;
  if (ku) {
    const rsa = li.publicKey.type === 'rsa';
    if (rsa && !ku.includes('digitalSignature') && !ku.includes('keyEncipherment')) {
      fail.push(`The Key Usage (${ku.join(', ') || 'empty'}) has neither digitalSignature nor keyEncipherment, so no TLS key exchange can use it.`);
    } else if (rsa && !ku.includes('keyEncipherment')) {
      warn.push(`The Key Usage (${ku.join(', ')}) lacks keyEncipherment, which clients using RSA key exchange (TLS 1.0 clients such as the vSphere 4 Client) need.`);
    } else if (!rsa && !ku.includes('digitalSignature') && !ku.includes('keyAgreement')) {
      fail.push(`The Key Usage (${ku.join(', ') || 'empty'}) lacks digitalSignature, which a ${li.publicKey.type.toUpperCase()} server key needs.`);
    }
  }
  if (li.isCA) warn.push('The certificate is itself a CA certificate (basicConstraints CA:TRUE); a server certificate should not be.');
  return check('usage', { fail, warn },
    `Usable for a TLS server (${eku ? `EKU ${eku.join(', ')}` : 'no EKU restriction'}${ku ? `; key usage ${ku.join(', ')}` : ''}).`,
    'The certificate is not meant for a TLS server.');
}

/** 6. Key sizes, leaf and CAs (the root's own key matters too since it signs). */
function keySizeCheck(path: readonly LoadedCertificate[]): VerifyCheck {
  return check('key-size', pathFindings(path, keySizeFinding), `Key: ${describeKey(path[0].info)}.`, 'A key on the path is too small.', 'A key on the path is under 2048 bits.');
}

/** 7. Signature digests (not the root's self-signature: clients never check it). */
function signatureCheck(path: readonly LoadedCertificate[]): VerifyCheck {
  const findings = pathFindings(path, (c, i, label) => (i > 0 && c.isSelfSigned ? undefined : signatureFinding(c, i, label)));
  return check('signature', findings, `Signed with ${path[0].info.signatureAlgorithm.name}.`, 'A signature on the path uses a broken digest.', 'A signature on the path uses SHA-1.');
}

function describeKey(c: CertificateInfo): string {
  const k = c.publicKey;
  if (k.type === 'ec') return `EC ${k.curve ?? ''}`.trim();
  return `${k.type.toUpperCase()}${k.bits ? ` ${k.bits}-bit` : ''}`;
}

function keyHash(key: KeyObject): string {
  return createHash('sha256').update(spkiOf(key)).digest('hex').slice(0, 16);
}
