/**
 * The files each product wants, and the deployment as data.
 *
 * - ESX(i): `/etc/vmware/ssl/rui.crt` (PEM) and `/etc/vmware/ssl/rui.key` (PEM), then a management
 *   agent restart (DOMAIN.md §2: docs.vmware.com vSphere security guide; thinkcloud.nl 2011-01-28).
 * - vCenter on Windows: `rui.crt`, `rui.key` and `rui.pfx` in `%ProgramData%\VMware\VMware
 *   VirtualCenter\SSL\`; the PFX password must be `testpassword` and its friendly name `rui` (DOMAIN.md §2).
 *
 * The PFX is PKCS#12 with the key in a pbeWithSHAAnd3-KeyTripleDES-CBC shrouded bag, the certificates
 * in a plain bag and a SHA-1 MAC: that is what Windows Server 2003/2008 import, and OpenSSL 3 reads it
 * without `-legacy` (its legacy provider is needed only for RC2-40, which we avoid on purpose).
 *
 * The deploy plan is pure data: an SSH executor (later) runs the steps in order and, when a step marked
 * `onFailure: 'rollback'` fails, runs `rollback`.
 */
import { shellQuote } from '../shell';
import { LabError } from '../errors';
import * as forge from 'node-forge';
import { verifyIssued, type FileInput } from './verify';
import { toForgePrivateKey } from './request';
import { readPrivateKey } from './verify';

export const VCENTER_PFX_PASSWORD = 'testpassword';
export const VCENTER_PFX_FRIENDLY_NAME = 'rui';
export const ESX_SSL_DIR = '/etc/vmware/ssl';
export const VCENTER_SSL_DIR = '%ProgramData%\\VMware\\VMware VirtualCenter\\SSL\\';

export interface OutputFile {
  readonly name: string;
  readonly contents: string | Buffer;
  /** Suggested POSIX mode for the local copy (keys 0600). */
  readonly mode: number;
  readonly description: string;
}

export interface CertificateSet {
  readonly cert: FileInput;
  readonly key: FileInput;
  readonly chain?: FileInput | readonly FileInput[];
}

export class FilesError extends LabError {
  constructor(message: string) {
    super('files', message);
    this.name = 'FilesError';
  }
}

/** Leaf, then the CA certificates in path order (intermediates first, root last), all PEM. */
function orderedPems(set: CertificateSet): { leaf: string; cas: string[]; root?: string; keyPkcs1: string } {
  const result = verifyIssued({ cert: set.cert, key: set.key, ...(set.chain !== undefined ? { chain: set.chain } : {}) });
  const keyCheck = result.checks.find((c) => c.id === 'key-match');
  if (keyCheck?.status === 'fail') throw new FilesError(keyCheck.details[0] ?? keyCheck.message);
  const cas = [...result.path.slice(1), ...result.unused].map((c) => c.pem);
  const last = result.path[result.path.length - 1];
  const key = readPrivateKey(set.key);
  if (key.asymmetricKeyType !== 'rsa') throw new FilesError(`The key is ${key.asymmetricKeyType}; vSphere of this era needs an RSA key.`);
  return {
    leaf: result.leaf.pem,
    cas,
    ...(result.path.length > 1 && last.isSelfSigned ? { root: last.pem } : {}),
    keyPkcs1: key.export({ type: 'pkcs1', format: 'pem' }) as string,
  };
}

export interface EsxFilesOptions extends CertificateSet {
  /** Append the intermediate CA certificates (not the root) to rui.crt. Default false. */
  readonly includeIntermediates?: boolean;
}

/** `rui.crt` and `rui.key` for an ESX(i) host. The key is written as PKCS#1 (see request.ts). */
export function buildEsxFiles(opts: EsxFilesOptions): OutputFile[] {
  const p = orderedPems(opts);
  const intermediates = p.cas.filter((c) => c !== p.root);
  const crt = opts.includeIntermediates ? [p.leaf, ...intermediates].join('') : p.leaf;
  return [
    { name: 'rui.crt', contents: crt, mode: 0o644, description: opts.includeIntermediates && intermediates.length ? 'Host certificate followed by the intermediate CA certificates (PEM)' : 'Host certificate (PEM)' },
    { name: 'rui.key', contents: p.keyPkcs1, mode: 0o600, description: 'Private key, PKCS#1 PEM (BEGIN RSA PRIVATE KEY)' },
  ];
}

