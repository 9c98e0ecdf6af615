/**
 * ESXi shell simulator on ssh2's Server, paired with a vcsim (ideally `-esx`).
 *
 * - Host key: ed25519, generated per run.
 * - Auth: password and keyboard-interactive (ESXi's default for root).
 * - SFTP (sftp.ts) over a temp directory that plays the host's "/": seeded with
 *   /etc/vmware/ssl/rui.crt + rui.key (= the paired vcsim's current cert/key),
 *   /etc/vmware/hostd/config.xml, /etc/init.d/* and one .vmx per VM under /vmfs/volumes/<ds>/.
 * - shell (on a pty): an interactive prompt running the same command table line by line
 *   (interactive.ts), for the SSH terminal; pty and window-change sizes recorded.
 * - exec: the command table in commands.ts (vim-cmd, esxcli, vmware -v, esxtop -b, the init
 *   scripts, services.sh, busybox file commands); shell.ts does `;`, `&&`, `||`, `>` and `>>`.
 * - `generation` (or the paired vcsim's) picks what the shell says it is (generations.ts).
 * - hostd restart copies rui.crt/rui.key from the SFTP root over the vcsim's cert files
 *   and SIGHUPs it, so the paired vcsim serves the new certificate (agents.ts, which also
 *   describes `failRestart` and `restartFailure`). `servedCerts` records the SHA-256 of every
 *   pair put in service, the initial one first.
 * VM list and power states come from the paired vcsim (GET /lab/vms); balloon/swap
 * figures in esxtop from its injected perf samples (GET /lab/perf).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { Server, type Connection, type ServerChannel } from 'ssh2';
import type { AddressInfo } from 'node:net';
import { generateEd25519 } from '../certs';
import { esxShellFacts, type EsxShellFacts, type LabGeneration } from '../generations';
import { makeTempDir, type Vcsim } from '../vcsim';
import { runCommand } from './commands';
import { randomPassword, resolverFor, seedRoot, type Host, type HostState, type RestartFailure } from './host';
import { serveInteractive } from './interactive';
import { serveSftp } from './sftp';
import { runLine } from './shell';

export type { RestartFailure } from './host';

export interface EsxiOptions {
  vcsim: Vcsim;
  username?: string;
  password?: string;
  /** Make hostd restarts fail before loading anything (mutable later through the handle). */
  failRestart?: boolean;
  /** Make hostd restarts fail after the new pair was loaded (mutable later through the handle). */
  restartFailure?: RestartFailure;
  /** The release the shell plays (default: the paired vcsim's generation, else the lab's 6.5). */
  generation?: LabGeneration;
  /** Product version facts (default: the generation's; without one vcsim -esx's "6.5.0" build 5969303). */
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

export interface Esxi {
  host: string;
  port: number;
  username: string;
  password: string;
  /** The release the shell plays (undefined: the lab's default 6.5). */
  generation: LabGeneration | undefined;
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
  /** Terminal sizes asked for by interactive shells (pty request, then each window-change). */
  readonly windowSizes: readonly { cols: number; rows: number }[];
  stop(): Promise<void>;
}

/** The generation's facts with the options' explicit version/build/update on top. */
function shellFacts(opts: EsxiOptions, generation: LabGeneration | undefined): EsxShellFacts {
  const base = esxShellFacts(generation);
  if (opts.version === undefined && opts.build === undefined && opts.update === undefined) return base;
  const version = opts.version ?? base.version;
  const update = opts.update ?? base.update;
  return { ...base, version, build: opts.build ?? base.build, update, level: generation ? base.level : `VMware ESXi ${version} Update ${update}` };
}

function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

/** The SSH server: password and keyboard-interactive for one user, exec through `exec`, SFTP over the root. */
function sshServer(privateKey: string, username: string, password: string, host: Host, clients: Set<Connection>): Server {
  const exec = (line: string) => {
    host.state.commands.push(line);
    return runLine(line, (words, cwd) => runCommand(host, words, cwd), host.resolve);
  };
  return new Server({ hostKeys: [privateKey], ident: 'OpenSSH_7.7' }, (client) => {
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
          exec(info.command).then(
            (r) => {
              if (r.dropConnection) { stream.write(r.stdout); client.end(); return; }
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
        session.on('sftp', (accept) => serveSftp(accept(), host.resolve));
        // An interactive shell (the SSH terminal): the same commands, line by line (interactive.ts).
        session.on('shell', (accept) => serveInteractive(accept(), { hostname: host.hostname, user: username, exec }));
        session.on('pty', (accept, _reject, info) => {
          host.state.windowSizes.push({ cols: info.cols, rows: info.rows });
          accept?.();
        });
        session.on('window-change', (accept, _reject, info) => {
          host.state.windowSizes.push({ cols: info.cols, rows: info.rows });
          accept?.();
        });
        session.on('env', (accept) => accept?.());
      });
    });
  });
}

export async function startEsxi(opts: EsxiOptions): Promise<Esxi> {
  const vcsim = opts.vcsim;
  if (!vcsim.certFile) throw new Error('startEsxi needs a vcsim started with certificate files (not builtinCert)');
  const username = opts.username ?? 'root';
  const password = opts.password ?? randomPassword();
  const generation = opts.generation ?? vcsim.generation;
  const facts = shellFacts(opts, generation);

  const keys = generateEd25519();
  const hostKeyBlob = keys.blob;
  const hostKeySha256 = 'SHA256:' + crypto.createHash('sha256').update(hostKeyBlob).digest('base64').replace(/=+$/, '');

  const root = makeTempDir('vlab-esxi-');
  const vms0 = await vcsim.listVms();
  const hostname = opts.hostname ?? vms0[0]?.hostName ?? 'localhost.localdomain';
  seedRoot(root, vcsim, hostname, vms0, facts);

  const state: HostState = {
    failRestart: !!opts.failRestart,
    restartFailure: opts.restartFailure ? { ...opts.restartFailure } : undefined,
    restarts: 0,
    commands: [],
    servedCerts: [vcsim.thumbprintSha256],
    paused: false,
    windowSizes: [],
  };
  const host: Host = {
    root, resolve: resolverFor(root), vcsim, hostname, hostMemoryMB: opts.hostMemoryMB ?? 4096, generation, facts, state,
    esxtopTimeScale: opts.esxtopTimeScale ?? 1,
    resume() {
      if (!state.paused) return;
      state.paused = false;
      try {
        process.kill(vcsim.pid, 'SIGCONT');
      } catch {
        /* already gone */
      }
    },
  };

  const clients = new Set<Connection>();
  const server = sshServer(keys.private, username, password, host, clients);
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
    generation,
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
    get windowSizes() {
      return state.windowSizes;
    },
    stop() {
      stopping ??= new Promise<void>((res) => {
        host.resume();
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
