/**
 * The ESXi simulator's command table: one entry per command line it answers. An entry matches
 * when its words start the command (`exact`: are the whole command); the longest match wins, so
 * `vim-cmd vmsvc/getallvms` beats the `vim-cmd` entry that prints the usage. `exists` hides an
 * entry on generations that lack it (`esxcli system …` came with 5.0, `/etc/init.d/rhttpproxy`
 * with 5.x). Anything unmatched answers like busybox: `sh: X: not found`, exit 127.
 */
import { restartAgent } from './agents';
import { esxtop } from './esxtop';
import { cat, copyOrMove, ls, mkdir, rm, test } from './files';
import { serviceControl, vecsCli } from './vecs';
import { vmid, type Host } from './host';
import { err, ok, type ExecResult } from './shell';

export interface Command {
  words: string[];
  exact?: boolean;
  exists?: (host: Host) => boolean;
  /** `args`: the words after the entry's own. */
  run: (host: Host, args: string[], cwd: string) => ExecResult | Promise<ExecResult>;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

async function getallvms(host: Host): Promise<ExecResult> {
  const vms = await host.vcsim.listVms();
  const rows = vms.map((v) => [String(vmid(v)), v.name, v.vmxPath, v.guestId, v.version, '']);
  const head = ['Vmid', 'Name', 'File', 'Guest OS', 'Version', 'Annotation'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, w[i] + 3))).join('').trimEnd();
  return ok([fmt(head), ...rows.map(fmt)].join('\n') + '\n');
}

async function powerGetstate(host: Host, id: string | undefined): Promise<ExecResult> {
  const vm = (await host.vcsim.listVms()).find((v) => String(vmid(v)) === id);
  if (!vm) return err(`(vim.fault.NotFound) {\n   faultCause = (vmodl.MethodFault) null,\n   msg = "Unable to find a VM corresponding to "${id ?? ''}""\n}\n`);
  const label = vm.powerState === 'poweredOn' ? 'Powered on' : vm.powerState === 'suspended' ? 'Suspended' : 'Powered off';
  return ok(`Retrieved runtime info\n${label}\n`);
}

function versionGet(host: Host): ExecResult {
  const f = host.facts;
  return ok(`   Product: VMware ESXi\n   Version: ${f.version}\n   Build: Releasebuild-${f.build}\n   Update: ${f.update}\n${f.esxcliPatch ? '   Patch: 0\n' : ''}`);
}

function hostnameGet(host: Host): ExecResult {
  const [h, ...d] = host.hostname.split('.');
  return ok(`   Domain Name: ${d.join('.')}\n   Fully Qualified Domain Name: ${host.hostname}\n   Host Name: ${h}\n`);
}

const vmwareV = (h: Host) => `VMware ESXi ${h.facts.version} build-${h.facts.build}\n`;

/** Every init script a generation may have; `exists` keeps those of the host's generation. */
const INIT_SCRIPTS = ['hostd', 'rhttpproxy', 'vpxa', 'sfcbd-watchdog', 'wsman', 'slpd', 'vmsyslogd'];

function initScript(name: string): Command {
  return {
    words: [`/etc/init.d/${name}`],
    exists: (h) => h.facts.initScripts.includes(name),
    run: (host, args) => {
      if (args[0] === 'restart' && (name === 'hostd' || name === 'rhttpproxy')) return restartAgent(host, name, false);
      if (args[0] === 'restart') return ok(`watchdog-${name}: Terminating watchdog process with PID ${30000 + Math.floor(Math.random() * 9999)}\n${name} stopped.\n${name} started.\n`);
      if (args[0] === 'status') return ok(`${name} is running.\n`);
      return err(`Usage: /etc/init.d/${name} {start|stop|restart|status}\n`);
    },
  };
}

const servicesSh = (words: string[]): Command => ({
  words,
  run: (host, args) => (args[0] === 'restart' ? restartAgent(host, host.facts.httpsAgent, true) : err('Usage: services.sh {start|stop|restart}\n')),
});

