/**
 * Start and stop the lab's vcsim (test/lab/vcsim/main.go, built by scripts/lab-build.sh).
 *
 * By default a fresh self-signed RSA-1024 certificate (like the weak defaults) is written
 * to a temp dir and passed as -tlscert/-tlskey, so the certificate can be swapped
 * (write the files, then reloadCert() = SIGHUP) and an ESXi simulator can seed its
 * /etc/vmware/ssl/rui.crt from it. `builtinCert: true` keeps vcsim's own RSA-1024 cert.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeSelfSignedCert, servedThumbprints, thumbprintsOfPem } from './certs';
import type { LabGeneration } from './generations';

/** The repository; VLAB_REPO_ROOT overrides it where this code runs bundled (integration tests). */
export const REPO_ROOT = process.env.VLAB_REPO_ROOT ?? path.resolve(__dirname, '..', '..');
export const VCSIM_BIN = path.join(REPO_ROOT, 'test', 'lab', 'bin', 'vcsim');

export interface VcsimOptions {
  dc?: number;
  cluster?: number;
  /** Hosts per cluster. */
  host?: number;
  standaloneHost?: number;
  /** VMs per resource pool (per host in -esx mode). */
  vm?: number;
  folder?: number;
  ds?: number;
  pool?: number;
  /** Simulate a standalone ESX host instead of vCenter. */
  esx?: boolean;
  /**
   * The release to play (`-generation`): `about` and every host's `summary.config.product` read as
   * that vCenter / ESXi (test/lab/README.md lists the builds and their sources). Default: the lab's
   * 6.5 (govmomi's captures).
   */
  generation?: LabGeneration;
  username?: string;
  password?: string;
  /** Existing certificate/key files; otherwise a self-signed RSA-1024 pair is generated. */
  certFile?: string;
  keyFile?: string;
  /** Serve vcsim's built-in certificate (no files; reloadCert() is then unavailable). */
  builtinCert?: boolean;
  /** Milliseconds added to every SOAP call. */
  delay?: number;
  /** Power on the model's VMs (default true, as upstream). */
  autostart?: boolean;
  /**
   * Answer WaitForUpdatesEx incrementally, as vCenter does (test/lab/vcsim/live.go), instead of
   * upstream vcsim's whole collect per object update (O(inventory) per change).
   */
  incrementalUpdates?: boolean;
  /** Common name for a generated certificate. */
  commonName?: string;
  /** Listen on this loopback port (default: a free one). Lets a test restart a server "in place". */
  port?: number;
  /** Loopback address to listen on (default 127.0.0.1; any 127.x.y.z gives a host its own address). */
  listenHost?: string;
  /** Days the generated certificate is valid for (default 365; 0 or less: expired that many days ago). */
  certDays?: number;
  /** Startup timeout in ms (default 30 s; a build may run first). */
  timeoutMs?: number;
}

export interface LabCertState {
  served: string[];
  trustedRootChains: number;
  hosts: Array<{ moref: string; manager: string; sha256: string; caCerts: number }>;
}

export interface PerfInjection {
  /** A moref value ("vm-42", "host-21") or a type ("VirtualMachine", "HostSystem"). */
  entity: string;
  /** group.name.rollup, e.g. "mem.vmmemctl.average". */
  counter: string;
  /** Samples oldest → newest (KB for memory counters); [] removes the injection. */
  values: number[];
  instance?: string;
}

export interface LabVm {
  moref: string;
  name: string;
  powerState: 'poweredOn' | 'poweredOff' | 'suspended';
  vmxPath: string;
  guestId: string;
  version: string;
  memoryMB: number;
  numCpu: number;
  host: string;
  hostName: string;
}

export interface Vcsim {
  /** https://127.0.0.1:PORT (no credentials). */
  url: string;
  /** https://127.0.0.1:PORT/sdk */
  sdkUrl: string;
  /** GOVC_URL form with credentials. */
  govcUrl: string;
  host: string;
  port: number;
  username: string;
  password: string;
  esx: boolean;
  generation: LabGeneration | undefined;
  /** Of the certificate served now (updated by reloadCert). */
  thumbprintSha256: string;
  thumbprintSha1: string;
  pid: number;
  /** Empty with builtinCert. */
  certFile: string;
  keyFile: string;
  /** SIGHUP, then wait until a TLS handshake shows the certificate in certFile. */
  reloadCert(): Promise<void>;
  injectPerf(...items: PerfInjection[]): Promise<void>;
  clearPerf(): Promise<void>;
  injectedPerf(): Promise<PerfInjection[]>;
  listVms(): Promise<LabVm[]>;
  /**
   * Memory pressure on a host: its `mem.consumed.average` samples are injected so that the host
   * has `freeMB` free (free = hardware memory - consumed, as the memory panel computes it).
   * One value, or a series oldest → newest. Returns the host's memory size in MB.
   */
  injectHostFreeMemory(host: string, freeMB: number | number[]): Promise<number>;
  /** Sets VMs' summary.quickStats balloonedMemory / swappedMemory (MB); a field left out keeps its value. */
  setQuickStats(...items: Array<{ vm: string; balloonedMemory?: number; swappedMemory?: number }>): Promise<void>;
  /** GET a path on the server (JSON), TLS verification off. */
  getJson<T>(pathname: string): Promise<T>;
  /**
   * The next `times` certificate installs through the API (InstallServerCertificate on a host,
   * PUT …/vcenter/tls on a vCenter) put the new certificate in service and then fail
   * (certificates.go, /lab/certfailure). `times: 0` clears.
   */
  injectCertFailure(target: 'host' | 'vcenter', times?: number): Promise<void>;
  /** /lab/certs: the SHA-256 of every certificate the endpoint served through the API, initial first; each host's. */
  certState(): Promise<LabCertState>;
  /** Resolves when the process has exited; safe to call twice. */
  stop(): Promise<void>;
  readonly stopped: boolean;
}

