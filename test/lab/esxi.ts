/**
 * ESXi shell simulator on ssh2's Server, paired with a vcsim (ideally `-esx`).
 *
 * - Host key: ed25519, generated per run.
 * - Auth: password and keyboard-interactive (ESXi's default for root).
 * - SFTP over a temp directory that plays the host's "/": seeded with
 *   /etc/vmware/ssl/rui.crt + rui.key (= the paired vcsim's current cert/key),
 *   /etc/vmware/hostd/config.xml and one .vmx per VM under /vmfs/volumes/<ds>/.
 * - exec: vim-cmd vmsvc/getallvms | vmsvc/power.getstate ID, esxcli system version get,
 *   vmware -v, esxtop -b -d D -n N, /etc/init.d/hostd restart, services.sh restart,
 *   ls, cat, cp, mv, rm, mkdir, echo, hostname, test -e|-f|-d|-s (and [ ]); `;`, `&&`, `||` and `>`/`>>` work.
 *   Anything else answers like busybox: `sh: X: not found`, exit 127.
 * - hostd restart copies rui.crt/rui.key from the SFTP root over the vcsim's cert files
 *   and SIGHUPs it, so the paired vcsim serves the new certificate. It fails (exit 1,
 *   nothing applied) when `failRestart` is set or the pair does not load (bad PEM,
 *   key not matching the certificate), as a real hostd would refuse to start.
 *   `restartFailure` models failures that happen AFTER the new pair is in service, so a
 *   rollback has something to undo: 'after-load' (hostd loads the pair — the new
 *   certificate is live — then exits 1 "hostd failed to start"), 'stops-answering' (hostd
 *   loads the pair and says "hostd started", then hangs: the paired vcsim is paused with
 *   SIGSTOP, so TLS handshakes never complete, until the next restart resumes it).
 *   `servedCerts` records the SHA-256 of every pair put in service, the initial one first.
 * VM list and power states come from the paired vcsim (GET /lab/vms); balloon/swap
 * figures in esxtop from its injected perf samples (GET /lab/perf).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Server, utils, type Connection, type ServerChannel, type SFTPWrapper, type Attributes } from 'ssh2';
import type { AddressInfo } from 'node:net';
import { generateEd25519 } from './certs';
import { makeTempDir, type LabVm, type PerfInjection, type Vcsim } from './vcsim';

const { STATUS_CODE } = utils.sftp;

export interface EsxiOptions {
  vcsim: Vcsim;
  username?: string;
  password?: string;
  /** Make hostd restarts fail before loading anything (mutable later through the handle). */
  failRestart?: boolean;
  /** Make hostd restarts fail after the new pair was loaded (mutable later through the handle). */
  restartFailure?: RestartFailure;
  /** Product version facts (default: vcsim -esx's "6.5.0" build 5969303). */
  version?: string;
  build?: string;
  update?: string;
  /** Host physical memory for esxtop (default 4096 MB, as vcsim's ESX host). */
  hostMemoryMB?: number;
  hostname?: string;
  /**
   * Lab clock for `esxtop -d`: the simulator waits delay × this between samples (default 1, real
   * time). UI tests pick a real preset ("1 minute") and set 0.02 so it takes about a second.
   */
  esxtopTimeScale?: number;
}

/**
 * A restart that fails once the new rui.crt/rui.key are in service. `times`: how many restarts
 * fail this way (default: every one until cleared); the count goes down on each.
 */
export interface RestartFailure {
  mode: 'after-load' | 'stops-answering';
  times?: number;
}

export interface Esxi {
  host: string;
  port: number;
  username: string;
  password: string;
  /** OpenSSH form: "SHA256:" + unpadded base64 of the key blob's SHA-256. */
  hostKeySha256: string;
  /** The host public key (OpenSSH line "ssh-ed25519 AAAA..."). */
  hostKey: string;
  /** Raw public key blob (SSH wire format), as ssh2's hostVerifier receives it. */
  hostKeyBlob: Buffer;
  /** Temp dir playing the host's "/". */
  root: string;
  failRestart: boolean;
  /** See EsxiOptions.restartFailure; `times` counts down, the property clears at 0. */
  restartFailure: RestartFailure | undefined;
  /**
   * SHA-256 thumbprints (upper-case hex, colon-separated, as thumbprintsOfPem) of each pair hostd
   * put in service, in order: the certificate served at start first, then one per restart that
   * loaded a pair (even a restart that failed afterwards). vcsim is checked to serve each one.
   */
  readonly servedCerts: readonly string[];
  /** The host stopped answering ('stops-answering'), until the next restart. */
  readonly unresponsive: boolean;
  /** Commands executed, in order (for assertions). */
  readonly commands: string[];
  /** Number of successful hostd restarts. */
  readonly restarts: number;
  stop(): Promise<void>;
}

interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

const ok = (stdout = ''): ExecResult => ({ stdout, stderr: '', code: 0 });
const err = (stderr: string, code = 1): ExecResult => ({ stdout: '', stderr, code });

