/**
 * The generation of a vSphere server (ESX 4.1 … ESXi 8.0, or the vCenter in front of them): read once
 * per connection from `ServiceContent.about` (or a host's `summary.config.product`, which has the
 * same fields) and compared in this one place. No feature parses a version string on its own: it
 * asks `gen.atLeast('6.0')` or a named capability below.
 *
 * Families: 4.0/4.1 → "4.x", 5.0/5.1/5.5 → "5.x", 6.0/6.5/6.7 → "6.x", 7.0 → "7.x", 8.0 → "8.x"
 * (any later major → "<major>.x"). Memory management has its own split: 4.x (thresholds by percent
 * of host memory), 5.x (minFree sliding scale, four states), 6.0 and later (a fifth state, clear).
 *
 * Facts that differ by generation, with their sources (see also ../../../../shared/DOMAIN.md §7):
 * - `hasRhttpproxy` (5.0+): since ESXi 5.x the host's port 443 is terminated by the reverse proxy
 *   `rhttpproxy`, so a certificate change needs it (or `services.sh restart`) restarted, not only
 *   hostd (DOMAIN.md §7 "Certificates"; VMware KB 2004340-era guides for ESXi 5.x certificates).
 * - `hasCertificateManager` (API 6.0+): `HostCertificateManager` (`HostConfigManager.certificateManager`)
 *   came with vSphere API 6.0 (Broadcom developer docs, vim.host.CertificateManager, "Since 6.0").
 *   It is an API-version fact, so it is read from `apiVersion`, not from the product version.
 *   (vcsim never offers it whatever it claims; callers must still handle its absence.)
 * - `certificateRestart` (SSH route): 4.x restarts hostd, which serves port 443 itself (DOMAIN.md §2,
 *   thinkcloud.nl 2011-01-28); 5.x+ restart rhttpproxy and hostd (DOMAIN.md §7; vSphere 6.x security
 *   guide, "Replace ESXi SSL Certificate and Key": `/etc/init.d/hostd restart` and
 *   `/etc/init.d/vpxa restart`, or `services.sh restart`, after the files are in place).
 * - `isVcenterAppliance`: a vCenter whose `about.osType` is Linux (the appliance), or any vCenter 7.0+
 *   (vCenter Server for Windows ended with 6.7: VMware KB 51791 "Farewell, vCenter Server for Windows").
 * - `hasVcenterTlsApi` (appliance, 7.0+): the REST API `/api/vcenter/certificate-management/vcenter/tls`
 *   and `…/trusted-root-chains` (developer.broadcom.com vSphere Automation API, "Certificate Management
 *   Vcenter APIs"; the Tls interface "was added in vSphere API 6.7.2", the `/api` prefix and
 *   `/api/session` in 7.0 U2; 6.5/6.7 appliances take the documented `vecs-cli` sequence instead).
 * - `hasVecsCli` (appliance 6.0+): VECS, store `MACHINE_SSL_CERT`, alias `__MACHINE_CERT`
 *   (vSphere 6.x security guide "Replace Machine SSL Certificate with Custom Certificate" / vecs-cli).
 * - `windowsChecklistVersion`: which vCenter-on-Windows guide the manual checklist follows
 *   ('4.0', '4.1', '5.0', '5.1'; later versions use the 5.1 wording) — core/certs/files.ts.
 * - `hasWebmksTicket` (API 6.0+): `VirtualMachine.AcquireTicket('webmks')`, the HTML5 console's
 *   ticket (VirtualMachineTicketType `webmks`, "Since vSphere API 6.0", Broadcom developer docs,
 *   vim.VirtualMachine.TicketType). Older servers offer only VMRC (a clone ticket). vcsim never
 *   implements AcquireTicket whatever it claims.
 * - `hasMemoryCompression` (4.1+): memory compression arrived with ESX 4.1 ("Understanding Memory
 *   Resource Management in VMware ESX 4.1", VMware white paper, 2010).
 * - `memoryStates`: "pct-of-host" (4.x: Mem.MinFreePct 6 % of host memory; yellow-bricks.com
 *   2011-03-17, VMware KB 1033687), "minfree" (5.x: sliding scale, frankdenneman.nl 2011-07-26
 *   "Mem.MinFreePct sliding scale function"), "minfree-clear" (6.0+: the clear state, Duncan Epping,
 *   yellow-bricks.com "vSphere 6.0 memory states"). The thresholds themselves: core/memory/state.ts.
 * - `pageSharingSalted`: whether inter-VM transparent page sharing is off by default
 *   (`Mem.ShareForceSalting` = 2). "no" for 4.x; "depends" for 5.x (on after ESXi 5.0 patch
 *   ESXi500-201502001, 5.1 Update 3, 5.5 patch ESXi550-201501001 — the exact update cannot be told from
 *   the version alone); "yes" for 6.0 GA and later (VMware KB 2097593 / Broadcom 323624, KB 2080735).
 *
 * Backup facts (issue 13; the rules that use them: core/backup/readiness.ts):
 * - `hasWindowsAppQuiesce` (4.1+): ESX/ESXi 4.1 brought application-consistent (VSS) quiescing of
 *   Windows Server 2008 guests, controlled by `disk.EnableUUID`, TRUE by default for VMs created on 4.1
 *   or later (VMware Data Recovery 2.0 Administration Guide, quiescing table; vknowledge.wordpress.com
 *   2010-08-18; VMware KB 1028881 on turning it off with disk.EnableUUID = FALSE).
 * - `vddk11BackupEra` (4.x): the backup appliances of the 4.x generation (Data Recovery 1.2 / 2.0) read
 *   disks with VDDK 1.1.x, which cannot open the second redo log an application-consistent snapshot
 *   leaves (VDDK 1.1.1 release notes; Data Recovery 2.0 guide). From vSphere 5.0 the backup path is
 *   VADP with VDDK 5.x, which reads those snapshots, so application-consistent quiescing is wanted.
 * - `reportsConsolidationNeeded` (API 5.0+): `VirtualMachineRuntimeInfo.consolidationNeeded` is "Since
 *   vSphere API 5.0" (vSphere Web Services API reference); 4.x servers cannot say it.
 * - `hasVmEncryption` (6.5+): VM Encryption (`config.keyId`) came with vSphere 6.5 ("What's New in
 *   vSphere 6.5: Security"; VDDK 6.5 Programming Guide, "Encrypted virtual machines": no SAN transport,
 *   HotAdd only through an encrypted proxy, NBDSSL otherwise).
 * - `hasVirtualTpm` (6.7+): vTPM 2.0 devices came with vSphere 6.7 Update 1 (vSphere 6.7 Security guide,
 *   "Securing Virtual Machines with Virtual Trusted Platform Module"). The family is used: a 6.7 GA host
 *   without Update 1 cannot be told from the version alone and simply has no vTPM devices to find.
 * - `cbtResetAdvised` (6.0.x): ESXi 6.0 before its fix could return wrong changed-block areas, so
 *   incremental backups taken after an upgrade to 6.0 may be corrupt until CBT is reset (VMware KB
 *   2136854; reset procedure KB 2139574). The fixed 6.0 build cannot be told from the version alone.
 */