/** Every lab process this Node process started and has not yet seen exit. */
export const liveLabProcesses = new Set<ChildProcess>();
let exitHookInstalled = false;
/**
 * Track a lab process: SIGKILL it when this Node process exits, and unref it (and its
 * pipes) so a peer a test forgot to stop cannot keep the test runner alive forever
 * (the final leak test reports it instead).
 */
function trackProcess(child: ChildProcess): void {
  liveLabProcesses.add(child);
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) {
    (s as unknown as { unref?: () => void } | null)?.unref?.();
  }
  child.once('exit', () => liveLabProcesses.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveLabProcesses) {
        try {
          c.kill('SIGKILL');
        } catch {
          /* already gone */
        }
      }
    });
    exitOnSignals();
  }
}
export { trackProcess as _trackLabProcess };

/**
 * Ctrl-C or a kill (SIGINT, SIGHUP, SIGTERM) ends this process through `process.exit`, so the 'exit'
 * hooks that stop what it started run (by default those signals end Node without them). A runner that
 * handles the signal itself (mocha does) is left to do so.
 */
export function exitOnSignals(): void {
  for (const sig of ['SIGINT', 'SIGHUP', 'SIGTERM'] as const) {
    if (process.listenerCount(sig) === 0) process.once(sig, () => process.exit(sig === 'SIGINT' ? 130 : 143));
  }
}

/** Build test/lab/bin/vcsim if it is missing or stale (scripts/lab-build.sh keeps a stamp). */
export function ensureVcsimBuilt(): void {
  const r = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'lab-build.sh'), '-q'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`scripts/lab-build.sh failed (exit ${r.status}):\n${r.stderr}${r.stdout}`);
  }
}