/** Split a command line into `;` / `&&` / `||` separated word lists (quotes and backslashes honoured). */
export function parseCommandLine(line: string): { words: string[]; op: ';' | '&&' | '||' }[] {
  const out: { words: string[]; op: ';' | '&&' | '||' }[] = [];
  let words: string[] = [];
  let cur = '';
  let inWord = false;
  let q: '"' | "'" | null = null;
  const endWord = () => {
    if (inWord) words.push(cur);
    cur = '';
    inWord = false;
  };
  const endCmd = (op: ';' | '&&' | '||') => {
    endWord();
    if (words.length) out.push({ words, op });
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === q) q = null;
      else if (c === '\\' && q === '"' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) cur += line[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      q = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === ';' || c === '\n') {
      endCmd(';');
    } else if (c === '&' && line[i + 1] === '&') {
      i++;
      endCmd('&&');
    } else if (c === '|' && line[i + 1] === '|') {
      i++;
      endCmd('||');
    } else if (c === '>') {
      endWord();
      if (line[i + 1] === '>') {
        i++;
        words.push('>>');
      } else words.push('>');
    } else {
      cur += c;
      inWord = true;
    }
  }
  endCmd(';');
  return out;
}

function vmid(vm: LabVm): number {
  const m = /(\d+)$/.exec(vm.moref);
  return m ? Number(m[1]) : 0;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function fmtCsvTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function vmxFor(vm: LabVm): string {
  const hw = /(\d+)$/.exec(vm.version)?.[1] ?? '13';
  return [
    '.encoding = "UTF-8"',
    'config.version = "8"',
    `virtualHW.version = "${hw}"`,
    `displayName = "${vm.name}"`,
    `guestOS = "${vm.guestId === 'otherGuest' ? 'other' : vm.guestId.replace(/Guest$/, '')}"`,
    `memSize = "${vm.memoryMB}"`,
    `numvcpus = "${vm.numCpu}"`,
    'scsi0.present = "TRUE"',
    'scsi0.virtualDev = "pvscsi"',
    'scsi0:0.present = "TRUE"',
    'scsi0:0.fileName = "disk1.vmdk"',
    'ethernet0.present = "TRUE"',
    'ethernet0.virtualDev = "vmxnet3"',
    '',
  ].join('\n');
}

export async function startEsxi(opts: EsxiOptions): Promise<Esxi> {
  const vcsim = opts.vcsim;
  if (!vcsim.certFile) throw new Error('startEsxi needs a vcsim started with certificate files (not builtinCert)');
  const username = opts.username ?? 'root';
  const password = opts.password ?? 'vmware-' + crypto.randomBytes(6).toString('hex');
  const version = opts.version ?? '6.5.0';
  const build = opts.build ?? '5969303';
  const update = opts.update ?? '0';
  const hostMemoryMB = opts.hostMemoryMB ?? 4096;

  const keys = generateEd25519();
  const hostKeyBlob = keys.blob;
  const hostKeySha256 = 'SHA256:' + crypto.createHash('sha256').update(hostKeyBlob).digest('base64').replace(/=+$/, '');

  // ---- the host's filesystem ----
  const root = makeTempDir('vlab-esxi-');
  const vms0 = await vcsim.listVms();
  const hostname = opts.hostname ?? vms0[0]?.hostName ?? 'localhost.localdomain';
  const seed = (p: string, data: string | Buffer, mode?: number) => {
    const abs = path.join(root, p);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, data, mode ? { mode } : undefined);
  };
  seed('etc/vmware/ssl/rui.crt', fs.readFileSync(vcsim.certFile));
  seed('etc/vmware/ssl/rui.key', fs.readFileSync(vcsim.keyFile), 0o600);
  seed(
    'etc/vmware/hostd/config.xml',
    '<config>\n  <ssl>\n    <certificate>/etc/vmware/ssl/rui.crt</certificate>\n    <privateKey>/etc/vmware/ssl/rui.key</privateKey>\n  </ssl>\n</config>\n',
  );
  seed('etc/hosts', `127.0.0.1 localhost.localdomain localhost\n127.0.0.1 ${hostname}\n`);
  for (const vm of vms0) {
    const m = /^\[([^\]]+)\]\s*(.+)$/.exec(vm.vmxPath);
    if (m) seed(path.join('vmfs', 'volumes', m[1], m[2]), vmxFor(vm));
  }

  /** Map a shell/SFTP path into the root; null if it escapes. */
  const resolve = (p: string, cwd = '/'): string | null => {
    const abs = path.posix.resolve(cwd, p || '.');
    const real = path.join(root, abs);
    if (real !== root && !real.startsWith(root + path.sep)) return null;
    return real;
  };

  const state = {
    failRestart: !!opts.failRestart,
    restartFailure: opts.restartFailure ? { ...opts.restartFailure } : undefined,
    restarts: 0,
    commands: [] as string[],
    servedCerts: [vcsim.thumbprintSha256] as string[],
    paused: false,
  };
  /** Resumes a vcsim paused by 'stops-answering'. */
  const resume = () => {
    if (!state.paused) return;
    state.paused = false;
    try {
      process.kill(vcsim.pid, 'SIGCONT');
    } catch {
      /* already gone */
    }
  };

  // ---- commands ----
  const perfValue = (inj: PerfInjection[], vm: LabVm, counter: string, sample: number): number | undefined => {
    const hit = inj.find((i) => i.entity === vm.moref && i.counter === counter) ?? inj.find((i) => i.entity === 'VirtualMachine' && i.counter === counter);
    if (!hit || hit.values.length === 0) return undefined;
    return hit.values[sample % hit.values.length];
  };

  const hostdRestart = async (services: boolean): Promise<ExecResult> => {
    const pid = 30000 + Math.floor(Math.random() * 9999);
    const lines: string[] = [];
    if (services) lines.push('Running wsman stop', 'Stopping openwsmand', 'Running sfcbd-watchdog stop', 'Running vpxa stop', 'watchdog-vpxa: Terminating watchdog process with PID ' + (pid + 3), 'vpxa stopped.', 'Running hostd stop');
    lines.push(`watchdog-hostd: Terminating watchdog process with PID ${pid}`, 'hostd stopped.');
    if (services) lines.push('Running hostd start');
    lines.push(
      "Begin 'hostd ++min=0,swap,group=hostd /etc/vmware/hostd/config.xml', min-uptime = 60, max-quick-failures = 1, max-total-failures = 1000000, bg_pid_file = '', reboot-flag = '0'",
    );
    const fail = (why: string): ExecResult => ({ stdout: lines.join('\n') + '\n', stderr: `hostd failed to start: ${why}\n`, code: 1 });
    // Stopping hostd ends a hang from a previous 'stops-answering' restart.
    resume();
    if (state.failRestart) return fail('watchdog-hostd: hostd exited during startup');
    let crt: Buffer;
    let key: Buffer;
    try {
      crt = fs.readFileSync(path.join(root, 'etc/vmware/ssl/rui.crt'));
      key = fs.readFileSync(path.join(root, 'etc/vmware/ssl/rui.key'));
      const x = new crypto.X509Certificate(crt);
      if (!x.checkPrivateKey(crypto.createPrivateKey(key))) return fail('SSL private key does not match certificate /etc/vmware/ssl/rui.crt');
    } catch (e) {
      return fail(`cannot load /etc/vmware/ssl/rui.crt or rui.key: ${(e as Error).message}`);
    }
    fs.writeFileSync(vcsim.certFile, crt);
    fs.writeFileSync(vcsim.keyFile, key, { mode: 0o600 });
    try {
      await vcsim.reloadCert();
    } catch (e) {
      return fail((e as Error).message);
    }
    state.servedCerts.push(vcsim.thumbprintSha256);
    const late = state.restartFailure;
    if (late) {
      if (late.times !== undefined && --late.times <= 0) state.restartFailure = undefined;
      if (late.mode === 'after-load') return fail('watchdog-hostd: hostd exited after loading /etc/vmware/hostd/config.xml');
      // 'stops-answering': hostd reports a start, then hangs; the endpoint accepts TCP but never completes a handshake.
      process.kill(vcsim.pid, 'SIGSTOP');
      state.paused = true;
    }
    state.restarts++;
    lines.push('hostd started.');
    if (services) lines.push('Running vpxa start', 'vpxa started.', 'Running sfcbd-watchdog start', 'Running wsman start', 'Starting openwsmand');
    return ok(lines.join('\n') + '\n');
  };

  const esxtop = async (args: string[]): Promise<ExecResult> => {
    let batch = false;
    let delay = 5;
    let count = 1;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '-b') batch = true;
      else if (a === '-d') delay = Number(args[++i]);
      else if (a === '-n') count = Number(args[++i]);
      else if (a === '-a') continue;
      else return err(`esxtop: unknown option '${a}'\n`);
    }
    if (!batch) return err('esxtop: interactive mode needs a terminal; this simulator supports batch mode (-b) only\n');
    if (!Number.isFinite(delay) || delay < 0 || !Number.isInteger(count) || count < 1) return err('esxtop: invalid -d or -n\n');
    const vms = (await vcsim.listVms()).filter((v) => v.powerState === 'poweredOn');
    const inj = await vcsim.injectedPerf();
    const H = `\\\\${hostname}`;
    const vmCols = ['Memory Size MBytes', 'Memory Granted Size MBytes', 'Memory Consumed Size MBytes', 'Memctl MBytes', 'Swapped MBytes', 'Shared MBytes', 'Zero MBytes', 'Overhead MBytes', 'Compressed Memory MBytes'];
    const header = [
      '(PDH-CSV 4.0) (UTC)(0)',
      `${H}\\Memory\\Machine MBytes`,
      `${H}\\Memory\\Free MBytes`,
      `${H}\\Memory\\Memctl Current MBytes`,
      `${H}\\Memory\\Memctl Target MBytes`,
      `${H}\\Memory\\Swap Used MBytes`,
    ];
    for (const vm of vms) for (const c of vmCols) header.push(`${H}\\Group Memory(${1000000 + vmid(vm) * 100}:${vm.name})\\${c}`);
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const mb = (kb: number | undefined) => (kb === undefined ? undefined : kb / 1024);
    const f = (n: number) => n.toFixed(2);
    const rows = [header.map(q).join(',')];
    // Sample times follow the lab clock: `delay` apart even when esxtopTimeScale makes the wait shorter.
    const startedAt = Date.now();
    for (let s = 0; s < count; s++) {
      if (s > 0) await new Promise((r) => setTimeout(r, delay * 1000 * (opts.esxtopTimeScale ?? 1)));
      let used = 1024; // VMkernel and friends
      let memctl = 0;
      let swapped = 0;
      const vmVals: string[] = [];
      for (const vm of vms) {
        const size = vm.memoryMB;
        const balloon = mb(perfValue(inj, vm, 'mem.vmmemctl.average', s)) ?? 0;
        const swap = mb(perfValue(inj, vm, 'mem.swapped.average', s)) ?? 0;
        const granted = mb(perfValue(inj, vm, 'mem.granted.average', s)) ?? size;
        const consumed = mb(perfValue(inj, vm, 'mem.consumed.average', s)) ?? Math.max(0, granted - balloon - swap) * 0.8;
        const shared = mb(perfValue(inj, vm, 'mem.shared.average', s)) ?? 0;
        const zero = mb(perfValue(inj, vm, 'mem.zero.average', s)) ?? 0;
        const overhead = mb(perfValue(inj, vm, 'mem.overhead.average', s)) ?? 20.29;
        const compressed = mb(perfValue(inj, vm, 'mem.compressed.average', s)) ?? 0;
        used += consumed + overhead;
        memctl += balloon;
        swapped += swap;
        vmVals.push(...[size, granted, consumed, balloon, swap, shared, zero, overhead, compressed].map(f));
      }
      const row = [fmtCsvTime(new Date(startedAt + s * delay * 1000)), f(hostMemoryMB), f(Math.max(0, hostMemoryMB - used)), f(memctl), f(memctl), f(swapped), ...vmVals];
      rows.push(row.map(q).join(','));
    }
    return ok(rows.join('\r\n') + '\r\n');
  };

  const ls = (args: string[], cwd: string): ExecResult => {
    const flags = args.filter((a) => a.startsWith('-') && a.length > 1).join('');
    const long = flags.includes('l');
    const all = flags.includes('a');
    const targets = args.filter((a) => !a.startsWith('-') || a === '-');
    if (!targets.length) targets.push('.');
    let stdout = '';
    let stderr = '';
    let code = 0;
    const line = (name: string, st: fs.Stats) => {
      if (!long) return name;
      const mode = (st.isDirectory() ? 'd' : '-') + [6, 3, 0].map((sh) => ((st.mode >> sh) & 4 ? 'r' : '-') + ((st.mode >> sh) & 2 ? 'w' : '-') + ((st.mode >> sh) & 1 ? 'x' : '-')).join('');
      const d = st.mtime;
      const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
      return `${mode}    1 root     root     ${String(st.size).padStart(10)} ${mon} ${String(d.getUTCDate()).padStart(2)} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} ${name}`;
    };
    for (const t of targets) {
      const real = resolve(t, cwd);
      const st = real ? fs.statSync(real, { throwIfNoEntry: false }) : undefined;
      if (!real || !st) {
        stderr += `ls: ${t}: No such file or directory\n`;
        code = 1;
        continue;
      }
      if (st.isDirectory()) {
        if (targets.length > 1) stdout += `${t}:\n`;
        const names = fs.readdirSync(real).filter((n) => all || !n.startsWith('.')).sort();
        for (const n of names) stdout += line(n, fs.statSync(path.join(real, n))) + '\n';
      } else stdout += line(t, st) + '\n';
    }
    return { stdout, stderr, code };
  };

  const copyOrMove = (cmd: 'cp' | 'mv', args: string[], cwd: string): ExecResult => {
    const ops = args.filter((a) => !(a.startsWith('-') && a.length > 1));
    if (ops.length < 2) return err(`BusyBox v1.22.1 multi-call binary.\n\nUsage: ${cmd} [OPTIONS] SOURCE DEST\n`);
    const dest = ops.pop()!;
    const realDest = resolve(dest, cwd);
    if (!realDest) return err(`${cmd}: can't create '${dest}': Permission denied\n`);
    const destIsDir = fs.statSync(realDest, { throwIfNoEntry: false })?.isDirectory() ?? false;
    if (ops.length > 1 && !destIsDir) return err(`${cmd}: '${dest}' is not a directory\n`);
    let stderr = '';
    for (const src of ops) {
      const realSrc = resolve(src, cwd);
      const st = realSrc ? fs.statSync(realSrc, { throwIfNoEntry: false }) : undefined;
      if (!realSrc || !st) {
        stderr += `${cmd}: can't stat '${src}': No such file or directory\n`;
        continue;
      }
      const target = destIsDir ? path.join(realDest, path.basename(realSrc)) : realDest;
      if (!fs.existsSync(path.dirname(target))) {
        stderr += `${cmd}: can't create '${dest}': No such file or directory\n`;
        continue;
      }
      if (cmd === 'mv') fs.renameSync(realSrc, target);
      else if (st.isDirectory()) {
        if (!args.includes('-r') && !args.includes('-R') && !args.includes('-a')) {
          stderr += `cp: omitting directory '${src}'\n`;
          continue;
        }
        fs.cpSync(realSrc, target, { recursive: true });
      } else fs.copyFileSync(realSrc, target);
    }
    return { stdout: '', stderr, code: stderr ? 1 : 0 };
  };

  const run = async (words: string[], cwd: string): Promise<ExecResult> => {
    const [cmd, ...args] = words;
    const base = cmd.includes('/') ? cmd : cmd;
    switch (base) {
      case 'vim-cmd': {
        const sub = args[0];
        if (sub === 'vmsvc/getallvms') {
          const vms = await vcsim.listVms();
          const rows = vms.map((v) => [String(vmid(v)), v.name, v.vmxPath, v.guestId, v.version, '']);
          const head = ['Vmid', 'Name', 'File', 'Guest OS', 'Version', 'Annotation'];
          const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
          const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, w[i] + 3))).join('').trimEnd();
          return ok([fmt(head), ...rows.map(fmt)].join('\n') + '\n');
        }
        if (sub === 'vmsvc/power.getstate') {
          const id = args[1];
          const vm = (await vcsim.listVms()).find((v) => String(vmid(v)) === id);
          if (!vm) {
            return err(`(vim.fault.NotFound) {\n   faultCause = (vmodl.MethodFault) null,\n   msg = "Unable to find a VM corresponding to "${id ?? ''}""\n}\n`);
          }
          const label = vm.powerState === 'poweredOn' ? 'Powered on' : vm.powerState === 'suspended' ? 'Suspended' : 'Powered off';
          return ok(`Retrieved runtime info\n${label}\n`);
        }
        return err(`Insufficient arguments.\nUsage: vim-cmd [options] command [args]\n`);
      }
      case 'esxcli':
        if (args.join(' ') === 'system version get') {
          return ok(`   Product: VMware ESXi\n   Version: ${version}\n   Build: Releasebuild-${build}\n   Update: ${update}\n   Patch: 0\n`);
        }
        if (args.join(' ') === 'system hostname get') {
          const [h, ...d] = hostname.split('.');
          return ok(`   Domain Name: ${d.join('.')}\n   Fully Qualified Domain Name: ${hostname}\n   Host Name: ${h}\n`);
        }
        return err(`Error: Unknown command or namespace ${args.join(' ')}\n`);
      case 'vmware':
        if (args[0] === '-v' || args[0] === '--version') return ok(`VMware ESXi ${version} build-${build}\n`);
        if (args[0] === '-l') return ok(`VMware ESXi ${version} Update ${update}\n`);
        return err('vmware: unknown option\n');
      case 'esxtop':
        return esxtop(args);
      case '/etc/init.d/hostd':
        if (args[0] === 'restart') return hostdRestart(false);
        if (args[0] === 'status') return ok('hostd is running.\n');
        return err('Usage: /etc/init.d/hostd {start|stop|restart|status}\n');
      case 'services.sh':
      case '/sbin/services.sh':
        if (args[0] === 'restart') return hostdRestart(true);
        return err('Usage: services.sh {start|stop|restart}\n');
      case 'ls':
        return ls(args, cwd);
      case 'cat': {
        let stdout = '';
        let stderr = '';
        for (const a of args) {
          const real = resolve(a, cwd);
          const st = real ? fs.statSync(real, { throwIfNoEntry: false }) : undefined;
          if (!real || !st) stderr += `cat: can't open '${a}': No such file or directory\n`;
          else if (st.isDirectory()) stderr += `cat: read error: Is a directory\n`;
          else stdout += fs.readFileSync(real, 'latin1');
        }
        return { stdout, stderr, code: stderr ? 1 : 0 };
      }
      case 'cp':
      case 'mv':
        return copyOrMove(cmd as 'cp' | 'mv', args, cwd);
      case 'rm': {
        const force = args.some((a) => /^-[a-zA-Z]*f/.test(a));
        const recursive = args.some((a) => /^-[a-zA-Z]*[rR]/.test(a));
        let stderr = '';
        for (const a of args.filter((x) => !x.startsWith('-'))) {
          const real = resolve(a, cwd);
          const st = real ? fs.statSync(real, { throwIfNoEntry: false }) : undefined;
          if (!real || !st) {
            if (!force) stderr += `rm: can't remove '${a}': No such file or directory\n`;
          } else if (st.isDirectory() && !recursive) stderr += `rm: '${a}' is a directory\n`;
          else fs.rmSync(real, { recursive: true, force: true });
        }
        return { stdout: '', stderr, code: stderr ? 1 : 0 };
      }
      case 'mkdir': {
        const p = args.includes('-p');
        let stderr = '';
        for (const a of args.filter((x) => !x.startsWith('-'))) {
          const real = resolve(a, cwd);
          if (!real) stderr += `mkdir: can't create directory '${a}': Permission denied\n`;
          else if (fs.existsSync(real) && !p) stderr += `mkdir: can't create directory '${a}': File exists\n`;
          else if (!p && !fs.existsSync(path.dirname(real))) stderr += `mkdir: can't create directory '${a}': No such file or directory\n`;
          else fs.mkdirSync(real, { recursive: true });
        }
        return { stdout: '', stderr, code: stderr ? 1 : 0 };
      }
      case 'echo':
        return ok(args.join(' ') + '\n');
      case 'hostname':
        return ok(hostname + '\n');
      case 'test':
      case '[': {
        // busybox test: the unary file tests a deploy script uses (-e -f -d -s), `!`, and [ … ].
        const a = base === '[' ? (args[args.length - 1] === ']' ? args.slice(0, -1) : null) : args;
        if (!a) return err("[: missing ]\n", 2);
        const neg = a[0] === '!';
        const t = neg ? a.slice(1) : a;
        if (t.length !== 2 || !/^-[efds]$/.test(t[0])) return err(`sh: test: unsupported expression '${a.join(' ')}'\n`, 2);
        const real = resolve(t[1], cwd);
        const st = real ? fs.statSync(real, { throwIfNoEntry: false }) : undefined;
        const yes = !!st && (t[0] === '-e' || (t[0] === '-f' && st.isFile()) || (t[0] === '-d' && st.isDirectory()) || (t[0] === '-s' && st.size > 0));
        return { stdout: '', stderr: '', code: yes !== neg ? 0 : 1 };
      }
      case 'true':
        return ok();
      case 'false':
        return { stdout: '', stderr: '', code: 1 };
      default:
        return err(`sh: ${cmd}: not found\n`, 127);
    }
  };

  const execLine = async (line: string): Promise<ExecResult> => {
    state.commands.push(line);
    let stdout = '';
    let stderr = '';
    let code = 0;
    let prevOp: ';' | '&&' | '||' = ';';
    for (const { words: w0, op } of parseCommandLine(line)) {
      const skip = (prevOp === '&&' && code !== 0) || (prevOp === '||' && code === 0);
      prevOp = op;
      if (skip) continue;
      let words = w0;
      let redirect: { file: string; append: boolean } | undefined;
      const ri = words.findIndex((x) => x === '>' || x === '>>');
      if (ri >= 0) {
        if (ri + 1 >= words.length) {
          stderr += 'sh: syntax error: unexpected newline\n';
          code = 2;
          continue;
        }
        redirect = { file: words[ri + 1], append: words[ri] === '>>' };
        words = [...words.slice(0, ri), ...words.slice(ri + 2)];
      }
      let r: ExecResult;
      try {
        r = words.length ? await run(words, '/') : ok();
      } catch (e) {
        r = err(`sh: ${words[0]}: ${(e as Error).message}\n`);
      }
      if (redirect) {
        const real = resolve(redirect.file);
        if (!real || !fs.existsSync(path.dirname(real))) {
          r = { ...r, stdout: '', stderr: r.stderr + `sh: can't create ${redirect.file}: nonexistent directory\n`, code: 1 };
        } else {
          (redirect.append ? fs.appendFileSync : fs.writeFileSync)(real, r.stdout, 'latin1');
          r = { ...r, stdout: '' };
        }
      }
      stdout += r.stdout;
      stderr += r.stderr;
      code = r.code;
    }
    return { stdout, stderr, code };
  };

  // ---- SFTP ----
  const serveSftp = (sftp: SFTPWrapper) => {
    type H = { kind: 'file'; fd: number; path: string } | { kind: 'dir'; path: string; entries: string[] | null };
    const handles = new Map<number, H>();
    let next = 1;
    const newHandle = (h: H) => {
      const id = next++;
      handles.set(id, h);
      const b = Buffer.alloc(4);
      b.writeUInt32BE(id);
      return b;
    };
    const getHandle = (b: Buffer) => (b.length === 4 ? handles.get(b.readUInt32BE(0)) : undefined);
    const attrsOf = (st: fs.Stats): Attributes => ({ mode: st.mode, uid: 0, gid: 0, size: st.size, atime: Math.floor(st.atimeMs / 1000), mtime: Math.floor(st.mtimeMs / 1000) });
    const fail = (id: number, e: unknown) => {
      const code = (e as NodeJS.ErrnoException).code;
      sftp.status(id, code === 'ENOENT' ? STATUS_CODE.NO_SUCH_FILE : code === 'EACCES' || code === 'EPERM' ? STATUS_CODE.PERMISSION_DENIED : STATUS_CODE.FAILURE, (e as Error).message);
    };
    const withPath = (id: number, p: string, f: (real: string) => void) => {
      const real = resolve(p);
      if (!real) {
        sftp.status(id, STATUS_CODE.PERMISSION_DENIED, 'outside the root');
        return;
      }
      try {
        f(real);
      } catch (e) {
        fail(id, e);
      }
    };
    sftp.on('REALPATH', (id, p) => {
      const abs = path.posix.resolve('/', p || '.');
      sftp.name(id, [{ filename: abs, longname: abs, attrs: {} as Attributes }]);
    });
    sftp.on('STAT', (id, p) => withPath(id, p, (r) => sftp.attrs(id, attrsOf(fs.statSync(r)))));
    sftp.on('LSTAT', (id, p) => withPath(id, p, (r) => sftp.attrs(id, attrsOf(fs.lstatSync(r)))));
    sftp.on('OPEN', (id, p, flags, attrs) =>
      withPath(id, p, (r) => {
        const mode = utils.sftp.flagsToString(flags);
        if (!mode) {
          sftp.status(id, STATUS_CODE.BAD_MESSAGE, 'bad open flags');
          return;
        }
        const fd = fs.openSync(r, mode, attrs?.mode ?? 0o644);
        sftp.handle(id, newHandle({ kind: 'file', fd, path: r }));
      }),
    );
    sftp.on('READ', (id, hb, offset, len) => {
      const h = getHandle(hb);
      if (!h || h.kind !== 'file') return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
      try {
        const buf = Buffer.alloc(Math.min(len, 256 * 1024));
        const n = fs.readSync(h.fd, buf, 0, buf.length, offset);
        if (n === 0) sftp.status(id, STATUS_CODE.EOF);
        else sftp.data(id, buf.subarray(0, n));
      } catch (e) {
        fail(id, e);
      }
    });
    sftp.on('WRITE', (id, hb, offset, data) => {
      const h = getHandle(hb);
      if (!h || h.kind !== 'file') return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
      try {
        fs.writeSync(h.fd, data, 0, data.length, offset);
        sftp.status(id, STATUS_CODE.OK);
      } catch (e) {
        fail(id, e);
      }
    });
    sftp.on('FSTAT', (id, hb) => {
      const h = getHandle(hb);
      if (!h) return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
      try {
        sftp.attrs(id, attrsOf(h.kind === 'file' ? fs.fstatSync(h.fd) : fs.statSync(h.path)));
      } catch (e) {
        fail(id, e);
      }
    });
    const setstat = (id: number, real: string, a: Attributes, fd?: number) => {
      if (a.mode !== undefined) {
        if (fd !== undefined) fs.fchmodSync(fd, a.mode & 0o7777);
        else fs.chmodSync(real, a.mode & 0o7777);
      }
      if (a.size !== undefined) {
        if (fd !== undefined) fs.ftruncateSync(fd, a.size);
        else fs.truncateSync(real, a.size);
      }
      if (a.atime !== undefined && a.mtime !== undefined) fs.utimesSync(real, a.atime, a.mtime);
      sftp.status(id, STATUS_CODE.OK);
    };
    sftp.on('FSETSTAT', (id, hb, a) => {
      const h = getHandle(hb);
      if (!h) return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
      try {
        setstat(id, h.path, a, h.kind === 'file' ? h.fd : undefined);
      } catch (e) {
        fail(id, e);
      }
    });
    sftp.on('SETSTAT', (id, p, a) => withPath(id, p, (r) => setstat(id, r, a)));
    sftp.on('CLOSE', (id, hb) => {
      const h = getHandle(hb);
      if (!h) return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
      handles.delete(hb.readUInt32BE(0));
      try {
        if (h.kind === 'file') fs.closeSync(h.fd);
        sftp.status(id, STATUS_CODE.OK);
      } catch (e) {
        fail(id, e);
      }
    });
    sftp.on('OPENDIR', (id, p) =>
      withPath(id, p, (r) => {
        if (!fs.statSync(r).isDirectory()) {
          sftp.status(id, STATUS_CODE.FAILURE, 'not a directory');
          return;
        }
        sftp.handle(id, newHandle({ kind: 'dir', path: r, entries: null }));
      }),
    );
    sftp.on('READDIR', (id, hb) => {
      const h = getHandle(hb);
      if (!h || h.kind !== 'dir') return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
      if (h.entries === null) {
        h.entries = ['.', '..', ...fs.readdirSync(h.path).sort()];
      }
      if (!h.entries.length) return sftp.status(id, STATUS_CODE.EOF);
      const batch = h.entries.splice(0, 100);
      sftp.name(
        id,
        batch.map((n) => {
          const st = fs.statSync(path.join(h.path, n));
          return { filename: n, longname: `${st.isDirectory() ? 'd' : '-'}rw-r--r--    1 root     root     ${st.size} ${n}`, attrs: attrsOf(st) };
        }),
      );
    });
    sftp.on('MKDIR', (id, p, a) =>
      withPath(id, p, (r) => {
        fs.mkdirSync(r, { mode: a?.mode ?? 0o755 });
        sftp.status(id, STATUS_CODE.OK);
      }),
    );
    sftp.on('RMDIR', (id, p) =>
      withPath(id, p, (r) => {
        fs.rmdirSync(r);
        sftp.status(id, STATUS_CODE.OK);
      }),
    );
    sftp.on('REMOVE', (id, p) =>
      withPath(id, p, (r) => {
        fs.unlinkSync(r);
        sftp.status(id, STATUS_CODE.OK);
      }),
    );
    sftp.on('RENAME', (id, a, b) =>
      withPath(id, a, (ra) => {
        const rb = resolve(b);
        if (!rb) return sftp.status(id, STATUS_CODE.PERMISSION_DENIED, 'outside the root');
        if (fs.existsSync(rb)) return sftp.status(id, STATUS_CODE.FAILURE, 'target exists');
        fs.renameSync(ra, rb);
        sftp.status(id, STATUS_CODE.OK);
      }),
    );
    sftp.on('EXTENDED', (id, name, data) => {
      if (name === 'posix-rename@openssh.com' && data) {
        // string oldpath, string newpath
        const l1 = data.readUInt32BE(0);
        const a = data.subarray(4, 4 + l1).toString('utf8');
        const l2 = data.readUInt32BE(4 + l1);
        const b = data.subarray(8 + l1, 8 + l1 + l2).toString('utf8');
        const ra = resolve(a);
        const rb = resolve(b);
        if (!ra || !rb) return sftp.status(id, STATUS_CODE.PERMISSION_DENIED, 'outside the root');
        try {
          fs.renameSync(ra, rb);
          sftp.status(id, STATUS_CODE.OK);
        } catch (e) {
          fail(id, e);
        }
        return;
      }
      sftp.status(id, STATUS_CODE.OP_UNSUPPORTED);
    });
    for (const ev of ['READLINK', 'SYMLINK'] as const) sftp.on(ev, (id: number) => sftp.status(id, STATUS_CODE.OP_UNSUPPORTED));
    sftp.on('close', () => {
      for (const h of handles.values()) if (h.kind === 'file') fs.closeSync(h.fd);
      handles.clear();
    });
  };

  // ---- SSH server ----
  const clients = new Set<Connection>();
  const safeEqual = (a: string, b: string) => {
    const ha = crypto.createHash('sha256').update(a).digest();
    const hb = crypto.createHash('sha256').update(b).digest();
    return crypto.timingSafeEqual(ha, hb);
  };
  const server = new Server({ hostKeys: [keys.private], ident: 'OpenSSH_7.7' }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password') {
        if (ctx.username === username && safeEqual(ctx.password, password)) ctx.accept();
        else ctx.reject(['password', 'keyboard-interactive']);
      } else if (ctx.method === 'keyboard-interactive') {
        ctx.prompt([{ prompt: 'Password: ', echo: false }], 'Keyboard-interactive authentication', '', (answers) => {
          if (ctx.username === username && answers.length === 1 && safeEqual(answers[0], password)) ctx.accept();
          else ctx.reject(['password', 'keyboard-interactive']);
        });
      } else ctx.reject(['password', 'keyboard-interactive']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('exec', (accept, _reject, info) => {
          const stream: ServerChannel = accept();
          execLine(info.command).then(
            (r) => {
              if (r.stdout) stream.write(r.stdout);
              if (r.stderr) stream.stderr.write(r.stderr);
              stream.exit(r.code);
              stream.end();
            },
            (e: unknown) => {
              stream.stderr.write(`sh: internal error: ${String(e)}\n`);
              stream.exit(1);
              stream.end();
            },
          );
        });
        session.on('sftp', (accept) => serveSftp(accept()));
        session.on('shell', (_accept, reject) => reject?.());
        session.on('pty', (accept) => accept?.());
        session.on('env', (accept) => accept?.());
      });
    });
  });

  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const port = (server.address() as AddressInfo).port;

  let stopping: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    username,
    password,
    hostKeySha256,
    hostKey: `ssh-ed25519 ${hostKeyBlob.toString('base64')}`,
    hostKeyBlob,
    root,
    get failRestart() {
      return state.failRestart;
    },
    set failRestart(v: boolean) {
      state.failRestart = v;
    },
    get restartFailure() {
      return state.restartFailure;
    },
    set restartFailure(v: RestartFailure | undefined) {
      state.restartFailure = v ? { ...v } : undefined;
    },
    get servedCerts() {
      return state.servedCerts;
    },
    get unresponsive() {
      return state.paused;
    },
    get commands() {
      return state.commands;
    },
    get restarts() {
      return state.restarts;
    },
    stop() {
      stopping ??= new Promise<void>((res) => {
        resume();
        for (const c of clients) c.end();
        server.close(() => {
          fs.rmSync(root, { recursive: true, force: true });
          res();
        });
      });
      return stopping;
    },
  };
}