/** The generations the lab can play and the CLI accepts (`--generation G`). */
export const KNOWN_GENERATIONS = ['4.1', '5.5', '6.7', '7.0', '8.0'] as const;
export type KnownGeneration = (typeof KNOWN_GENERATIONS)[number];

export type Family = `${number}.x`;
export type MemoryStateModel = 'pct-of-host' | 'minfree' | 'minfree-clear';
export type ProductKind = 'vcenter' | 'esxi' | 'esx' | 'unknown';
/** Inter-VM page sharing off by default (salting)? "depends" when the update level decides. */
export type SaltingDefault = 'no' | 'depends' | 'yes';

/** The fields of `AboutInfo` (and of a host's `config.product`) the model reads. */
export interface AboutLike {
  name?: string;
  fullName?: string;
  version: string;
  build?: string;
  apiVersion?: string;
  apiType?: string;
  productLineId?: string;
  /** `about.osType` ("win32-x64", "linux-x64", "vmnix-x86"…); tells a vCenter appliance from Windows. */
  osType?: string;
}

/** A JSON-safe picture of a generation (webview messages, CLI output, tooltips). */
export interface GenerationInfo {
  version: string;
  family: Family;
  known?: KnownGeneration;
  product: ProductKind;
  build?: string;
  apiVersion?: string;
  fullName?: string;
  memoryStates: MemoryStateModel;
  pageSharingSalted: SaltingDefault;
}