export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function requestJson<T>(url: string, method = 'GET', body?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = https.request(
      url,
      {
        method,
        rejectUnauthorized: false,
        agent: false,
        headers: data ? { 'content-type': 'application/json', 'content-length': data.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 400) {
            reject(new Error(`${method} ${url}: HTTP ${res.statusCode} ${text.trim()}`));
            return;
          }
          try {
            resolve(JSON.parse(text) as T);
          } catch (e) {
            reject(new Error(`${method} ${url}: not JSON: ${text.slice(0, 200)} (${String(e)})`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

function flagArgs(o: VcsimOptions): string[] {
  const args: string[] = [];
  const num = (flag: string, v: number | undefined) => {
    if (v !== undefined) args.push(`-${flag}=${v}`);
  };
  num('dc', o.dc);
  num('cluster', o.cluster);
  num('host', o.host);
  num('standalone-host', o.standaloneHost);
  num('vm', o.vm);
  num('folder', o.folder);
  num('ds', o.ds);
  num('pool', o.pool);
  num('delay', o.delay);
  if (o.esx) args.push('-esx');
  if (o.generation) args.push('-generation', o.generation);
  if (o.autostart === false) args.push('-autostart=false');
  if (o.incrementalUpdates) args.push('-incremental-updates');
  if (o.username !== undefined) args.push('-username', o.username);
  if (o.password !== undefined) args.push('-password', o.password);
  return args;
}

export async function startVcsim(opts: VcsimOptions = {}): Promise<Vcsim> {
  if (!fs.existsSync(VCSIM_BIN)) ensureVcsimBuilt();

  let tmp: string | undefined;
  let certFile = opts.certFile ?? '';
  let keyFile = opts.keyFile ?? '';
  if (!opts.builtinCert && !certFile) {
    tmp = makeTempDir('vlab-vcsim-');
    const cn = opts.commonName ?? (opts.esx ? 'localhost.localdomain' : 'vcsim.lab.local');
    const c = makeSelfSignedCert({ commonName: cn, ...(opts.certDays !== undefined ? { days: opts.certDays } : {}), ...(opts.listenHost ? { altNames: [cn, opts.listenHost] } : {}) });
    certFile = path.join(tmp, 'rui.crt');
    keyFile = path.join(tmp, 'rui.key');
    fs.writeFileSync(certFile, c.certPem);
    fs.writeFileSync(keyFile, c.keyPem, { mode: 0o600 });
  }

  const args = ['-l', `${opts.listenHost ?? '127.0.0.1'}:${opts.port ?? 0}`, '-stdinexit', ...flagArgs(opts)];
  if (certFile) args.push('-tlscert', certFile, '-tlskey', keyFile);

  const child = spawn(VCSIM_BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  trackProcess(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    stderr = (stderr + d).slice(-8000);
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

  const firstLine = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => fail(new Error(`vcsim did not print its URL within ${opts.timeoutMs ?? 30000} ms`)), opts.timeoutMs ?? 30000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    child.stdout!.setEncoding('utf8');
    const onData = (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        child.stdout!.resume(); // keep draining
        resolve(buf.slice(0, nl));
      }
    };
    const onExit = (code: number | null, sig: string | null) =>
      fail(new Error(`vcsim exited (code ${code}, signal ${sig}) before printing its URL:\n${stderr}`));
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', (e) => fail(e));
  }).catch(async (e: unknown) => {
    await exited;
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  });

  const m = /GOVC_URL=(\S+)\s+GOVC_SIM_PID=(\d+)/.exec(firstLine);
  if (!m) {
    child.kill('SIGKILL');
    throw new Error(`unexpected first line from vcsim: ${firstLine}`);
  }
  const govc = new URL(m[1]);
  const host = govc.hostname;
  const port = Number(govc.port);
  const base = `https://${host}:${port}`;

  let stopped = false;
  const tp = await servedThumbprints(host, port);

  const sim: Vcsim = {
    url: base,
    sdkUrl: `${base}/sdk`,
    govcUrl: m[1],
    host,
    port,
    username: decodeURIComponent(govc.username),
    password: decodeURIComponent(govc.password),
    esx: !!opts.esx,
    generation: opts.generation,
    thumbprintSha256: tp.sha256,
    thumbprintSha1: tp.sha1,
    pid: Number(m[2]),
    certFile,
    keyFile,
    get stopped() {
      return stopped;
    },
    async reloadCert() {
      if (!certFile) throw new Error('vcsim runs with its built-in certificate; start it with cert files to reload');
      const want = thumbprintsOfPem(fs.readFileSync(certFile, 'utf8'));
      child.kill('SIGHUP');
      const deadline = Date.now() + 5000;
      for (;;) {
        const now = await servedThumbprints(host, port);
        if (now.sha256 === want.sha256) {
          sim.thumbprintSha256 = now.sha256;
          sim.thumbprintSha1 = now.sha1;
          return;
        }
        if (Date.now() > deadline) {
          throw new Error(`vcsim still serves ${now.sha256} after SIGHUP (want ${want.sha256}); stderr:\n${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async injectPerf(...items) {
      await requestJson(`${base}/lab/perf`, 'POST', items);
    },
    async clearPerf() {
      await requestJson(`${base}/lab/perf`, 'DELETE');
    },
    async injectHostFreeMemory(hostRef, freeMB) {
      const hosts = await requestJson<Array<{ moref: string; memoryMB: number }>>(`${base}/lab/hosts`);
      const h = hosts.find((x) => x.moref === hostRef);
      if (!h) throw new Error(`no HostSystem ${hostRef} (have ${hosts.map((x) => x.moref).join(', ')})`);
      const free = Array.isArray(freeMB) ? freeMB : [freeMB];
      await sim.injectPerf({ entity: hostRef, counter: 'mem.consumed.average', values: free.map((f) => Math.round((h.memoryMB - f) * 1024)) });
      return h.memoryMB;
    },
    injectedPerf: () => requestJson<PerfInjection[]>(`${base}/lab/perf`),
    listVms: () => requestJson<LabVm[]>(`${base}/lab/vms`),
    async setQuickStats(...items) {
      await requestJson(`${base}/lab/quickstats`, 'POST', items);
    },
    getJson: <T>(p: string) => requestJson<T>(`${base}${p}`),
    async injectCertFailure(target, times = 1) {
      if (times <= 0) await requestJson(`${base}/lab/certfailure`, 'DELETE');
      else await requestJson(`${base}/lab/certfailure`, 'POST', { target, mode: 'after-load', times });
    },
    certState: () => requestJson<LabCertState>(`${base}/lab/certs`),
    async stop() {
      if (!stopped) {
        stopped = true;
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(t);
        }
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
      }
      await exited;
    },
  };
  return sim;
}
