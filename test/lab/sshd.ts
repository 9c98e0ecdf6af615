/**
 * A real OpenSSH sshd (Debian's /usr/sbin/sshd, not the system service) on a free
 * 127.0.0.1 port, with its own config and host key in a temp dir: `sshd -D -e -f cfg`.
 *
 * Accounts: running as root (the lab sandbox), logins go to a dedicated local user
 * `vlabssh` (created with useradd on first use; root logins stay off). Its password is
 * random, generated once per checkout and kept in <repo>/.lab/sshd-user.json (mode 0600,
 * git-ignored) so concurrent runs agree; it is (re)applied with chpasswd at every start.
 * sshd runs with UsePAM yes, so password and keyboard-interactive both go through PAM
 * (pam_unix); public keys come from an AuthorizedKeysFile in the temp dir with a client
 * ed25519 key generated per run. SFTP is internal-sftp.
 * Not root: sshd runs as the current user, only public-key auth works (password and
 * keyboard-interactive are then undefined/disabled).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateEd25519 } from './certs';
import { REPO_ROOT, _trackLabProcess, makeTempDir } from './vcsim';

export const SSHD_BIN = '/usr/sbin/sshd';
export const SSHD_USER = 'vlabssh';

export interface SshdOptions {
  /** Auth methods sshd offers (default: all three). */
  password?: boolean;
  keyboardInteractive?: boolean;
  publickey?: boolean;
  /** Extra sshd_config lines. */
  extraConfig?: string[];
  timeoutMs?: number;
}

export interface Sshd {
  host: string;
  port: number;
  username: string;
  /** Undefined when password auth is unavailable (not root). */
  password?: string;
  /** OpenSSH-format private key whose public half is authorized. */
  privateKey?: string;
  publicKey?: string;
  /** "SHA256:..." of the host key, as ssh-keygen -lf prints it. */
  hostKeySha256: string;
  hostKeyBlob: Buffer;
  hostKey: string;
  pid: number;
  dir: string;
  /** The sshd log (stderr with -e), for diagnosing failed logins. */
  log(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function ensureUser(): { username: string; password?: string } {
  if (process.getuid?.() !== 0) return { username: os.userInfo().username };
  const stateFile = path.join(REPO_ROOT, '.lab', 'sshd-user.json');
  let password: string | undefined;
  try {
    password = (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { password?: string }).password;
  } catch {
    /* first run */
  }
  if (!password) {
    password = 'Lab-' + crypto.randomBytes(12).toString('base64url');
    fs.mkdirSync(path.dirname(stateFile), { recursive: true });
    fs.writeFileSync(stateFile, JSON.stringify({ username: SSHD_USER, password }) + '\n', { mode: 0o600 });
  }
  if (spawnSync('id', ['-u', SSHD_USER]).status !== 0) {
    const r = spawnSync('useradd', ['-m', '-s', '/bin/sh', '-c', 'vSphere Lab sshd test user', SSHD_USER], { encoding: 'utf8' });
    if (r.status !== 0 && spawnSync('id', ['-u', SSHD_USER]).status !== 0) {
      throw new Error(`useradd ${SSHD_USER} failed: ${r.stderr}`);
    }
  }
  const r = spawnSync('chpasswd', [], { input: `${SSHD_USER}:${password}\n`, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`chpasswd for ${SSHD_USER} failed: ${r.stderr}`);
  return { username: SSHD_USER, password };
}

/** Descendants of pid (children first found by scanning /proc). */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(d), ppid);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent) {
      if (pp === p) {
        out.push(c);
        walk(c);
      }
    }
  };
  walk(pid);
  return out;
}