type Triple = [number, number, number];

function parseTriple(text: string | undefined): Triple | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function productOf(about: AboutLike): ProductKind {
  const line = about.productLineId ?? '';
  const name = `${about.name ?? ''} ${about.fullName ?? ''}`;
  if (line === 'vpx' || about.apiType === 'VirtualCenter' || /VirtualCenter|vCenter/i.test(name)) return 'vcenter';
  if (line === 'embeddedEsx' || /ESXi/i.test(name)) return 'esxi';
  if (line === 'esx' || /\bESX\b/i.test(name)) return 'esx';
  return 'unknown';
}

export class Generation {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly product: ProductKind;

  private constructor(private readonly v: Triple, readonly about: Readonly<AboutLike>) {
    [this.major, this.minor, this.patch] = v;
    this.product = productOf(about);
  }

  /** From `about` (or `config.product`); undefined when its version cannot be read. */
  static fromAbout(about: AboutLike): Generation | undefined {
    const v = parseTriple(about.version);
    return v ? new Generation(v, { ...about }) : undefined;
  }

  /** One of KNOWN_GENERATIONS ("8.0"), as an ESXi host of that generation; undefined otherwise. */
  static fromId(id: string): Generation | undefined {
    const t = id.trim();
    if (!(KNOWN_GENERATIONS as readonly string[]).includes(t)) return undefined;
    const major = Number(t.split('.')[0]);
    return Generation.fromAbout({ version: `${t}.0`, name: major < 5 ? 'VMware ESX' : 'VMware ESXi', productLineId: major < 5 ? 'esx' : 'embeddedEsx' });
  }

  /** The version string as the server gave it, e.g. "8.0.2". */
  get version(): string {
    return this.about.version;
  }

  /** True when this version is `version` ("6.0", "5.1.3") or later. */
  atLeast(version: string): boolean {
    const other = parseTriple(version);
    if (!other) throw new RangeError(`not a version: "${version}"`);
    return compare(this.v, other) >= 0;
  }

  /** True when the API version (`about.apiVersion`, else the product version) is `version` or later. */
  apiAtLeast(version: string): boolean {
    const api = parseTriple(this.about.apiVersion) ?? this.v;
    const other = parseTriple(version);
    if (!other) throw new RangeError(`not a version: "${version}"`);
    return compare(api, other) >= 0;
  }

  get family(): Family {
    return `${this.major}.x`;
  }

  /** The known generation of the same family (4.0 → 4.1, 6.5 → 6.7), if any. */
  get known(): KnownGeneration | undefined {
    return KNOWN_GENERATIONS.find((k) => Number(k.split('.')[0]) === this.major);
  }

  get hasRhttpproxy(): boolean {
    return this.atLeast('5.0');
  }

  get hasCertificateManager(): boolean {
    return this.apiAtLeast('6.0');
  }

  /** What the SSH route restarts so the new rui.crt is served (see the header). */
  get certificateRestart(): 'hostd' | 'rhttpproxy+hostd' {
    return this.hasRhttpproxy ? 'rhttpproxy+hostd' : 'hostd';
  }

  /** A vCenter appliance (Linux), as opposed to vCenter Server on Windows. */
  get isVcenterAppliance(): boolean {
    if (this.product !== 'vcenter') return false;
    const os = this.about.osType ?? '';
    if (/win/i.test(os)) return false;
    return /linux/i.test(os) || this.atLeast('7.0');
  }