export interface PfxOptions extends CertificateSet {
  /** Default `testpassword`, the only one vCenter 4/5 on Windows accepts. */
  readonly password?: string;
  /** Default `rui`. */
  readonly friendlyName?: string;
  /** Put the CA certificates in the PFX too. Default true. */
  readonly includeChain?: boolean;
}

/** Builds `rui.pfx` (PKCS#12, 3DES key bag, SHA-1 MAC). */
export function buildPfx(opts: PfxOptions): Buffer {
  const p = orderedPems(opts);
  const forgeKey = toForgePrivateKey(p.keyPkcs1);
  const pems = opts.includeChain === false ? [p.leaf] : [p.leaf, ...p.cas];
  const certs = pems.map((pem) => {
    try {
      return forge.pki.certificateFromPem(pem);
    } catch (err) {
      throw new FilesError(`A certificate cannot be put in the PFX (${(err as Error).message}); only RSA certificates are supported.`);
    }
  });
  const p12 = forge.pkcs12.toPkcs12Asn1(forgeKey, certs, opts.password ?? VCENTER_PFX_PASSWORD, {
    algorithm: '3des',
    friendlyName: opts.friendlyName ?? VCENTER_PFX_FRIENDLY_NAME,
    generateLocalKeyId: true,
    count: 2048,
  });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}

export interface VcenterFilesOptions extends PfxOptions {
  /** Name of the CA chain file. Default `cacert.pem`. */
  readonly chainFileName?: string;
}

/** `rui.crt`, `rui.key`, `rui.pfx` and the CA chain for vCenter Server on Windows. */
export function buildVcenterFiles(opts: VcenterFilesOptions): OutputFile[] {
  const p = orderedPems(opts);
  const files: OutputFile[] = [
    { name: 'rui.crt', contents: p.leaf, mode: 0o644, description: 'vCenter certificate (PEM)' },
    { name: 'rui.key', contents: p.keyPkcs1, mode: 0o600, description: 'Private key, PKCS#1 PEM (BEGIN RSA PRIVATE KEY)' },
    {
      name: 'rui.pfx', contents: buildPfx(opts), mode: 0o600,
      description: `PKCS#12 with friendly name "${opts.friendlyName ?? VCENTER_PFX_FRIENDLY_NAME}", password ${opts.password === undefined || opts.password === VCENTER_PFX_PASSWORD ? '"testpassword" (what vCenter expects)' : 'as given (vCenter 4/5 expects "testpassword")'}`,
    },
  ];
  if (p.cas.length) {
    files.push({ name: opts.chainFileName ?? 'cacert.pem', contents: p.cas.join(''), mode: 0o644, description: 'CA certificates, intermediates first, root last (PEM)' });
  }
  return files;
}

// ---------------------------------------------------------------- ESX(i) deploy plan

interface StepBase {
  readonly id: string;
  readonly title: string;
  /** 'abort': stop, nothing changed yet. 'rollback': run the plan's rollback steps. */
  readonly onFailure: 'abort' | 'rollback' | 'continue';
}
export type PlanStep =
  | (StepBase & { readonly kind: 'exec'; readonly command: string })
  | (StepBase & { readonly kind: 'upload'; readonly file: string; readonly remotePath: string; readonly mode: number })
  | (StepBase & { readonly kind: 'wait-for-host'; readonly port: number; readonly timeoutMs: number })
  | (StepBase & { readonly kind: 'check-thumbprint'; readonly port: number; readonly expectedSha256: string });

export interface DeployPlan {
  readonly host: string;
  readonly steps: readonly PlanStep[];
  readonly rollback: readonly PlanStep[];
  readonly backups: { readonly crt: string; readonly key: string };
  readonly notes: readonly string[];
}

export interface EsxPlanOptions {
  readonly host: string;
  /** SHA-256 thumbprint (`AA:BB:…`) of the new certificate, checked on the live host at the end. */
  readonly expectedSha256: string;
  /** Used for the backup file names; pass the clock (kept out of the function so it stays pure). */
  readonly timestamp: Date;
  /**
   * `hostd` → `/etc/init.d/hostd restart` (4.x: hostd serves port 443); `rhttpproxy+hostd` → hostd
   * then rhttpproxy (5.x+: rhttpproxy serves port 443, DOMAIN.md §7); `services.sh` → restart every
   * management agent. Default hostd.
   */
  readonly restart?: 'hostd' | 'rhttpproxy+hostd' | 'services.sh';
  readonly sslDir?: string;
  readonly port?: number;
  /** How long to wait for the host to answer TLS again. Default 180 s. */
  readonly waitTimeoutMs?: number;
}

