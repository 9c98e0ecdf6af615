/**
 * `vlab cert …`: inspect a host's TLS certificate, make a key + CSR, check what the CA returned,
 * and build rui.pfx. The certificate core (and node-forge) is loaded only when a command runs.
 */
import { certsCore } from '../../core/certs/lazy';
import { makeOutputDir, readInputBytes as readInput, writeOutputFile } from '../files';
import { deploy, onHostOptions, requestOnHost } from './certDeploy';
import * as path from 'node:path';
import { LabError } from '../../core/errors';
import type { CliCommand, CliInvocation } from '../command';
import { CliFailure, emit, EXIT_FINDINGS, EXIT_OK, optionList as list, optionString as str, requiredOption as required, UsageError } from '../command';
import type { CertificateInfo, EndpointInspection, Finding } from '../../core/certs/types';
import type { VerifyResult } from '../../core/certs/verify';

/* The certificate core pulls in node-forge; it loads only when a cert command runs (core/lazy.ts). */
const core = certsCore;

/** Writes via a temp file + rename; refuses to replace an existing file unless `force`. */
function writeOutput(inv: CliInvocation, file: string, data: string | Buffer, mode: number, force: boolean): Promise<string> {
  return writeOutputFile(inv, file, data, { mode, force, why: 'a private key cannot be recovered' });
}

/** `--cert FILE --key FILE [--chain FILE …]`, described for the command that takes them. */
function certSetOptions(cert: string, key: string, chain: string): CliCommand['options'] {
  return {
    cert: { type: 'string', valueName: 'FILE', description: cert },
    key: { type: 'string', valueName: 'FILE', description: key },
    chain: { type: 'string', multiple: true, valueName: 'FILE', description: chain },
  };
}

/** The --cert and --key file names (usage error when one is missing); read them with readCertInputs. */
function certInputNames(inv: CliInvocation): { certFile: string; keyFile: string } {
  return { certFile: required(inv, 'cert'), keyFile: required(inv, 'key') };
}

/** The certificate, its key and every --chain CA certificate, read. */
async function readCertInputs(inv: CliInvocation, names: { certFile: string; keyFile: string }): Promise<{ cert: Buffer; key: Buffer; chain: Buffer[] }> {
  const cert = await readInput(inv, names.certFile);
  const key = await readInput(inv, names.keyFile);
  return { cert, key, chain: await Promise.all(list(inv.values.chain).map((f) => readInput(inv, f))) };
}

/** Library errors with a clear message (LabError) become CliFailure (exit 1); anything else propagates. */
function asFailure(e: unknown): never {
  if (e instanceof LabError) throw new CliFailure(e.message, e.code);
  throw e;
}

function sevTag(f: Finding): string {
  return f.severity === 'error' ? 'ERROR  ' : f.severity === 'warning' ? 'WARNING' : 'INFO   ';
}

function formatCert(c: CertificateInfo, index: number, extra = ''): string {
  const k = c.publicKey;
  const key = k.type === 'ec' ? `EC ${k.curve ?? ''} (${k.bits ?? '?'} bits)` : `${k.type.toUpperCase()} ${k.bits ?? '?'} bits`;
  const sans = [...c.subjectAltNames.dns.map((d) => `DNS:${d}`), ...c.subjectAltNames.ip.map((d) => `IP:${d}`)];
  const flags = [c.isSelfSigned ? 'self-signed' : '', c.isCA ? 'CA' : '', extra].filter(Boolean).join(', ');
  return [
    `[${index}] ${c.subject.text || '(empty subject)'}${flags ? `  (${flags})` : ''}`,
    `    Issuer:      ${c.issuer.text}`,
    `    Serial:      ${c.serialNumber}`,
    `    Valid:       ${c.notBefore.slice(0, 10)} to ${c.notAfter.slice(0, 10)}`,
    `    Key:         ${key}`,
    `    Signature:   ${c.signatureAlgorithm.name}`,
    `    SANs:        ${sans.length ? sans.join(', ') : '(none)'}`,
    `    SHA-256:     ${c.sha256Thumbprint}`,
    `    SHA-1:       ${c.sha1Thumbprint}`,
  ].join('\n');
}