export const COMMANDS: Command[] = [
  { words: ['vim-cmd', 'vmsvc/getallvms'], run: (h) => getallvms(h) },
  { words: ['vim-cmd', 'vmsvc/power.getstate'], run: (h, a) => powerGetstate(h, a[0]) },
  { words: ['vim-cmd'], run: () => err('Insufficient arguments.\nUsage: vim-cmd [options] command [args]\n') },
  { words: ['esxcli', 'system', 'version', 'get'], exact: true, exists: (h) => h.facts.esxcliSystem, run: (h) => versionGet(h) },
  { words: ['esxcli', 'system', 'hostname', 'get'], exact: true, exists: (h) => h.facts.esxcliSystem, run: (h) => hostnameGet(h) },
  { words: ['esxcli'], run: (_h, a) => err(`Error: Unknown command or namespace ${a.join(' ')}\n`) },
  { words: ['vmware', '-v'], run: (h) => ok(vmwareV(h)) },
  { words: ['vmware', '--version'], run: (h) => ok(vmwareV(h)) },
  { words: ['vmware', '-l'], run: (h) => ok(`${h.facts.level}\n`) },
  { words: ['vmware', '-vl'], run: (h) => ok(`${vmwareV(h)}${h.facts.level}\n`) },
  { words: ['vmware', '-lv'], run: (h) => ok(`${vmwareV(h)}${h.facts.level}\n`) },
  { words: ['vmware'], run: () => err('vmware: unknown option\n') },
  { words: ['esxtop'], run: (h, a) => esxtop(h, a) },
  ...INIT_SCRIPTS.map(initScript),
  servicesSh(['services.sh']),
  servicesSh(['/sbin/services.sh']),
  // A vCenter appliance 6.5/6.7 (the simulator paired with a vCenter vcsim): vecs.ts.
  { words: ['/usr/lib/vmware-vmafd/bin/vecs-cli'], exists: (h) => !h.vcsim.esx, run: (h, a, cwd) => vecsCli(h, a, cwd) },
  { words: ['vecs-cli'], exists: (h) => !h.vcsim.esx, run: (h, a, cwd) => vecsCli(h, a, cwd) },
  { words: ['service-control'], exists: (h) => !h.vcsim.esx, run: (h, a) => serviceControl(h, a) },
  { words: ['ls'], run: (h, a, cwd) => ls(h.resolve, a, cwd) },
  { words: ['cat'], run: (h, a, cwd) => cat(h.resolve, a, cwd) },
  { words: ['cp'], run: (h, a, cwd) => copyOrMove(h.resolve, 'cp', a, cwd) },
  { words: ['mv'], run: (h, a, cwd) => copyOrMove(h.resolve, 'mv', a, cwd) },
  { words: ['rm'], run: (h, a, cwd) => rm(h.resolve, a, cwd) },
  { words: ['mkdir'], run: (h, a, cwd) => mkdir(h.resolve, a, cwd) },
  { words: ['test'], run: (h, a, cwd) => test(h.resolve, false, a, cwd) },
  { words: ['['], run: (h, a, cwd) => test(h.resolve, true, a, cwd) },
  { words: ['echo'], run: (_h, a) => ok(a.join(' ') + '\n') },
  { words: ['hostname'], run: (h) => ok(h.hostname + '\n') },
  { words: ['true'], run: () => ok() },
  { words: ['false'], run: () => ({ stdout: '', stderr: '', code: 1 }) },
];

/** The entry that answers `words` on `host`, with the arguments after its own words. */
export function lookup(host: Host, words: string[], table: Command[] = COMMANDS): { cmd: Command; args: string[] } | undefined {
  let best: Command | undefined;
  for (const c of table) {
    if (c.words.length > words.length || (c.exact && c.words.length !== words.length)) continue;
    if (!c.words.every((w, i) => w === words[i])) continue;
    if (c.exists && !c.exists(host)) continue;
    if (!best || c.words.length > best.words.length) best = c;
  }
  return best && { cmd: best, args: words.slice(best.words.length) };
}

/** Run one command (already split into words) on the host. */
export async function runCommand(host: Host, words: string[], cwd: string): Promise<ExecResult> {
  const hit = lookup(host, words);
  if (!hit) return err(`sh: ${words[0]}: not found\n`, 127);
  return hit.cmd.run(host, hit.args, cwd);
}
