/**
 * The vCenter appliance 6.5/6.7 shell, for the ESXi simulator paired with a vCenter vcsim (not
 * `-esx`): `vecs-cli` (VMware Endpoint Certificate Store), `service-control`. The documented
 * sequence (vSphere 6.7 security guide, "Replace Machine SSL Certificate with Custom Certificates"
 * with vecs-cli; DOMAIN.md §7): `service-control --stop --all`, `service-control --start vmafdd`,
 * `vecs-cli entry delete --store MACHINE_SSL_CERT --alias __MACHINE_CERT -y`, `vecs-cli entry create
 * --store MACHINE_SSL_CERT --alias __MACHINE_CERT --cert C --key K`, `service-control --start --all`.
 *
 * The stores are files under the host root (/storage/vlab-vecs/<STORE>/<alias>.crt|.key), the machine
 * certificate seeded from the paired vcsim's. `service-control --start --all` puts MACHINE_SSL_CERT
 * in service on the vcsim (files + SIGHUP, as a hostd restart does) and honours `failRestart` /
 * `restartFailure` (after-load) like the ESXi agents; `vecs-cli` refuses to run while vmafdd is down.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Host } from './host';
import { err, ok, type ExecResult } from './shell';

const VECS = 'storage/vlab-vecs';
interface VecsState { vmafdd: boolean; all: boolean }
const states = new WeakMap<Host, VecsState>();

function state(host: Host): VecsState {
  let s = states.get(host);
  if (!s) {
    s = { vmafdd: true, all: true };
    states.set(host, s);
    const dir = path.join(host.root, VECS, 'MACHINE_SSL_CERT');
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(host.vcsim.certFile, path.join(dir, '__MACHINE_CERT.crt'));
      fs.copyFileSync(host.vcsim.keyFile, path.join(dir, '__MACHINE_CERT.key'));
      fs.mkdirSync(path.join(host.root, VECS, 'TRUSTED_ROOTS'), { recursive: true });
    }
  }
  return s;
}

function opt(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function entryPath(host: Host, store: string, alias: string, ext: 'crt' | 'key'): string {
  return path.join(host.root, VECS, store.replace(/[^A-Za-z0-9_]/g, '_'), `${alias.replace(/[^A-Za-z0-9_.-]/g, '_')}.${ext}`);
}

/** `vecs-cli entry list|getcert|getkey|delete|create …` and `vecs-cli store list`. */
export function vecsCli(host: Host, args: string[], cwd: string): ExecResult {
  const s = state(host);
  if (!s.vmafdd) return err('Error: 382312694 (vmafdd is not running)\nvecs-cli failed. Error 382312694.\n');
  const [noun, verb] = args;
  if (noun === 'store' && verb === 'list') return ok(fs.readdirSync(path.join(host.root, VECS)).join('\n') + '\n');
  if (noun !== 'entry') return err('Usage: vecs-cli { store | entry | force-refresh } …\n');
  const store = opt(args, '--store');
  const alias = opt(args, '--alias');
  if (!store) return err('Error: --store is required\n', 22);
  if (verb === 'list') return ok(fs.readdirSync(path.dirname(entryPath(host, store, 'x', 'crt'))).filter((f) => f.endsWith('.crt')).map((f) => `Alias :\t${f.slice(0, -4)}`).join('\n') + '\n');
  if (!alias) return err('Error: --alias is required\n', 22);
  const crt = entryPath(host, store, alias, 'crt');
  const key = entryPath(host, store, alias, 'key');
  const resolve = (p: string | undefined): string | null => (p ? host.resolve(p, cwd) : null);
  switch (verb) {
    case 'getcert':
    case 'getkey': {
      const src = verb === 'getcert' ? crt : key;
      if (!fs.existsSync(src)) return err(`Error: 4312 (entry ${alias} not found in ${store})\n`);
      const out = resolve(opt(args, '--output'));
      if (!out) return ok(fs.readFileSync(src, 'utf8'));
      fs.copyFileSync(src, out);
      return ok();
    }
    case 'delete':
      if (!fs.existsSync(crt)) return err(`Error: 4312 (entry ${alias} not found in ${store})\n`);
      if (!args.includes('-y')) return err('Deleting an entry needs -y in a non-interactive shell.\n');
      fs.rmSync(crt, { force: true });
      fs.rmSync(key, { force: true });
      return ok(`Deleted entry with alias [${alias}] in store [${store}] successfully\n`);
    case 'create': {
      const c = resolve(opt(args, '--cert'));
      const k = resolve(opt(args, '--key'));
      if (!c || !fs.existsSync(c)) return err('Error: --cert file not found\n', 2);
      if (fs.existsSync(crt)) return err(`Error: 183 (entry ${alias} already exists in ${store})\n`);
      try {
        new crypto.X509Certificate(fs.readFileSync(c));
        if (k) crypto.createPrivateKey(fs.readFileSync(k));
      } catch (e) {
        return err(`Error: invalid certificate or key: ${(e as Error).message}\n`);
      }
      fs.mkdirSync(path.dirname(crt), { recursive: true });
      fs.copyFileSync(c, crt);
      if (k) fs.copyFileSync(k, key);
      return ok(`Entry with alias [${alias}] in store [${store}] was created successfully\n`);
    }
    default:
      return err('Usage: vecs-cli entry { list | getcert | getkey | create | delete } …\n');
  }
}