function formatInspection(r: EndpointInspection): string {
  const lines = [`${r.host}:${r.port}${r.protocol ? `  ${r.protocol}` : ''}${r.cipher ? `  ${r.cipher}` : ''}`];
  lines.push(`Trusted by this machine: ${r.trust.authorized ? 'yes' : `no (${r.trust.error})`}`, '');
  r.chain.forEach((c, i) => lines.push(formatCert(c, i, c.inSystemTrustStore ? 'in the system trust store' : '')));
  lines.push('');
  if (r.findings.length === 0) lines.push('No findings.');
  else for (const f of r.findings) lines.push(`${sevTag(f)} ${f.message}`);
  return lines.join('\n');
}

const inspect: CliCommand = {
  path: ['cert', 'inspect'],
  summary: 'Show the certificate a host serves and what is wrong with it',
  synopsis: 'HOST[:PORT] [--servername NAME] [--ca FILE …] [--timeout SECONDS] [--json]',
  positionals: { min: 1, max: 1 },
  options: {
    servername: { type: 'string', valueName: 'NAME', description: 'TLS server name to send and to check the certificate against' },
    ca: { type: 'string', multiple: true, valueName: 'FILE', description: 'root of your private CA (PEM, DER or .p7b; repeat): a chain to it is "signed by your CA", not "untrusted"' },
    timeout: { type: 'string', valueName: 'SECONDS', description: 'give up after this long (default 10)' },
  },
  async run(inv) {
    const { inspectEndpoint, parseEndpoint } = core.inspect();
    const timeout = str(inv, 'timeout');
    const timeoutMs = timeout === undefined ? 10_000 : Number(timeout) * 1000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout must be a positive number of seconds, not "${timeout}"`);
    const privateRoots = await Promise.all(list(inv.values.ca).map(async (f) => {
      const bytes = await readInput(inv, f);
      try {
        if (core.inspect().readCertificates(bytes).length === 0) throw new Error('no certificate in it');
      } catch (e) {
        throw new UsageError(`--ca ${f}: not a CA certificate file (PEM, DER or .p7b): ${(e as Error).message}`);
      }
      return bytes;
    }));
    let result: EndpointInspection;
    try {
      const { host, port } = parseEndpoint(inv.positionals[0]);
      const servername = str(inv, 'servername');
      result = await inspectEndpoint(host, port, { timeoutMs, privateRoots, ...(servername ? { servername } : {}) });
    } catch (e) {
      asFailure(e);
    }
    emit(inv, result, () => formatInspection(result));
    return result.findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
  },
};

const request: CliCommand = {
  path: ['cert', 'request'],
  summary: 'Generate a private key (rui.key) and a certificate signing request (rui.csr)',
  synopsis: '--cn FQDN [--san NAME|IP …] [--bits 2048|3072|4096] [--o ORG] [--ou UNIT] [--l CITY] [--st STATE] [--c CC] --out DIR | --on-host HOST[:PORT] --user U [--password-env VAR] [--thumbprint T] --out DIR',
  options: {
    cn: { type: 'string', valueName: 'FQDN', description: 'common name: the host\'s fully qualified name' },
    san: { type: 'string', multiple: true, valueName: 'NAME|IP', description: 'subject alternative name (repeat); default: FQDN and short name' },
    bits: { type: 'string', valueName: 'N', description: 'RSA key size: 2048 (default), 3072 or 4096' },
    o: { type: 'string', valueName: 'ORG', description: 'organisation' },
    ou: { type: 'string', valueName: 'UNIT', description: 'organisational unit' },
    l: { type: 'string', valueName: 'CITY', description: 'locality' },
    st: { type: 'string', valueName: 'STATE', description: 'state or province' },
    c: { type: 'string', valueName: 'CC', description: 'two-letter country code' },
    out: { type: 'string', valueName: 'DIR', description: 'directory for rui.key and rui.csr' },
    template: { type: 'string', valueName: 'NAME', description: 'Microsoft CA template name for the printed certreq command (default WebServer)' },
    'client-auth': { type: 'boolean', description: 'also request the clientAuth extended key usage' },
    'no-data-encipherment': { type: 'boolean', description: 'leave dataEncipherment out of the key usage' },
    force: { type: 'boolean', description: 'overwrite an existing rui.key / rui.csr' },
    ...onHostOptions,
    'password-env': { type: 'string', valueName: 'VAR', description: 'with --on-host: environment variable holding the password (default VLAB_PASSWORD)' },
  },
  async run(inv) {
    if (str(inv, 'on-host') !== undefined) return requestOnHost(inv);
    const cn = required(inv, 'cn');
    const out = required(inv, 'out');
    const bitsText = str(inv, 'bits') ?? '2048';
    const bits = Number(bitsText);
    if (![2048, 3072, 4096].includes(bits)) throw new UsageError(`--bits must be 2048, 3072 or 4096, not "${bitsText}"`);
    const { createRequest, microsoftCaInstructions, splitSans } = core.request();
    const sans = list(inv.values.san);
    let generated;
    try {
      generated = await createRequest({
        cn, bits: bits as 2048,
        ...(sans.length ? { sans } : {}),
        ...Object.fromEntries(['o', 'ou', 'l', 'st', 'c'].flatMap((k) => (str(inv, k) !== undefined ? [[k, str(inv, k)]] : []))),
        clientAuth: inv.values['client-auth'] === true,
        dataEncipherment: inv.values['no-data-encipherment'] !== true,
      });
    } catch (e) {
      asFailure(e);
    }
    const dir = await makeOutputDir(inv, out);
    const force = inv.values.force === true;
    const keyFile = await writeOutput(inv, path.join(dir, 'rui.key'), generated.keyPkcs1Pem, 0o600, force);
    const csrFile = await writeOutput(inv, path.join(dir, 'rui.csr'), generated.csrPem, 0o644, force);
    const ms = microsoftCaInstructions({
      ...(str(inv, 'template') ? { template: str(inv, 'template') } : {}),
      sanAttribute: splitSans(generated.sans.dns.concat(generated.sans.ip)),
    });
    const data = { key: keyFile, csr: csrFile, keyFormat: 'PKCS#1 (BEGIN RSA PRIVATE KEY)', bits: generated.bits, subject: generated.subject, sans: generated.sans, certreq: ms.submitCommand, certreqWithSan: ms.submitWithSanCommand, csrPem: generated.csrPem };
    emit(inv, data, () => [
      `Wrote ${keyFile} (${generated.bits}-bit RSA, PKCS#1, mode 600) and ${csrFile}.`,
      `Subject: ${generated.subject}`,
      `SANs:    ${[...generated.sans.dns.map((d) => `DNS:${d}`), ...generated.sans.ip.map((i) => `IP:${i}`)].join(', ') || '(none)'}`,
      '',
      'Submit it to a Microsoft CA:',
      `  ${ms.submitCommand}`,
      ...(ms.submitWithSanCommand ? ['If the CA drops the SANs (and allows SAN attributes):', `  ${ms.submitWithSanCommand}`] : []),
      '',
      'Or use web enrolment:',
      ...ms.webEnrollmentSteps.map((s, i) => `  ${i + 1}. ${s}`),
      '',
      'Keep rui.key secret: it never leaves this machine except to the host it belongs to.',
    ].join('\n'));
    return EXIT_OK;
  },
};

