/**
 * Reading certificates: PEM (one or many), DER, PKCS#7 (`.p7b`, DER or PEM — Microsoft CAs sometimes
 * label a PKCS#7 bundle `BEGIN CERTIFICATE`), and describing one certificate as plain data.
 *
 * Node's `X509Certificate` gives thumbprints, the public key and signature checks; the fields it does
 * not expose in a structured way (signature algorithm OID, name attributes in order, keyUsage bits,
 * basicConstraints, SAN entries) are read from the DER with node-forge's ASN.1 reader. We never use
 * forge's `certificateFromAsn1`, which refuses any key that is not RSA.
 */
import { LabError } from '../errors';
import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import * as forge from 'node-forge';
import { ipFromBytes } from './hostname';
import type {
  CertificateInfo, DistinguishedName, DistinguishedNameAttribute, KeyType, PublicKeyInfo,
  SignatureAlgorithmInfo, SubjectAltNames,
} from './types';

const asn1 = forge.asn1;
type Asn1 = forge.asn1.Asn1;

/** A certificate parsed once, with what chain building needs. */
export interface LoadedCertificate {
  readonly der: Buffer;
  readonly x509: X509Certificate;
  readonly info: CertificateInfo;
  /** DER of the subject and issuer Names, for exact issuer/subject linkage. */
  readonly subjectDer: Buffer;
  readonly issuerDer: Buffer;
}

export class CertificateParseError extends LabError {
  constructor(message: string) {
    super('certificateparse', message);
    this.name = 'CertificateParseError';
  }
}

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';

const NAME_SHORT: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.4': 'SN', '2.5.4.5': 'serialNumber', '2.5.4.6': 'C', '2.5.4.7': 'L',
  '2.5.4.8': 'ST', '2.5.4.9': 'street', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.12': 'title',
  '2.5.4.42': 'GN', '1.2.840.113549.1.9.1': 'E', '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
};

/** Signature algorithms by OID, named as OpenSSL prints them; the digest is read from the name ({@link digestOf}). */
const SIG_ALGS: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption', '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption', '1.3.14.3.2.29': 'sha1WithRSA',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption', '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption', '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss', '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224', '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384', '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10040.4.3': 'dsaWithSHA1', '2.16.840.1.101.3.4.3.2': 'dsa_with_SHA256',
  '1.3.101.112': 'ED25519', '1.3.101.113': 'ED448',
};

/** The digest a signature algorithm's name spells (`sha256WithRSAEncryption` → sha256); none for PSS (see its parameters) and EdDSA. */
function digestOf(name: string): string | undefined {
  return /md2|md5|sha1|sha224|sha256|sha384|sha512/i.exec(name)?.[0].toLowerCase();
}

const HASH_OIDS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512', '2.16.840.1.101.3.4.2.4': 'sha224',
};

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth', '1.3.6.1.5.5.7.3.2': 'clientAuth', '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection', '1.3.6.1.5.5.7.3.8': 'timeStamping', '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage', '1.3.6.1.4.1.311.10.3.3': 'msSGC', '2.16.840.1.113730.4.1': 'nsSGC',
};

export const KEY_USAGE_BITS = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement',
  'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
] as const;

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256, secp256k1: 256, secp384r1: 384, secp521r1: 521, secp224r1: 224, prime192v1: 192,
  brainpoolP256r1: 256, brainpoolP384r1: 384, brainpoolP512r1: 512,
};

// ---------------------------------------------------------------- reading files

/**
 * Every certificate in `input`, in file order, as DER. Accepts PEM text with any number of
 * certificate or PKCS#7 blocks (other blocks such as private keys are skipped), a DER certificate,
 * a DER PKCS#7 bundle, or bare base64 of either. Throws {@link CertificateParseError} when nothing
 * usable is found.
 */
