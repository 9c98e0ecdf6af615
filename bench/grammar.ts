/**
 * Grammar benchmark: our vmware.log and Data Recovery log grammars against VS Code's built-in `log`
 * grammar, tokenizing the same synthetic files in the same run.
 *
 *   npm run bench -- grammar            (or: npx tsx bench/grammar.ts)
 *
 * The peer grammar ships inside code-server (.vscode-test/code-server/**\/extensions/log/syntaxes/
 * log.tmLanguage.json); VLAB_PEER_LOG_GRAMMAR=/path/to/log.tmLanguage.json overrides the search.
 * Without it the bench fails (an ERROR row): there is no stand-in peer.
 *
 * Method: 50,000 lines per log (VLAB_BENCH_LINES overrides, for quick checks only), generated from a fixed seed. Each grammar tokenizes the whole file
 * in ≥ 15 interleaved rounds through bench/harness.ts, timed with tokenizeLine2 as VS Code does. Total time is
 * the median run; a line's time is its minimum over the runs (so a GC pause in one run does not make a
 * line look slow); "slowest line" is the worst such time after the first 100 lines. Coverage comes
 * from an untimed tokenizeLine pass: the share of characters whose scopes go beyond the root scope.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vsctm from 'vscode-textmate';
import * as onig from 'vscode-oniguruma';
import { standalone, type Harness } from './harness';
import { rng } from '../test/fixtures/rng';

const ROOT = path.resolve(__dirname, '..');
const LINES = Number(process.env.VLAB_BENCH_LINES) || 50_000;
const WARM_LINES = 100;
const TARGET_RATIO = 1.0;
const TARGET_SLOW_MS = 2;

// ---------------------------------------------------------------- synthetic logs


type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const hex = (r: Rand, digits: number, upper = false): string => {
  let s = '';
  for (let i = 0; i < digits; i++) s += '0123456789abcdef'[int(r, 0, 15)];
  return upper ? s.toUpperCase() : s;
};
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const VMS = ['Email', 'SQL01', 'DC02', 'Web Front 1', 'fileserver', 'W2K8R2-App', 'vCenter', 'Exchange2010'];
const DATASTORES = ['SAN', 'datastore1', 'LUN02_SAS', 'nfs-iso', 'VMFS-Gold'];

class Clock {
  private t: number;
  constructor(start: Date) { this.t = start.getTime(); }
  tick(r: Rand): Date { this.t += int(r, 0, 900); return new Date(this.t); }
}

function vmwareLog(n: number): string[] {
  const r = rng(0x5eed1);
  const clock = new Clock(new Date(Date.UTC(2012, 6, 6, 21, 0, 0)));
  const uuid = `${hex(r, 8)}-${hex(r, 8)}-${hex(r, 4)}-${hex(r, 12)}`;
  const vm = (): string => pick(r, VMS);
  const vmdk = (): string => { const v = vm(); return `/vmfs/volumes/${uuid}/${v}/${v}-${pad(int(r, 1, 3), 6)}.vmdk`; };
  const ws = (d: Date): string =>
    `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}:`;
  const isoZ = (d: Date): string => `${d.toISOString()}|`;
  const isoOff = (d: Date): string => `${d.toISOString().slice(0, 23)}+01:00|`;
  const messages: Array<[weight: number, thread: () => string, level: string, text: () => string]> = [
    [6, () => 'vmx', 'I120', () => `DICT ${pick(r, ['  config.version', 'virtualHW.version', ' scsi0:0.fileName', 'ethernet0.present', '   displayName', ' memsize', 'guestOS'])} = ${pick(r, ['8', '7', `${vm()}-000001.vmdk`, 'TRUE', 'FALSE', vm(), '4096', 'windows7srv-64'])}`],
    [1, () => 'vmx', 'I120', () => `DICT --- CONFIGURATION /vmfs/volumes/${uuid}/${vm()}/${vm()}.vmx`],
    [1, () => 'vmx', 'I120', () => `Log for VMware Workstation pid=${int(r, 1000, 65000)} version=7.1.1 build=build-282343 option=Release`],
    [4, () => 'vmx', 'I120', () => `DISKLIB-LIB   : Opened "${vmdk()}" (flags 0x${hex(r, 1)}, type vmfs).`],
    [3, () => 'vmx', 'I120', () => `DISKLIB-VMFS  : "${vmdk()}" : open successful (${int(r, 1, 40)}) size = ${int(r, 1, 99)}949672960, hd = ${int(r, 10000, 999999)}. Type 3`],
    [3, () => 'vmx', 'I120', () => `DISK: OPEN scsi0:${int(r, 0, 3)} '${vmdk()}' persistent R[]`],
    [2, () => 'vmx', 'I120', () => `SNAPSHOT: SnapshotPrepareTakeDoneCB: Prepare phase complete (The operation completed successfully).`],
    [1, () => pick(r, ['vmx', 'vcpu-0']), 'E105', () => `SNAPSHOT:Failed to open disk ${vmdk()} : Failed to lock the file (16392)`],
    [1, () => 'vmx', 'W110', () => `AIOGNRC: Failed to open '${vmdk()}' : Failed to lock the file (40003) (0x2013).`],
    [1, () => 'vmx', 'E105', () => 'Msg_Post: Error'],
    [1, () => 'vmx', 'E105', () => `[msg.disk.noBackEnd] Cannot open the disk '${vmdk()}' or one of the snapshot disks it depends on.`],
    [3, () => 'vmx', 'I120', () => `TOOLS received request in VMX to set option 'synctime' -> '${int(r, 0, 1)}'`],
    [3, () => 'vmx', 'I120', () => `GuestRpc: Got RPCI vsocket connection ${int(r, 1, 99)}, assigned to channel ${int(r, 0, 3)}.`],
    [2, () => 'vmx', 'W110', () => 'Tools: Tools heartbeat timeout.'],
    [2, () => 'vmx', 'I120', () => `Tools: Changing running status: ${int(r, 0, 2)} => ${int(r, 0, 2)}.`],
    [2, () => 'vmx', 'I120', () => `VMXVmdbCbVmVmxExecState: Exec state change requested to state poweredOn without reset, soft, softOptionTimeout: ${int(r, 0, 20000000)}.`],
    [3, () => 'vmx', 'I120', () => `Vix: [${int(r, 1000, 99999)} mainDispatch.c:${int(r, 100, 5000)}]: VMAutomation_ReportPowerOpFinished: statevar=${int(r, 0, 3)}, newAppState=${int(r, 1870, 1880)}, success=1 additionalError=0`],
    [3, () => 'mks', 'I120', () => `MKS-SWB: Number of MKSWindows changed: ${int(r, 0, 2)} rendering MKSWindow(s) of total ${int(r, 1, 2)}.`],
    [2, () => 'svga', 'I120', () => `SVGA: Registering MemSpace at 0x${hex(r, 8)}(0x${hex(r, 8)}) and 0x${hex(r, 8)}(0x${hex(r, 8)})`],
    [5, () => `vcpu-${int(r, 0, 3)}`, 'I120', () => `HBACommon: First write on scsi0:${int(r, 0, 3)}.fileName='${vmdk()}'`],
    [4, () => `vcpu-${int(r, 0, 3)}`, 'I120', () => `Guest: toolbox: Version: build-${int(r, 100000, 9999999)}`],
    [2, () => `vcpu-${int(r, 0, 3)}`, 'I120', () => `VMMouse: CMD Read ID`],
    [1, () => 'vcpu-0', 'E105', () => `PANIC: VERIFY bora/vmcore/vmx/main/vmxTimer.c:${int(r, 100, 900)}`],
    [1, () => 'vmx', 'I120', () => `Backtrace[${int(r, 0, 16)}] 0x${hex(r, 8)} eip 0x${hex(r, 7)}`],
    [2, () => 'vmx', 'I120', () => `IP=192.168.${int(r, 0, 255)}.${int(r, 1, 254)} (en${int(r, 0, 2)})`],
    [1, () => 'vmx', 'I120', () => `HOST sysname Linux, nodename esx${pad(int(r, 1, 20))}, release 2.6.32, version #1 SMP Thu Feb 1 19:52:28 UTC 2007, machine x86_64, SMP, hz=250`],
    [2, () => 'vmx', 'I120', () => `Host: CPU #${int(r, 0, 15)} LAPIC ID 0x${hex(r, 2)}, node 0x00`],
    [1, () => 'vmx', 'W110', () => `FILEIO: Unknown filesystem 0x65735546 for directory /media/dropzone/${vm()}. Using non-linking locking.`],
    [2, () => 'vmx', 'A100', () => `ConfigDB: Setting ethernet${int(r, 0, 3)}.connectionType = "${pick(r, ['nat', 'bridged', 'hostonly'])}"`],
    [1, () => 'vmx', 'W110', () => `OBJLIB-FILEBE : FileBEOpen: can't open '${vmdk()}' : Could not find the file (393218).`],
    [1, () => 'vmx', 'E105', () => 'Module DiskEarly power on failed.'],
    [2, () => 'vmx', 'I120', () => `Checkpoint_Unstun: vm stopped for ${int(r, 1000, 9999999)} us`],
    [2, () => 'vmx', 'I120', () => `USBIO: Down dev=${int(r, 1, 9)} 'usb:${int(r, 1, 9)}' endpt=${int(r, 1, 129)} stream=0 datalen=${int(r, 1, 4096)} numPackets=0 status=0 0`],
    [2, () => 'vmx', 'I120', () => `SnapshotVMX_TakeSnapshot start: 'VDR-SNAPSHOT', deviceState=0, lazy=0, logging=0, quiesced=1, forceNative=0, tryNative=1, sibling=0 saveAllocMaps=0 cb=${hex(r, 8, true)}, cbData=${hex(r, 8, true)}`],
    [2, () => 'vmx', 'I120', () => `ToolsBackup: changing quiesce state: ${pick(r, ['IDLE -> STARTED', 'STARTED -> COMMITTED', 'COMMITTED -> FINISHED', 'FINISHED -> IDLE'])}`],
    [1, () => 'vmx', 'I120', () => `[datastore1] ${vm()}/${vm()}.vmx: ${pick(r, ['Powering on', 'Powering off', 'Suspending'])}`],
  ];
  const total = messages.reduce((s, m) => s + m[0], 0);
  const out: string[] = [];
  // Real files hold one shape each; runs of a few hundred lines of one shape mimic concatenated logs.
  let shape = 0;
  while (out.length < n) {
    shape = (shape + 1) % 3;
    const run = int(r, 200, 800);
    for (let i = 0; i < run && out.length < n; i++) {
      let w = r() * total;
      let m = messages[0];
      for (const cand of messages) { w -= cand[0]; if (w < 0) { m = cand; break; } }
      const d = clock.tick(r);
      const [, thread, level, text] = m;
      if (shape === 0) out.push(`${ws(d)} ${thread()}| ${text()}`);
      else if (shape === 1) out.push(`${isoZ(d)} ${thread()}| ${text()}`);
      else out.push(`${isoOff(d)} ${thread()}| ${level}: ${text()}`);
    }
  }
  return out;
}

function vdrLog(n: number): string[] {
  const r = rng(0x5eed2);
  const clock = new Clock(new Date(Date.UTC(2012, 6, 7, 18, 0, 0)));
  const vm = (): string => pick(r, VMS);
  const dsPath = (): string => { const v = vm(); return `[${pick(r, DATASTORES)}] ${v}/${v}-${pad(int(r, 1, 3), 6)}.vmdk`; };
  const thread = `0x${hex(r, 8)}`;
  const vcbThread = hex(r, 8, true);
  const job = (): string => pick(r, ['Integrity Check', 'All_Other_VMs_Backup_Job (VM0)', 'Nightly Exchange', 'Weekly Full', 'Reclaim']);
  const us = (d: Date): string =>
    `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}: ${thread}:`;
  const sys = (d: Date): string =>
    `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} vdr`;
  const iso = (d: Date): string => `${d.toISOString().slice(0, 23)}-04:00`;
  const lines: Array<[weight: number, make: (d: Date) => string]> = [
    [3, (d) => `${us(d)} $[*${int(r, 20000, 21000)}]Trouble reading files, error -3956 ( operation failed)`],
    [2, (d) => `${us(d)} Failed to create snapshot for proxy, error -3960 ( cannot quiesce virtual machine)`],
    [1, (d) => `${us(d)} could not find restore point, error -2249 ( could not find restore point)`],
    [6, (d) => `${us(d)} Starting backup of "${vm()}" to /SCSI-0:1/ (${int(r, 1, 64)} disks)`],
    [6, (d) => `${us(d)} Opening disk ${dsPath()}`],
    [5, (d) => `${us(d)} Copying ${int(r, 1, 4096)} MB, ${int(r, 1000, 999999)} blocks changed (CBT), session 0x${hex(r, 4)}`],
    [3, (d) => `${us(d)} Dedupe store /SCSI-0:1/ used ${int(r, 10, 999)}.${int(r, 0, 9)} GB of 1000.0 GB`],
    [3, (d) => `${us(d)} $[*${int(r, 20000, 21000)}]Integrity check: ${int(r, 1, 9999)} restore points checked, ${int(r, 0, 3)} damaged`],
    [2, (d) => `${us(d)} Deleting restore point ${int(r, 1, 99999)} for "${vm()}"`],
    [3, (d) => `${sys(d)} datarecovery: Job "${job()}" completed successfully`],
    [2, (d) => `${sys(d)} datarecovery: Job "${job()}" incomplete`],
    [1, (d) => `${sys(d)} datarecovery: Job terminated at specified stop time.`],
    [2, (d) => `${sys(d)} datarecovery[${int(r, 1000, 9999)}]: Starting "${job()}"`],
    [1, (d) => `${sys(d)} sshd[${int(r, 1000, 9999)}]: Accepted password for root from 10.0.${int(r, 0, 255)}.${int(r, 1, 254)} port ${int(r, 1024, 65535)} ssh2`],
    [2, (d) => `${iso(d)} [${vcbThread} error 'Default'] vcbAPI::Snapshot::Read: Main read failed for disk ${dsPath()}, error: 2338`],
    [6, (d) => `${iso(d)} [${vcbThread} info 'Default'] vcbAPI::Snapshot::Open: Opening disk ${dsPath()} (mode nbd)`],
    [8, (d) => `${iso(d)} [${vcbThread} verbose 'BlockList'] Read ${int(r, 1, 128)} sectors at offset ${int(r, 0, 99999999)}`],
    [2, (d) => `${iso(d)} [${vcbThread} warning 'Default'] VixDiskLib: Unable to open ${dsPath()}: error ${int(r, 1, 20000)}`],
  ];
  const total = lines.reduce((s, l) => s + l[0], 0);
  const out: string[] = [];
  while (out.length < n) {
    let w = r() * total;
    let l = lines[0];
    for (const cand of lines) { w -= cand[0]; if (w < 0) { l = cand; break; } }
    out.push(l[1](clock.tick(r)));
  }
  return out;
}

// ---------------------------------------------------------------- peer grammar

/** Finds VS Code's built-in log grammar inside the code-server install. */
function findPeer(): string | undefined {
  const env = process.env.VLAB_PEER_LOG_GRAMMAR;
  if (env) return fs.existsSync(env) ? env : undefined;
  const base = path.join(ROOT, '.vscode-test', 'code-server');
  if (!fs.existsSync(base)) return undefined;
  const tail = path.join('extensions', 'log', 'syntaxes', 'log.tmLanguage.json');
  let level = [base];
  for (let depth = 0; depth < 9 && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      const candidate = path.join(dir, tail);
      if (fs.existsSync(candidate)) return candidate;
      let entries: fs.Dirent[];
      try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { continue; }
      for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) next.push(path.join(dir, e.name));
    }
    level = next;
  }
  return undefined;
}