const shq = shellQuote;

/** `20240501-120000` (UTC). */
export function backupStamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
}

/** The ordered steps to replace an ESX(i) host's certificate over SSH, with the way back. */
export function planEsxDeploy(opts: EsxPlanOptions): DeployPlan {
  const dir = (opts.sslDir ?? ESX_SSL_DIR).replace(/\/$/, '');
  const port = opts.port ?? 443;
  const stamp = backupStamp(opts.timestamp);
  const crt = `${dir}/rui.crt`, key = `${dir}/rui.key`;
  const bakCrt = `${crt}.${stamp}.bak`, bakKey = `${key}.${stamp}.bak`;
  const newCrt = `${crt}.new`, newKey = `${key}.new`;
  const restartCmd = opts.restart === 'services.sh' ? 'services.sh restart'
    : opts.restart === 'rhttpproxy+hostd' ? '/etc/init.d/hostd restart && /etc/init.d/rhttpproxy restart' : '/etc/init.d/hostd restart';
  const wait: PlanStep = { id: 'wait', kind: 'wait-for-host', title: `Wait for ${opts.host}:${port} to answer TLS again`, port, timeoutMs: opts.waitTimeoutMs ?? 180_000, onFailure: 'rollback' };
  const steps: PlanStep[] = [
    { id: 'precheck', kind: 'exec', title: `Check ${dir} holds rui.crt and rui.key`, command: `test -f ${shq(crt)} && test -f ${shq(key)}`, onFailure: 'abort' },
    { id: 'backup', kind: 'exec', title: 'Back up the current certificate and key', command: `cp -p ${shq(crt)} ${shq(bakCrt)} && cp -p ${shq(key)} ${shq(bakKey)}`, onFailure: 'abort' },
    { id: 'upload-crt', kind: 'upload', title: 'Upload the new certificate under a temporary name', file: 'rui.crt', remotePath: newCrt, mode: 0o644, onFailure: 'abort' },
    { id: 'upload-key', kind: 'upload', title: 'Upload the new key under a temporary name', file: 'rui.key', remotePath: newKey, mode: 0o600, onFailure: 'abort' },
    { id: 'install', kind: 'exec', title: 'Move the new files into place', command: `mv -f ${shq(newCrt)} ${shq(crt)} && mv -f ${shq(newKey)} ${shq(key)}`, onFailure: 'rollback' },
    { id: 'restart', kind: 'exec', title: `Restart the management ${opts.restart === 'rhttpproxy+hostd' ? 'agents' : 'agent'} (${restartCmd})`, command: restartCmd, onFailure: 'rollback' },
    wait,
    { id: 'verify', kind: 'check-thumbprint', title: 'Inspect the live certificate and compare its SHA-256 thumbprint', port, expectedSha256: opts.expectedSha256.toUpperCase(), onFailure: 'rollback' },
  ];
  const rollback: PlanStep[] = [
    { id: 'restore', kind: 'exec', title: 'Restore the backed-up certificate and key', command: `cp -p ${shq(bakCrt)} ${shq(crt)} && cp -p ${shq(bakKey)} ${shq(key)}`, onFailure: 'continue' },
    { id: 'cleanup', kind: 'exec', title: 'Remove temporary files', command: `rm -f ${shq(newCrt)} ${shq(newKey)}`, onFailure: 'continue' },
    { id: 'restart', kind: 'exec', title: `Restart the management ${opts.restart === 'rhttpproxy+hostd' ? 'agents' : 'agent'} (${restartCmd})`, command: restartCmd, onFailure: 'continue' },
    { ...wait, id: 'wait', onFailure: 'continue' },
  ];
  return {
    host: opts.host,
    steps,
    rollback,
    backups: { crt: bakCrt, key: bakKey },
    notes: [
      'Restarting hostd drops open vSphere Client sessions to this host; running VMs are not affected.',
      'The DCUI "Restart Management Agents" or a host reboot does the same as the restart step.',
      'If a vCenter manages this host, it may report that the host certificate changed; reconnect the host there if it disconnects.',
    ],
  };
}