export function readCertificates(input: string | Uint8Array): Buffer[] {
  if (input.length > MAX_CERT_TEXT_CHARS) {
    throw new CertificateParseError(`The input is larger than ${MAX_CERT_TEXT_CHARS / 1048576} MB; certificate files are a few KB. Check that it is the right file.`);
  }
  if (typeof input !== 'string') {
    const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (buf.length > 0 && buf[0] === 0x30) return expandDer(buf);
    input = decodeText(buf);
  }
  const text = input.replace(/^\uFEFF/, '');
  const blocks = pemBlocks(text);
  const out: Buffer[] = [];
  if (blocks.length > 0) {
    for (const [, label, body] of blocks) {
      if (!/CERTIFICATE|PKCS7|PKCS #7/.test(label) || /REQUEST/.test(label)) continue;
      out.push(...expandDer(base64Body(body)));
    }
    if (out.length === 0) {
      throw new CertificateParseError(`No certificate found: the file holds ${blocks.map((b) => b[1]).join(', ')} blocks.`);
    }
    return out;
  }
  const bare = text.replace(/\s+/g, '');
  if (/^[A-Za-z0-9+/]+=*$/.test(bare) && bare.length > 64) return expandDer(Buffer.from(bare, 'base64'));
  throw new CertificateParseError('No certificate found: expected PEM (BEGIN CERTIFICATE / BEGIN PKCS7), DER or a .p7b bundle.');
}

/** Largest certificate input read (PEM text, DER, a bundle): 16 MB. */
export const MAX_CERT_TEXT_CHARS = 16 * 1048576;
/** Most PEM blocks read from one input. */
export const MAX_PEM_BLOCKS = 10_000;

/**
 * The PEM blocks of a text as `[whole, label, body]`, in one pass: a BEGIN line that is never ended
 * is dropped when the next BEGIN starts (so many unterminated BEGIN lines cost linear time, where a
 * lazy regular expression scans to the end of the text for each of them).
 */
export function pemBlocks(text: string): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  const marker = /-----(BEGIN|END) ([A-Z0-9 ]{1,64})-----/g;
  let open: { label: string; bodyStart: number; start: number } | undefined;
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    if (m[1] === 'BEGIN') {
      open = { label: m[2], bodyStart: m.index + m[0].length, start: m.index };
    } else if (open && m[2] === open.label) {
      out.push([text.slice(open.start, m.index + m[0].length), open.label, text.slice(open.bodyStart, m.index)]);
      open = undefined;
      if (out.length > MAX_PEM_BLOCKS) throw new CertificateParseError(`More than ${MAX_PEM_BLOCKS} PEM blocks in one input; this is not a certificate file.`);
    }
  }
  return out;
}

function decodeText(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  return buf.toString('latin1');
}

function base64Body(body: string): Buffer {
  // Drop RFC 1421 headers (Proc-Type: …) if any, then whitespace.
  const lines = body.split(/\r?\n/).filter((l) => !/^[A-Za-z-]+:/.test(l.trim()));
  return Buffer.from(lines.join('').replace(/\s+/g, ''), 'base64');
}

/** One DER object: a certificate, or a PKCS#7 SignedData whose certificates we return. */
function expandDer(der: Buffer): Buffer[] {
  let node: Asn1;
  try {
    node = fromDer(der.toString('binary'), false);
  } catch (err) {
    throw new CertificateParseError(`Not a DER certificate or PKCS#7 bundle (${(err as Error).message}).`);
  }
  const kids = children(node);
  if (kids[0]?.type === asn1.Type.OID) {
    const oid = asn1.derToOid(kids[0].value as string);
    if (oid !== OID_SIGNED_DATA) throw new CertificateParseError(`PKCS#7 content ${oid} is not signedData; cannot take certificates from it.`);
    const signedData = children(children(kids[1])[0]);
    const certSet = signedData.find((c) => c.tagClass === asn1.Class.CONTEXT_SPECIFIC && c.type === 0);
    if (!certSet) throw new CertificateParseError('The PKCS#7 bundle contains no certificates.');
    return children(certSet).map((c) => Buffer.from(asn1.toDer(c).getBytes(), 'binary'));
  }
  if (kids.length !== 3 || kids[0].type !== asn1.Type.SEQUENCE) {
    throw new CertificateParseError('The data is DER but not an X.509 certificate.');
  }
  return [Buffer.from(asn1.toDer(node).getBytes(), 'binary')];
}

/**
 * forge's reader with BIT STRING contents left alone (forge otherwise tries to parse them as ASN.1).
 * The options object is accepted by forge 1.x at run time; its typings only declare `strict`.
 */
export function fromDer(binary: string, parseAllBytes = true): Asn1 {
  const read = asn1.fromDer as unknown as (b: forge.util.ByteStringBuffer, o: object) => Asn1;
  return read(forge.util.createBuffer(binary), { strict: true, parseAllBytes, decodeBitStrings: false });
}

function children(node: Asn1 | undefined): Asn1[] {
  return node && Array.isArray(node.value) ? (node.value as Asn1[]) : [];
}

// ---------------------------------------------------------------- describing

/** Parses one certificate (the first, if `input` holds several) into plain data. */
export function describeCertificate(input: string | Uint8Array): CertificateInfo {
  const [first] = readCertificates(input);
  return loadCertificate(first).info;
}