// ---------------------------------------------------------------- measuring


async function loadRegistry(files: Map<string, string>): Promise<vsctm.Registry> {
  const wasm = fs.readFileSync(path.join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  return new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new onig.OnigScanner(patterns),
      createOnigString: (s: string) => new onig.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      const file = files.get(scopeName);
      return file ? vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
  });
}

function timeRun(grammar: vsctm.IGrammar, lines: string[], perLine: Float64Array): number {
  let state = vsctm.INITIAL;
  const t0 = process.hrtime.bigint();
  let prev = t0;
  for (let i = 0; i < lines.length; i++) {
    state = grammar.tokenizeLine2(lines[i], state).ruleStack;
    const now = process.hrtime.bigint();
    const us = Number(now - prev) / 1000;
    if (us < perLine[i]) perLine[i] = us;
    prev = now;
  }
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function coverage(grammar: vsctm.IGrammar, lines: string[]): number {
  let state = vsctm.INITIAL;
  let scoped = 0;
  let chars = 0;
  for (const line of lines) {
    const res = grammar.tokenizeLine(line, state);
    state = res.ruleStack;
    chars += line.length;
    for (const t of res.tokens) {
      if (t.scopes.length > 1) scoped += Math.min(t.endIndex, line.length) - Math.min(t.startIndex, line.length);
    }
  }
  return chars === 0 ? 0 : scoped / chars;
}

function slowest(per: Float64Array): number {
  let k = WARM_LINES;
  for (let i = WARM_LINES; i < per.length; i++) if (per[i] > per[k]) k = i;
  return k;
}

/** One log: ours vs the peer grammar through the harness, then the slowest-line and coverage checks. */
async function compare(h: Harness, name: string, title: string, lines: string[], ours: vsctm.IGrammar, peer: vsctm.IGrammar, peerLabel: string): Promise<void> {
  const perOurs = new Float64Array(lines.length).fill(Infinity);
  const perPeer = new Float64Array(lines.length).fill(Infinity);
  const row = await h.bench({
    name, what: `tokenize a ${lines.length}-line ${title} (tokenizeLine2, as VS Code does) vs VS Code's log grammar`,
    ours: { label: `our ${title} grammar`, run: () => ({ ms: timeRun(ours, lines, perOurs) }) },
    peer: { kind: 'peer', label: peerLabel, run: () => ({ ms: timeRun(peer, lines, perPeer) }) },
    warmup: 1, target: { maxRatio: TARGET_RATIO },
  });
  const k = slowest(perOurs);
  h.check({ name: `${name}-slowest-line`, what: `${title}: slowest line after the first ${WARM_LINES} (its minimum over all runs)`, value: Number((perOurs[k] / 1000).toFixed(3)), unit: 'ms',
    target: `≤ ${TARGET_SLOW_MS} ms`, ok: perOurs[k] <= TARGET_SLOW_MS * 1000, note: `line ${k + 1}: ${lines[k].slice(0, 120)}` });
  const co = coverage(ours, lines);
  const cp = coverage(peer, lines);
  h.check({ name: `${name}-coverage`, what: `${title}: share of characters scoped beyond the root`, value: Number((co * 100).toFixed(1)), unit: '% scoped',
    target: `> peer's ${(cp * 100).toFixed(1)} %`, ok: co > cp });
  h.note(`${name}: ${((row.ours.median * 1000) / lines.length).toFixed(2)} µs/line ours, ${(((row.peer?.median ?? NaN) * 1000) / lines.length).toFixed(2)} µs/line peer (medians)`);
}

/** bench/grammar through the harness. */
export async function run(h: Harness): Promise<void> {
  const peerFile = findPeer();
  if (!peerFile) {
    throw new Error(process.env.VLAB_PEER_LOG_GRAMMAR
      ? `VLAB_PEER_LOG_GRAMMAR=${process.env.VLAB_PEER_LOG_GRAMMAR} does not exist`
      : `VS Code's built-in log grammar was not found under ${path.join(ROOT, '.vscode-test', 'code-server')}: install code-server there (DESIGN.md "The rig") or set VLAB_PEER_LOG_GRAMMAR`);
  }
  const files = new Map<string, string>([
    ['text.log.vmware', path.join(ROOT, 'syntaxes', 'vmware-log.tmLanguage.json')],
    ['text.log.vdr', path.join(ROOT, 'syntaxes', 'vdr-log.tmLanguage.json')],
  ]);
  const peerScope = (JSON.parse(fs.readFileSync(peerFile, 'utf8')) as { scopeName: string }).scopeName;
  files.set(peerScope, peerFile);
  const peerLabel = `VS Code built-in log grammar (${path.relative(ROOT, peerFile)})`;
  const registry = await loadRegistry(files);
  const load = async (scope: string): Promise<vsctm.IGrammar> => {
    const g = await registry.loadGrammar(scope);
    if (!g) throw new Error(`grammar ${scope} did not load`);
    return g;
  };
  const [vmware, vdr, peer] = [await load('text.log.vmware'), await load('text.log.vdr'), await load(peerScope)];
  await compare(h, 'grammar-vmware', 'vmware.log', vmwareLog(LINES), vmware, peer, peerLabel);
  await compare(h, 'grammar-vdr', 'Data Recovery log', vdrLog(LINES), vdr, peer, peerLabel);
}

if (require.main === module) standalone('grammar', run);
