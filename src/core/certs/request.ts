/**
 * Private key + certificate signing request (PKCS#10) for an ESX(i) host or a vCenter, and the text an
 * administrator needs to get it signed by a Microsoft CA.
 *
 * Keys come from Node's native `crypto.generateKeyPair`, asynchronously (the extension host stays
 * responsive). node-forge's pure-JS keygen (forge.options.usePureJavaScript; without it forge itself
 * calls Node's native keygen) took a median 2.4 s for RSA-2048 + CSR against 0.16 s for ours, and
 * varies from 1 to 5 s with the prime search (bench/certs.ts, 2-core machine). The CSR is assembled
 * with node-forge and signed with the native key, so the key is never converted into forge's
 * big-integer form here.
 *
 * Key formats: we hand out both PKCS#8 (`BEGIN PRIVATE KEY`) and traditional PKCS#1
 * (`BEGIN RSA PRIVATE KEY`). Use PKCS#1 for `rui.key`: VMware's vCenter Server Appliance 5.1 KB
 * (2036744) states only PKCS#1 is supported by all components and gives `openssl rsa` to convert,
 * and the OpenSSL 0.9.8 that the ESX(i) 4/5 guides use writes PKCS#1.
 */
import { LabError } from '../errors';
import { generateKeyPair as nodeGenerateKeyPair, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import * as forge from 'node-forge';
import { canonicalIp, isIpAddress, normaliseDnsName } from './hostname';
import { fromDer } from './x509';
import type { MicrosoftCaInstructions } from './types';

export type { MicrosoftCaInstructions };

export const RSA_SIZES = [2048, 3072, 4096] as const;
export type RsaBits = (typeof RSA_SIZES)[number];

export interface SubjectFields {
  /** Common name: the host's FQDN. */
  readonly cn: string;
  readonly o?: string;
  readonly ou?: string;
  readonly l?: string;
  readonly st?: string;
  /** Two-letter country code. */
  readonly c?: string;
  readonly email?: string;
}

export interface CsrOptions extends SubjectFields {
  /** DNS names and IP addresses for the SAN extension; default {@link suggestSans}(cn). */
  readonly sans?: readonly string[];
  /** Add keyUsage dataEncipherment (VMware's KBs ask for it on the Web Server template). Default true. */
  readonly dataEncipherment?: boolean;
  /** Add extendedKeyUsage clientAuth next to serverAuth. Default false. */
  readonly clientAuth?: boolean;
  /** Digest for the CSR's own signature. Default sha256. */
  readonly hash?: 'sha256' | 'sha384' | 'sha512';
}

export interface RequestOptions extends CsrOptions {
  readonly bits?: RsaBits;
}

export interface GeneratedRequest {
  /** PKCS#1 `BEGIN RSA PRIVATE KEY` — what rui.key should hold for ESX(i) 4/5 and vCenter 5.x. */
  readonly keyPkcs1Pem: string;
  /** PKCS#8 `BEGIN PRIVATE KEY` — for tools that want it. */
  readonly keyPkcs8Pem: string;
  readonly csrPem: string;
  readonly bits: number;
  readonly subject: string;
  readonly sans: { readonly dns: readonly string[]; readonly ip: readonly string[] };
}

export class RequestError extends LabError {
  constructor(message: string) {
    super('request', message);
    this.name = 'RequestError';
  }
}

/** FQDN, its short name, and the IP if given: the SAN list community practice uses for vSphere hosts. */
export function suggestSans(fqdn: string, ip?: string): string[] {
  const out: string[] = [];
  const name = normaliseDnsName(fqdn);
  if (isIpAddress(name)) out.push(name);
  else {
    out.push(name);
    const short = name.split('.')[0];
    if (short && short !== name) out.push(short);
  }
  if (ip && !out.includes(ip)) out.push(ip);
  return out;
}

/**
 * The SAN list with the common name first, always (browsers match the name only against the SANs
 * once the extension is present, so a CN left out of them is rejected; issue 14 item 2). The CN is
 * added when missing and moved to the front when given elsewhere; the rest keep their order.
 */
export function withCommonName(cn: string, sans: readonly string[]): string[] {
  const name = cn.trim();
  if (!name) return [...sans];
  const key = (x: string): string => {
    const e = x.trim().replace(/^(dns|ip):/i, '').replace(/^\[(.*)\]$/, '$1');
    return canonicalIp(e) ?? normaliseDnsName(e);
  };
  const k = key(name);
  return [name, ...sans.filter((x) => x.trim() && key(x) !== k)];
}

/** Splits a mixed SAN list into DNS names and IPs, dropping duplicates; throws on junk. */
export function splitSans(list: readonly string[]): { dns: string[]; ip: string[] } {
  const dns: string[] = [], ip: string[] = [];
  for (const raw of list) {
    const entry = raw.trim().replace(/^(dns|ip):/i, '');
    if (!entry) continue;
    const canon = canonicalIp(entry);
    if (canon !== undefined) {
      const text = entry.replace(/^\[(.*)\]$/, '$1');
      if (!ip.some((x) => canonicalIp(x) === canon)) ip.push(text);
      continue;
    }
    const name = normaliseDnsName(entry);
    if (!/^(\*\.)?[a-z0-9_]([a-z0-9_-]{0,62})?(\.[a-z0-9_]([a-z0-9_-]{0,62})?)*$/.test(name)) {
      throw new RequestError(`"${raw}" is neither a host name nor an IP address.`);
    }
    if (!dns.includes(name)) dns.push(name);
  }
  return { dns, ip };
}

/** Native RSA key generation (async, off the main thread in OpenSSL). */
export function generateRsaKey(bits: number): Promise<KeyObject> {
  return new Promise((resolve, reject) => {
    nodeGenerateKeyPair('rsa', { modulusLength: bits, publicExponent: 0x10001 }, (err, _pub, priv) => {
      if (err) reject(new RequestError(`Generating a ${bits}-bit RSA key failed: ${err.message}`));
      else resolve(priv);
    });
  });
}

/** Converts a Node key to node-forge's form (for PKCS#12 and other forge APIs). */
export function toForgePrivateKey(key: KeyObject | string): forge.pki.rsa.PrivateKey {
  const obj = typeof key === 'string' ? createPrivateKey(key) : key;
  if (obj.asymmetricKeyType !== 'rsa') throw new RequestError(`Only RSA keys are supported here (got ${obj.asymmetricKeyType}).`);
  return forge.pki.privateKeyFromPem(obj.export({ type: 'pkcs1', format: 'pem' }) as string) as forge.pki.rsa.PrivateKey;
}

/** Generates a key and a CSR. */
export async function createRequest(options: RequestOptions): Promise<GeneratedRequest> {
  const bits = options.bits ?? 2048;
  if (!RSA_SIZES.includes(bits)) throw new RequestError(`Key size ${bits} is not offered; choose 2048, 3072 or 4096.`);
  validateSubject(options);
  const key = await generateRsaKey(bits);
  return requestForKey(key, options);
}

/** Builds a CSR for an existing RSA key (e.g. to re-request with other SANs). */
export function requestForKey(key: KeyObject | string, options: CsrOptions): GeneratedRequest {
  validateSubject(options);
  const priv = typeof key === 'string' ? createPrivateKey(key) : key;
  if (priv.asymmetricKeyType !== 'rsa') throw new RequestError(`The key is ${priv.asymmetricKeyType}; vSphere of this era needs RSA.`);
  const sans = splitSans(withCommonName(options.cn, options.sans ?? suggestSans(options.cn)));
  const cnIsIp = canonicalIp(options.cn.trim()) !== undefined;
  const hash = options.hash ?? 'sha256';

  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(createPublicKey(priv).export({ type: 'spki', format: 'pem' }) as string);
  csr.setSubject(subjectAttributes(options));
  const extensions: object[] = [
    {
      name: 'keyUsage', critical: true,
      digitalSignature: true, keyEncipherment: true,
      ...(options.dataEncipherment === false ? {} : { dataEncipherment: true }),
    },
    { name: 'extKeyUsage', serverAuth: true, ...(options.clientAuth ? { clientAuth: true } : {}) },
  ];
  if (sans.dns.length || sans.ip.length) {
    extensions.push({
      name: 'subjectAltName',
      // The CN's own kind goes first so the CN is the first SAN.
      altNames: cnIsIp
        ? [...sans.ip.map((ip) => ({ type: 7, ip })), ...sans.dns.map((value) => ({ type: 2, value }))]
        : [...sans.dns.map((value) => ({ type: 2, value })), ...sans.ip.map((ip) => ({ type: 7, ip }))],
    });
  }
  csr.setAttributes([{ name: 'extensionRequest', extensions }]);

  // Sign with the native key: forge would need the private key in its own (slow) form.
  // getCertificationRequestInfo exists in forge 1.x but is missing from its typings.
  const pki = forge.pki as unknown as { getCertificationRequestInfo(c: forge.pki.Certificate | object): forge.asn1.Asn1 };
  const cri = pki.getCertificationRequestInfo(csr);
  const tbs = Buffer.from(forge.asn1.toDer(cri).getBytes(), 'binary');
  const signature = sign(hash, tbs, priv);
  const mutable = csr as unknown as { certificationRequestInfo: forge.asn1.Asn1; signatureOid: string; signature: string };
  mutable.certificationRequestInfo = cri;
  mutable.signatureOid = forge.pki.oids[`${hash}WithRSAEncryption`];
  mutable.signature = signature.toString('binary');
  const csrPem = forge.pki.certificationRequestToPem(csr).replace(/\r\n/g, '\n');

  return {
    keyPkcs1Pem: priv.export({ type: 'pkcs1', format: 'pem' }) as string,
    keyPkcs8Pem: priv.export({ type: 'pkcs8', format: 'pem' }) as string,
    csrPem,
    bits: priv.asymmetricKeyDetails?.modulusLength ?? 0,
    subject: subjectAttributes(options).map((a) => `${a.shortName}=${a.value}`).join(', '),
    sans,
  };
}

function validateSubject(s: SubjectFields): void {
  if (!s.cn || !s.cn.trim()) throw new RequestError('The common name (the host FQDN) is required.');
  if (s.c !== undefined && s.c !== '' && !/^[A-Za-z]{2}$/.test(s.c)) throw new RequestError(`Country "${s.c}" must be a two-letter code such as US or DE.`);
  for (const [k, v] of Object.entries(s)) {
    if (typeof v === 'string' && v.length > 64 && k !== 'email') throw new RequestError(`${k.toUpperCase()} is longer than 64 characters, which CAs refuse.`);
  }
}

function subjectAttributes(s: SubjectFields): { shortName: string; value: string }[] {
  const out: { shortName: string; value: string }[] = [];
  const add = (shortName: string, value: string | undefined): void => {
    if (value !== undefined && value.trim() !== '') out.push({ shortName, value: value.trim() });
  };
  add('C', s.c?.toUpperCase());
  add('ST', s.st);
  add('L', s.l);
  add('O', s.o);
  add('OU', s.ou);
  add('CN', s.cn);
  add('E', s.email);
  return out;
}

// ---------------------------------------------------------------- reading a CSR back

export interface CsrInfo {
  readonly subject: string;
  readonly commonName?: string;
  readonly sans: { readonly dns: readonly string[]; readonly ip: readonly string[] };
  readonly keyUsage: readonly string[];
  readonly extendedKeyUsage: readonly string[];
  readonly keyBits: number;
  readonly signatureAlgorithm: string;
  /** The CSR's self-signature verifies with its own public key. */
  readonly signatureValid: boolean;
}

/** Reads a PEM CSR back (for the wizard's review step and for tests). */
/** The public key of a CSR, SPKI DER (to match the certificate a CA issued for a host's own CSR). */
export function requestPublicKeyDer(pem: string): Buffer {
  const csr = forge.pki.certificationRequestFromPem(pem);
  return Buffer.from(forge.asn1.toDer(forge.pki.publicKeyToAsn1(csr.publicKey as forge.pki.rsa.PublicKey)).getBytes(), 'binary');
}

export function describeRequest(pem: string): CsrInfo {
  const csr = forge.pki.certificationRequestFromPem(pem);
  const attrs = csr.subject.attributes;
  const subject = attrs.map((a) => `${a.shortName ?? a.name}=${String(a.value)}`).join(', ');
  const cn = attrs.find((a) => a.shortName === 'CN')?.value as string | undefined;
  const ext = (csr.getAttribute({ name: 'extensionRequest' }) as { extensions?: Record<string, unknown>[] } | null)?.extensions ?? [];
  const ku = ext.find((e) => e.name === 'keyUsage') ?? {};
  const eku = ext.find((e) => e.name === 'extKeyUsage') ?? {};
  const san = (ext.find((e) => e.name === 'subjectAltName')?.altNames ?? []) as { type: number; value: string; ip?: string }[];
  const KU = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'];
  const EKU = ['serverAuth', 'clientAuth', 'codeSigning', 'emailProtection', 'timeStamping'];
  // Verify the self-signature natively, from the DER (works for any digest).
  const der = Buffer.from(forge.pem.decode(pem)[0].body, 'binary');
  const root = fromDer(der.toString('binary'));
  const [criNode, algNode, sigNode] = root.value as forge.asn1.Asn1[];
  const criDer = Buffer.from(forge.asn1.toDer(criNode).getBytes(), 'binary');
  const algOid = forge.asn1.derToOid((algNode.value as forge.asn1.Asn1[])[0].value as string);
  const algName = forge.pki.oids[algOid] ?? algOid;
  const hash = /^(sha\d+|md5)WithRSAEncryption$/.exec(algName)?.[1];
  const spki = forge.asn1.toDer(forge.pki.publicKeyToAsn1(csr.publicKey as forge.pki.rsa.PublicKey)).getBytes();
  const pub = createPublicKey({ key: Buffer.from(spki, 'binary'), format: 'der', type: 'spki' });
  let signatureValid: boolean;
  try {
    signatureValid = hash !== undefined && verify(hash, criDer, pub, Buffer.from((sigNode.value as string).slice(1), 'binary'));
  } catch {
    signatureValid = false;
  }
  return {
    subject,
    ...(cn !== undefined ? { commonName: cn } : {}),
    sans: {
      dns: san.filter((s) => s.type === 2).map((s) => s.value),
      ip: san.filter((s) => s.type === 7).map((s) => s.ip ?? ''),
    },
    keyUsage: KU.filter((k) => ku[k] === true),
    extendedKeyUsage: EKU.filter((k) => eku[k] === true),
    keyBits: pub.asymmetricKeyDetails?.modulusLength ?? 0,
    signatureAlgorithm: algName,
    signatureValid,
  };
}

// ---------------------------------------------------------------- Microsoft CA

export interface MicrosoftCaOptions {
  /** Certificate template name (not display name). Default `WebServer`. */
  readonly template?: string;
  /** CA config string `CAHOST\CA Name`; when absent certreq shows a picker. */
  readonly caConfig?: string;
  /** Web enrollment host for http://CA/certsrv. Default `CA`. */
  readonly caHost?: string;
  /** Ask the CA to add these SANs as a request attribute (CA must allow it). */
  readonly sanAttribute?: { readonly dns: readonly string[]; readonly ip: readonly string[] };
  readonly csrFile?: string;
  readonly certFile?: string;
}

function quoteWin(arg: string): string {
  return /[\s"]/.test(arg) ? `"${arg.replace(/"/g, '\\"')}"` : arg;
}

/** Text and commands for getting the CSR signed by a Microsoft Windows CA. */
export function microsoftCaInstructions(opts: MicrosoftCaOptions = {}): MicrosoftCaInstructions {
  const template = opts.template ?? 'WebServer';
  const csr = opts.csrFile ?? 'rui.csr';
  const crt = opts.certFile ?? 'rui.crt';
  const config = opts.caConfig ? ` -config ${quoteWin(opts.caConfig)}` : '';
  const caHost = opts.caHost ?? 'CA';
  const submitCommand = `certreq -submit${config} -attrib "CertificateTemplate:${template}" ${quoteWin(csr)} ${quoteWin(crt)}`;
  let submitWithSanCommand: string | undefined;
  if (opts.sanAttribute && (opts.sanAttribute.dns.length || opts.sanAttribute.ip.length)) {
    const san = [...opts.sanAttribute.dns.map((d) => `dns=${d}`), ...opts.sanAttribute.ip.map((i) => `ipaddress=${i}`)].join('&');
    // certreq separates attributes with a literal \n inside the one quoted argument.
    submitWithSanCommand = `certreq -submit${config} -attrib "CertificateTemplate:${template}\\nSAN:${san}" ${quoteWin(csr)} ${quoteWin(crt)}`;
  }
  return {
    submitCommand,
    ...(submitWithSanCommand ? { submitWithSanCommand } : {}),
    pendingSteps: [
      'If certreq answers that the request is pending, note the RequestId it prints.',
      'A CA manager approves it: in the Certification Authority console (Pending Requests → Issue), or on the CA with `certutil -resubmit <RequestId>`.',
      `Then fetch the certificate: \`certreq -retrieve${config} <RequestId> ${crt}\`.`,
      `To get the CA chain too: \`certutil${config} -ca.chain cachain.p7b\` (or download it from http://${caHost}/certsrv → "Download a CA certificate, certificate chain, or CRL").`,
    ],
    webEnrollmentSteps: [
      `Open http://${caHost}/certsrv in a browser and sign in with a domain account allowed to enrol.`,
      'Choose "Request a certificate".',
      'Choose "advanced certificate request".',
      `Choose to submit a request using a base-64-encoded file, then paste the whole content of ${csr}, including the BEGIN and END lines.`,
      `Under Certificate Template pick "Web Server" (or the template your CA admin named, here "${template}").`,
      'Click Submit.',
      'Select "Base 64 encoded", then "Download certificate chain" and save the .p7b file (it holds the new certificate and the CA certificates).',
      'Import that .p7b file in the wizard (or with `vlab cert verify --cert certnew.p7b …`).',
    ],
    notes: [
      `"${template}" is the template's name, not its display name: the built-in "Web Server" template is named WebServer (no space).`,
      'A Windows CA normally ignores the SANs inside the CSR. If the issued certificate lacks them, either use a template that takes the subject from the request, or have the CA admin allow SAN request attributes (`certutil -setreg policy\\EditFlags +EDITF_ATTRIBUTESUBJECTALTNAME2`, then restart Certificate Services) and submit with the SAN variant (Microsoft TechNet "How to Request a Certificate With a Custom Subject Alternative Name").',
      'VMware\'s KBs ask for a template whose key usage includes digitalSignature, keyEncipherment and dataEncipherment; the CSR requests all three.',
    ],
  };
}