function formatVerify(r: VerifyResult): string {
  const mark = { pass: 'ok  ', warn: 'WARN', fail: 'FAIL', skipped: '--  ' } as const;
  const lines = [`Certificate: ${r.leaf.subject.text}`, `Path:        ${r.path.map((c) => c.subject.commonName ?? c.subject.text).join(' → ')}`, ''];
  for (const c of r.checks) {
    lines.push(`${mark[c.status]} ${c.id.padEnd(10)} ${c.message}`);
    for (const d of c.details) lines.push(`            - ${d}`);
  }
  lines.push('', r.ok ? 'Ready to deploy.' : 'Not ready: fix the FAIL lines first.');
  return lines.join('\n');
}

const verify: CliCommand = {
  path: ['cert', 'verify'],
  summary: 'Check a signed certificate against its key, CA chain and host names',
  synopsis: '--cert FILE --key FILE [--chain FILE …] [--host NAME …] [--json]',
  options: {
    ...certSetOptions('the signed certificate (PEM, DER or the .p7b from the CA)', 'the private key made with the CSR (rui.key)', 'CA certificates (PEM bundle, DER or .p7b; repeat)'),
    host: { type: 'string', multiple: true, valueName: 'NAME', description: 'a name clients use: FQDN, short name, IP (repeat)' },
  },
  async run(inv) {
    const names = certInputNames(inv);
    const { verifyIssued } = core.verify();
    const { cert, key, chain } = await readCertInputs(inv, names);
    let r: VerifyResult;
    try {
      r = verifyIssued({ cert, key, chain, hostnames: list(inv.values.host) });
    } catch (e) {
      asFailure(e);
    }
    emit(inv, r, () => formatVerify(r));
    return r.ok ? EXIT_OK : EXIT_FINDINGS;
  },
};