// ---------------------------------------------------------------- vCenter (Windows) checklist

export interface ChecklistItem {
  readonly title: string;
  readonly detail: string;
  readonly command?: string;
  readonly source?: string;
}

export interface VcenterChecklistOptions {
  /** vCenter Server version family. Default '5.0'. */
  readonly version?: '4.0' | '4.1' | '5.0' | '5.1';
  /** Hosts that will need reconnecting (names shown in the checklist). */
  readonly hosts?: readonly string[];
  readonly timestamp?: Date;
}

/** The ordered manual steps for vCenter Server on Windows. */
export function vcenterChecklist(opts: VcenterChecklistOptions = {}): ChecklistItem[] {
  const version = opts.version ?? '5.0';
  const v5 = version.startsWith('5');
  const stamp = opts.timestamp ? backupStamp(opts.timestamp) : 'YYYYMMDD-HHMMSS';
  const guide = v5 ? 'vSphere 5.0 "Replacing Default vCenter Server 5.0 and ESXi Certificates"' : 'vSphere 4.0 U1 admin guide';
  const items: ChecklistItem[] = [
    {
      title: 'Back up the current SSL folder',
      detail: `Copy the whole folder ${VCENTER_SSL_DIR} aside so you can go back. (On Windows Server 2003 the folder is under %ALLUSERSPROFILE%\\Application Data\\ instead of %ProgramData%.)`,
      command: `xcopy "${VCENTER_SSL_DIR.replace(/\\$/, '')}" "${VCENTER_SSL_DIR.replace(/\\$/, '')}.${stamp}.bak\\" /E /I /K`,
    },
    {
      title: 'Stop the VMware VirtualCenter Server service',
      detail: 'In services.msc stop "VMware VirtualCenter Server" (this also stops the services that depend on it).',
      command: 'net stop vpxd',
    },
    {
      title: 'Copy the new files into the SSL folder',
      detail: `Replace rui.crt, rui.key and rui.pfx in ${VCENTER_SSL_DIR}. The PFX password must stay "testpassword" and its friendly name "rui".`,
      source: 'DOMAIN.md §2; vSphere 5.0 certificate guide ("Create the PFX File")',
    },
  ];
  if (v5) {
    items.push({
      title: 'Re-encrypt the database password',
      detail: 'vCenter keeps the database password encrypted with its certificate. Run vpxd with -p from the vCenter install folder and type the database password when asked.',
      command: '"%ProgramFiles%\\VMware\\Infrastructure\\VirtualCenter Server\\vpxd.exe" -p',
      source: `${guide}, "Update the vCenter Server Database Password"`,
    });
  } else {
    items.push({
      title: 'If the service will not start: re-enter the database password',
      detail: 'The database password is re-encrypted with the new certificate; if VirtualCenter Server then fails to log in to its database, run vpxd.exe -p and type the database password.',
      command: '"%ProgramFiles%\\VMware\\Infrastructure\\VirtualCenter Server\\vpxd.exe" -p',
      source: 'DOMAIN.md §2 (re-encryption of the database password)',
    });
  }
  items.push(
    {
      title: 'Start the services again',
      detail: 'Start "VMware VirtualCenter Server" and then "VMware VirtualCenter Management Webservices".',
      command: 'net start vpxd',
      source: v5 ? `${guide}, "Restart vCenter Server Services"` : undefined,
    },
    {
      title: 'Check that vCenter serves the new certificate',
      detail: 'Compare the SHA-256 thumbprint with the one of the new rui.crt; then accept (pin) the new certificate in vSphere Lab and in the vSphere Client.',
      command: 'vlab cert inspect <vcenter>:443',
      source: v5 ? `${guide}, "Verify the vCenter Server Certificate"` : undefined,
    },
    {
      title: 'Reconnect every host',
      detail: `The stored host passwords were encrypted with the old certificate, so the hosts show as disconnected. In the vSphere Client right-click each host → Connect and give its root credentials${opts.hosts?.length ? `: ${opts.hosts.join(', ')}` : ''}.`,
      source: 'vSphere 4.0 U1 admin guide, "Reconnecting hosts after changes to the vCenter Server SSL certificate" (DOMAIN.md §2)',
    },
  );
  return items.map((i) => (i.source === undefined ? { title: i.title, detail: i.detail, ...(i.command ? { command: i.command } : {}) } : i));
}