  /** The vCenter appliance's TLS REST API (`/api/vcenter/certificate-management/vcenter/tls`). */
  get hasVcenterTlsApi(): boolean {
    return this.isVcenterAppliance && this.atLeast('7.0');
  }

  /** The vCenter appliance's `vecs-cli` (VMware Endpoint Certificate Store). */
  get hasVecsCli(): boolean {
    return this.isVcenterAppliance && this.atLeast('6.0');
  }

  /** The vCenter-on-Windows guide the manual certificate checklist follows. */
  get windowsChecklistVersion(): '4.0' | '4.1' | '5.0' | '5.1' {
    if (this.major < 4 || (this.major === 4 && this.minor === 0)) return '4.0';
    if (this.major === 4) return '4.1';
    return this.major === 5 && this.minor === 0 ? '5.0' : '5.1';
  }

  /** The HTML5 console's ticket (`AcquireTicket('webmks')`, see the header). */
  get hasWebmksTicket(): boolean {
    return this.apiAtLeast('6.0');
  }

  get hasMemoryCompression(): boolean {
    return this.atLeast('4.1');
  }

  get hasWindowsAppQuiesce(): boolean {
    return this.atLeast('4.1');
  }

  get vddk11BackupEra(): boolean {
    return this.major < 5;
  }

  get reportsConsolidationNeeded(): boolean {
    return this.apiAtLeast('5.0');
  }

  get hasVmEncryption(): boolean {
    return this.atLeast('6.5');
  }

  get hasVirtualTpm(): boolean {
    return this.atLeast('6.7');
  }

  get cbtResetAdvised(): boolean {
    return this.atLeast('6.0') && !this.atLeast('6.5');
  }

  get memoryStates(): MemoryStateModel {
    if (this.major < 5) return 'pct-of-host';
    return this.major === 5 ? 'minfree' : 'minfree-clear';
  }

  get pageSharingSalted(): SaltingDefault {
    if (this.major < 5) return 'no';
    return this.major === 5 ? 'depends' : 'yes';
  }

  /** "VMware ESXi 8.0.2 build-22380479", or a short form when the server gave no full name. */
  get label(): string {
    if (this.about.fullName) return this.about.fullName;
    const name = this.about.name ?? (this.product === 'vcenter' ? 'vCenter Server' : this.product === 'esx' ? 'VMware ESX' : 'VMware ESXi');
    return `${name} ${this.version}${this.about.build ? ` build-${this.about.build}` : ''}`;
  }

  toJSON(): GenerationInfo {
    const a = this.about;
    return {
      version: this.version, family: this.family, known: this.known, product: this.product,
      ...(a.build ? { build: a.build } : {}), ...(a.apiVersion ? { apiVersion: a.apiVersion } : {}), ...(a.fullName ? { fullName: a.fullName } : {}),
      memoryStates: this.memoryStates, pageSharingSalted: this.pageSharingSalted,
    };
  }
}

/** Parses `--generation G` style input: the known generation, or undefined (callers list KNOWN_GENERATIONS). */
export function knownGeneration(text: string | undefined): Generation | undefined {
  return text === undefined ? undefined : Generation.fromId(text);
}

/**
 * A host's generation from its `summary.config.product` (or `config.product`) as the property
 * collector returns it (an AboutInfo object); undefined when absent or without a version.
 */
export function generationFromProduct(product: unknown): Generation | undefined {
  if (!product || typeof product !== 'object') return undefined;
  const o = product as Record<string, unknown>;
  const s = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const version = s('version');
  if (!version) return undefined;
  return Generation.fromAbout({
    version, name: s('name'), fullName: s('fullName'), build: s('build'), apiVersion: s('apiVersion'),
    apiType: s('apiType'), productLineId: s('productLineId'), osType: s('osType'),
  });
}

/** The property path a host's generation is read from (one retrieve with the inventory). */
export const HOST_PRODUCT_PATH = 'summary.config.product';