export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
  if (!fs.existsSync(SSHD_BIN)) throw new Error(`${SSHD_BIN} not found: apt-get install -y openssh-server`);
  const root = process.getuid?.() === 0;
  const { username, password } = ensureUser();
  if (root) fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation dir

  const dir = makeTempDir('vlab-sshd-');
  fs.chmodSync(dir, 0o755); // the user must read authorized_keys
  const hostKeyFile = path.join(dir, 'ssh_host_ed25519_key');
  const hk = generateEd25519();
  fs.writeFileSync(hostKeyFile, hk.private, { mode: 0o600 });
  fs.writeFileSync(hostKeyFile + '.pub', hk.public + '\n');
  const hostKeyBlob = hk.blob;
  const hostKeySha256 = 'SHA256:' + crypto.createHash('sha256').update(hostKeyBlob).digest('base64').replace(/=+$/, '');

  const client = generateEd25519('vlab-test');
  fs.writeFileSync(path.join(dir, 'authorized_keys'), client.public + '\n', { mode: 0o644 });

  const wantPw = (opts.password ?? true) && root;
  const wantKbd = (opts.keyboardInteractive ?? true) && root;
  const wantKey = opts.publickey ?? true;
  const methods = [wantKey && 'publickey', wantPw && 'password', wantKbd && 'keyboard-interactive'].filter(Boolean) as string[];

  const start = async (port: number) => {
    const cfg = [
      `ListenAddress 127.0.0.1`,
      `Port ${port}`,
      `HostKey ${hostKeyFile}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'StrictModes no',
      `PubkeyAuthentication ${wantKey ? 'yes' : 'no'}`,
      `PasswordAuthentication ${wantPw ? 'yes' : 'no'}`,
      `KbdInteractiveAuthentication ${wantKbd ? 'yes' : 'no'}`,
      `UsePAM ${root ? 'yes' : 'no'}`,
      `AuthenticationMethods ${methods.length ? methods.join(' ') : 'publickey'}`,
      'PermitRootLogin no',
      `AllowUsers ${username}`,
      'Subsystem sftp internal-sftp',
      'UseDNS no',
      'PrintMotd no',
      'PrintLastLog no',
      'X11Forwarding no',
      'AllowTcpForwarding no',
      'MaxStartups 100',
      'LoginGraceTime 30',
      'LogLevel VERBOSE',
      ...(opts.extraConfig ?? []),
      '',
    ].join('\n');
    const cfgFile = path.join(dir, 'sshd_config');
    fs.writeFileSync(cfgFile, cfg);
    const child = spawn(SSHD_BIN, ['-D', '-e', '-f', cfgFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    _trackLabProcess(child);
    let log = '';
    const onData = (d: Buffer) => {
      log = (log + d.toString('utf8')).slice(-64_000);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), opts.timeoutMs ?? 10_000);
      const check = () => {
        if (/Server listening on 127\.0\.0\.1 port \d+/.test(log)) {
          clearTimeout(timer);
          child.stderr!.off('data', check);
          resolve(true);
        }
      };
      child.stderr!.on('data', check);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    return { child, ready, exited, log: () => log };
  };

  let run: Awaited<ReturnType<typeof start>> | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    port = await freePort();
    run = await start(port);
    if (run.ready) break;
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await run.exited;
    if (!/Address already in use/.test(run.log())) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start:\n${run.log()}`);
    }
  }
  if (!run?.ready) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`sshd did not start after 5 attempts:\n${run?.log() ?? ''}`);
  }
  const { child, exited } = run;
  const logFn = run.log;

  let stopping: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    username,
    password: wantPw || wantKbd ? password : undefined,
    privateKey: client.private,
    publicKey: client.public,
    hostKeySha256,
    hostKeyBlob,
    hostKey: hk.public,
    pid: child.pid!,
    dir,
    log: logFn,
    stop() {
      stopping ??= (async () => {
        // Session processes are children of the listener; a SIGTERM to it leaves them.
        const kids = child.pid ? descendants(child.pid) : [];
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(t);
        }
        for (const k of kids) {
          try {
            process.kill(k, 'SIGTERM');
          } catch {
            /* already gone */
          }
        }
        fs.rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