/** Loads MACHINE_SSL_CERT/__MACHINE_CERT into the paired vcsim; a message when it does not load. */
async function loadMachineCert(host: Host): Promise<string | undefined> {
  try {
    const crt = fs.readFileSync(entryPath(host, 'MACHINE_SSL_CERT', '__MACHINE_CERT', 'crt'));
    const key = fs.readFileSync(entryPath(host, 'MACHINE_SSL_CERT', '__MACHINE_CERT', 'key'));
    if (!new crypto.X509Certificate(crt).checkPrivateKey(crypto.createPrivateKey(key))) return 'the machine SSL key does not match its certificate';
    fs.writeFileSync(host.vcsim.certFile, crt);
    fs.writeFileSync(host.vcsim.keyFile, key, { mode: 0o600 });
    await host.vcsim.reloadCert();
  } catch (e) {
    return `cannot load MACHINE_SSL_CERT: ${(e as Error).message}`;
  }
  return undefined;
}

/** `service-control --stop --all | --start --all | --start SERVICE | --status`. */
export async function serviceControl(host: Host, args: string[]): Promise<ExecResult> {
  const s = state(host);
  const { state: st } = host;
  if (args[0] === '--status') return ok(`Running:\n ${s.all ? 'vmafdd vmdird vmcad rhttpproxy vpxd vsphere-ui' : s.vmafdd ? 'vmafdd' : ''}\n`);
  if (args[0] === '--stop' && args[1] === '--all') {
    s.all = false;
    s.vmafdd = false;
    return ok('Operation not cancellable. Please wait for it to finish...\nPerforming stop operation on service vsphere-ui...\nSuccessfully stopped service vsphere-ui\nPerforming stop operation on service vpxd...\nSuccessfully stopped service vpxd\nPerforming stop operation on service rhttpproxy...\nSuccessfully stopped service rhttpproxy\nPerforming stop operation on service vmafdd...\nSuccessfully stopped service vmafdd\n');
  }
  if (args[0] === '--start' && args[1] && args[1] !== '--all') {
    if (args[1] === 'vmafdd') s.vmafdd = true;
    return ok(`Operation not cancellable. Please wait for it to finish...\nPerforming start operation on service ${args[1]}...\nSuccessfully started service ${args[1]}\n`);
  }
  if (args[0] === '--start' && args[1] === '--all') {
    host.resume();
    if (st.failRestart) return err('Service-control failed. Error: Failed to start services in profile ALL. RC=1, stderr=Failed to start rhttpproxy services.\n');
    s.vmafdd = true;
    const why = await loadMachineCert(host);
    if (why) return err(`Service-control failed. Error: Failed to start rhttpproxy: ${why}\n`);
    st.servedCerts.push(host.vcsim.thumbprintSha256);
    const late = st.restartFailure;
    if (late) {
      if (late.times !== undefined && --late.times <= 0) st.restartFailure = undefined;
      return err('Service-control failed. Error: Failed to start services in profile ALL. RC=1, stderr=Failed to start vpxd services.\n');
    }
    s.all = true;
    st.restarts++;
    return ok('Operation not cancellable. Please wait for it to finish...\nPerforming start operation on profile: ALL...\nSuccessfully started service vmafdd\nSuccessfully started service rhttpproxy\nSuccessfully started service vpxd\nSuccessfully started service vsphere-ui\n');
  }
  return err('usage: service-control [--start|--stop] [--all | SERVICE…] | --status\n');
}