/** Parses a DER certificate. */
export function loadCertificate(der: Buffer): LoadedCertificate {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch (err) {
    throw new CertificateParseError(`Certificate cannot be parsed: ${(err as Error).message}`);
  }
  const root = fromDer(der.toString('binary'));
  const [tbs, sigAlgNode] = children(root);
  const t = children(tbs);
  let i = 0;
  let version = 1;
  if (t[0].tagClass === asn1.Class.CONTEXT_SPECIFIC && t[0].type === 0) {
    version = integerValue(children(t[0])[0]) + 1;
    i = 1;
  }
  const serialNode = t[i];
  const issuerNode = t[i + 2];
  const validity = children(t[i + 3]);
  const subjectNode = t[i + 4];
  const extensionsNode = t.slice(i + 6).find((n) => n.tagClass === asn1.Class.CONTEXT_SPECIFIC && n.type === 3);

  const subject = readName(subjectNode);
  const issuer = readName(issuerNode);
  const subjectDer = Buffer.from(asn1.toDer(subjectNode).getBytes(), 'binary');
  const issuerDer = Buffer.from(asn1.toDer(issuerNode).getBytes(), 'binary');
  const ext = readExtensions(extensionsNode);
  const selfIssued = subjectDer.equals(issuerDer);
  let selfSigned = false;
  if (selfIssued) {
    try { selfSigned = x509.verify(x509.publicKey); } catch { selfSigned = false; }
  }
  const serialHex = Buffer.from(serialNode.value as string, 'binary').toString('hex').toUpperCase().replace(/^(00)+(?=.)/, '');
  const info: CertificateInfo = {
    subject,
    issuer,
    serialNumber: serialHex,
    version,
    notBefore: readTime(validity[0], 'notBefore').toISOString(),
    notAfter: readTime(validity[1], 'notAfter').toISOString(),
    publicKey: keyInfo(x509.publicKey),
    signatureAlgorithm: readSigAlg(sigAlgNode),
    sha256Thumbprint: x509.fingerprint256.toUpperCase(),
    sha1Thumbprint: x509.fingerprint.toUpperCase(),
    hasSubjectAltName: ext.san !== undefined,
    subjectAltNames: ext.san ?? { dns: [], ip: [], email: [], uri: [] },
    isSelfSigned: selfSigned,
    isCA: ext.ca,
    ...(ext.pathLen !== undefined ? { pathLenConstraint: ext.pathLen } : {}),
    ...(ext.keyUsage ? { keyUsage: ext.keyUsage } : {}),
    ...(ext.eku ? { extendedKeyUsage: ext.eku } : {}),
    pem: toPem(der),
  };
  return { der, x509, info, subjectDer, issuerDer };
}

export function toPem(der: Buffer, label = 'CERTIFICATE'): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function integerValue(node: Asn1): number {
  const bytes = node.value as string;
  let v = 0;
  for (let k = 0; k < bytes.length; k++) v = v * 256 + bytes.charCodeAt(k);
  return v;
}

/**
 * A validity time, strictly: UTCTime `YYMMDDHHMM[SS]` or GeneralizedTime `YYYYMMDDHHMMSS[.f]`, then
 * `Z` or `±HHMM`. An impossible date (month 13, 31 April, 24:00, :60) is an error, never normalised
 * into another date (forge's readers roll month 13 into January of the next year).
 */