const pfx: CliCommand = {
  path: ['cert', 'pfx'],
  summary: 'Build rui.pfx for vCenter Server on Windows (password testpassword, friendly name rui)',
  synopsis: '--cert FILE --key FILE [--chain FILE …] --out FILE [--password-env VAR] [--friendly-name NAME]',
  options: {
    ...certSetOptions('the signed certificate (PEM, DER or .p7b)', 'the private key (rui.key)', 'CA certificates to include (repeat)'),
    out: { type: 'string', valueName: 'FILE', description: 'where to write the PFX' },
    'password-env': { type: 'string', valueName: 'VAR', description: 'environment variable holding a custom PFX password (default testpassword, which vCenter 4/5 requires); never on the command line, where other users can read it' },
    'friendly-name': { type: 'string', valueName: 'NAME', description: 'friendly name (default rui)' },
    force: { type: 'boolean', description: 'overwrite an existing output file' },
  },
  async run(inv) {
    const names = certInputNames(inv);
    const out = required(inv, 'out');
    const { buildPfx, VCENTER_PFX_PASSWORD } = core.files();
    const { cert, key, chain } = await readCertInputs(inv, names);
    const envName = str(inv, 'password-env');
    let password = VCENTER_PFX_PASSWORD;
    if (envName !== undefined) {
      const v = inv.io.env[envName];
      if (v === undefined || v === '') throw new CliFailure(`environment variable ${envName} is not set or empty; export it with the PFX password.`, 'no-password');
      password = v;
    }
    const friendlyName = str(inv, 'friendly-name') ?? 'rui';
    let der: Buffer;
    try {
      der = buildPfx({ cert, key, chain, password, friendlyName });
    } catch (e) {
      asFailure(e);
    }
    const file = await writeOutput(inv, out, der, 0o600, inv.values.force === true);
    const note = password === VCENTER_PFX_PASSWORD ? '' : ' Note: vCenter Server 4/5 on Windows only accepts the password "testpassword".';
    emit(inv, { file, bytes: der.length, friendlyName, passwordIsDefault: password === VCENTER_PFX_PASSWORD, encryption: 'pbeWithSHAAnd3-KeyTripleDES-CBC, SHA-1 MAC' },
      `Wrote ${file} (${der.length} bytes; friendly name "${friendlyName}"; key encrypted with 3DES, SHA-1 MAC, as Windows Server 2003/2008 expect).${note}`);
    return EXIT_OK;
  },
};

export const commands: CliCommand[] = [inspect, request, verify, pfx, deploy];