export function readTime(node: Asn1, field = 'validity'): Date {
  const text = typeof node?.value === 'string' ? node.value : '';
  const utc = node?.type === asn1.Type.UTCTIME;
  const re = utc
    ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/
    : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{4})$/;
  const m = re.exec(text);
  const bad = (): CertificateParseError => new CertificateParseError(`The certificate's ${field} time "${text.slice(0, 40).replace(/[^\x20-\x7e]/g, '?')}" is not a valid date; the certificate is malformed.`);
  if (!m) throw bad();
  let year = Number(m[1]);
  if (utc) year += year >= 50 ? 1900 : 2000; // RFC 5280 4.1.2.5.1
  const [mo, d, h, mi] = [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  const se = m[6] ? Number(m[6]) : 0;
  const frac = utc ? undefined : m[7];
  const zone = utc ? m[7] : m[8];
  const dim = new Date(Date.UTC(year, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > dim || h > 23 || mi > 59 || se > 59) throw bad();
  let offsetMin = 0;
  if (zone && zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(3, 5));
    if (oh > 23 || om > 59) throw bad();
    offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  return new Date(Date.UTC(year, mo - 1, d, h, mi, se, ms) - offsetMin * 60000);
}

function stringValue(node: Asn1): string {
  const raw = node.value as string;
  switch (node.type) {
    case asn1.Type.UTF8: return forge.util.decodeUtf8(raw);
    case asn1.Type.BMPSTRING: {
      let s = '';
      for (let k = 0; k + 1 < raw.length; k += 2) s += String.fromCharCode((raw.charCodeAt(k) << 8) | raw.charCodeAt(k + 1));
      return s;
    }
    default: return raw; // Printable, IA5, Teletex (treated as Latin-1)
  }
}

function readName(node: Asn1): DistinguishedName {
  const attributes: DistinguishedNameAttribute[] = [];
  for (const rdn of children(node)) {
    for (const atv of children(rdn)) {
      const [oidNode, valueNode] = children(atv);
      const oid = asn1.derToOid(oidNode.value as string);
      const name = NAME_SHORT[oid] ?? forge.pki.oids[oid] ?? oid;
      attributes.push({ name, oid, value: stringValue(valueNode) });
    }
  }
  const text = attributes.map((a) => `${a.name}=${a.value}`).join(', ');
  const cns = attributes.filter((a) => a.oid === '2.5.4.3');
  const commonName = cns.length ? cns[cns.length - 1].value : undefined;
  return commonName !== undefined ? { attributes, text, commonName } : { attributes, text };
}

function readSigAlg(node: Asn1): SignatureAlgorithmInfo {
  const [oidNode, params] = children(node);
  const oid = asn1.derToOid(oidNode.value as string);
  const known = SIG_ALGS[oid];
  let hash = known ? digestOf(known) : undefined;
  if (oid === '1.2.840.113549.1.1.10') {
    // RSASSA-PSS: hashAlgorithm [0] defaults to SHA-1.
    const hashNode = children(params).find((c) => c.tagClass === asn1.Class.CONTEXT_SPECIFIC && c.type === 0);
    const hashOid = hashNode ? asn1.derToOid(children(children(hashNode)[0])[0].value as string) : '1.3.14.3.2.26';
    hash = HASH_OIDS[hashOid];
  }
  const name = known ?? forge.pki.oids[oid] ?? oid;
  return hash ? { oid, name, hash } : { oid, name };
}

function keyInfo(key: KeyObject): PublicKeyInfo {
  const type = (key.asymmetricKeyType ?? 'unknown') as KeyType;
  const d = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa' || type === 'rsa-pss' || type === 'dsa') return { type, ...(d.modulusLength ? { bits: d.modulusLength } : {}) };
  if (type === 'ec') {
    const curve = d.namedCurve;
    const bits = curve ? CURVE_BITS[curve] : undefined;
    return { type, ...(curve ? { curve } : {}), ...(bits ? { bits } : {}) };
  }
  if (type === 'ed25519') return { type, bits: 256 };
  if (type === 'ed448') return { type, bits: 456 };
  return { type: KNOWN_KEY_TYPES.has(type) ? type : 'unknown' };
}
const KNOWN_KEY_TYPES = new Set<string>(['rsa', 'ec', 'dsa', 'ed25519', 'ed448', 'rsa-pss']);

interface Extensions {
  ca: boolean;
  pathLen?: number;
  keyUsage?: string[];
  eku?: string[];
  san?: SubjectAltNames;
}

function readExtensions(node: Asn1 | undefined): Extensions {
  const out: Extensions = { ca: false };
  for (const ext of children(children(node)[0])) {
    const parts = children(ext);
    const oid = asn1.derToOid(parts[0].value as string);
    const valueNode = parts[parts.length - 1];
    let inner: Asn1;
    try {
      inner = fromDer(valueNode.value as string);
    } catch {
      continue; // a malformed extension we do not interpret
    }
    switch (oid) {
      case '2.5.29.19': { // basicConstraints
        for (const c of children(inner)) {
          if (c.type === asn1.Type.BOOLEAN) out.ca = (c.value as string).charCodeAt(0) !== 0;
          else if (c.type === asn1.Type.INTEGER) out.pathLen = integerValue(c);
        }
        break;
      }
      case '2.5.29.15': { // keyUsage BIT STRING: first byte = unused bits
        const bytes = inner.value as string;
        const names: string[] = [];
        KEY_USAGE_BITS.forEach((name, bit) => {
          const byte = 1 + (bit >> 3);
          if (byte < bytes.length && (bytes.charCodeAt(byte) & (0x80 >> (bit & 7)))) names.push(name);
        });
        out.keyUsage = names;
        break;
      }
      case '2.5.29.37': // extendedKeyUsage
        out.eku = children(inner).map((c) => {
          const o = asn1.derToOid(c.value as string);
          return EKU_NAMES[o] ?? o;
        });
        break;
      case '2.5.29.17': { // subjectAltName
        const san = { dns: [] as string[], ip: [] as string[], email: [] as string[], uri: [] as string[] };
        for (const gn of children(inner)) {
          if (gn.tagClass !== asn1.Class.CONTEXT_SPECIFIC || gn.constructed) continue;
          const raw = gn.value as string;
          if (gn.type === 2) san.dns.push(raw);
          else if (gn.type === 7) san.ip.push(ipFromBytes(Buffer.from(raw, 'binary')));
          else if (gn.type === 1) san.email.push(raw);
          else if (gn.type === 6) san.uri.push(raw);
        }
        out.san = san;
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** The SPKI DER of a public or private key given as PEM/DER/KeyObject (for key-match checks). */
export function spkiOf(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}
