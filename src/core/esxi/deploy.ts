/**
 * Replaces an ESX(i) host's certificate over SSH by executing the pure plan of
 * `planEsxDeploy` (src/core/certs/files.ts): back up /etc/vmware/ssl/rui.crt and rui.key to
 * timestamped copies, upload the new pair under temporary names, move them into place, restart the
 * management agent, wait for HTTPS, and prove the live certificate's SHA-256 is the new one.
 * If anything fails after the files were touched, the backups are restored, the agent restarted
 * again, and the old certificate is shown to be served again.
 *
 * Facts: DOMAIN.md §2 (file locations; `/etc/init.d/hostd restart`, docs.vmware.com vSphere security
 * guide, thinkcloud.nl 2011-01-28).
 *
 * Every step is reported through `onStep` (id, phase, title, status, detail, timing) so a wizard and
 * the CLI show the same progress. The certificate core and ssh2 are loaded only when a deploy runs.
 */
import * as tls from 'node:tls';
import type { DeployPlan, PlanStep } from '../certs/files';
import type { FileInput } from '../certs/verify';
import { CancelledError } from '../errors';
import { SshSession, type SshConnectOptions } from './ssh';

/* eslint-disable @typescript-eslint/no-require-imports */
const certs = {
  files: () => require('../certs/files') as typeof import('../certs/files'),
  inspect: () => require('../certs/inspect') as typeof import('../certs/inspect'),
  x509: () => require('../certs/x509') as typeof import('../certs/x509'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

export type StepStatus = 'pending' | 'running' | 'ok' | 'failed' | 'skipped';
export type StepPhase = 'prepare' | 'deploy' | 'rollback';

export interface StepReport {
  readonly id: string;
  readonly phase: StepPhase;
  readonly title: string;
  readonly status: StepStatus;
  /** What happened, for the administrator (command output on failure, thumbprints…). */
  readonly detail?: string;
  /** ISO time the step started. */
  readonly startedAt?: string;
  readonly ms?: number;
}

export interface EsxDeployOptions {
  /** The host's HTTPS endpoint (what clients and the final check connect to). */
  readonly host: string;
  /** Default 443. */
  readonly port?: number;
  /** How to reach the host over SSH (host defaults to `host`), or an open session to reuse (not closed here). */
  readonly ssh: (Omit<SshConnectOptions, 'host' | 'signal'> & { readonly host?: string }) | SshSession;
  readonly cert: FileInput;
  readonly key: FileInput;
  readonly chain?: FileInput | readonly FileInput[];
  /** Append intermediate CA certificates to rui.crt. Default false. */
  readonly includeIntermediates?: boolean;
  readonly restart?: 'hostd' | 'services.sh';
  readonly sslDir?: string;
  /** Clock for the backup names (tests). */
  readonly now?: Date;
  /** Waiting for HTTPS after a restart; default 180 s. */
  readonly waitTimeoutMs?: number;
  /** How long the live certificate may take to change after the restart; default 30 s. */
  readonly verifyTimeoutMs?: number;
  /** Per command; default 180 s (a hostd restart can take a while). */
  readonly execTimeoutMs?: number;
  readonly onStep?: (step: StepReport) => void;
  /** Cancels the deploy: before the files are moved into place it stops cleanly; afterwards it rolls back. */
  readonly signal?: AbortSignal;
}

export interface EsxDeployResult {
  readonly ok: boolean;
  /** The rollback ran (something failed after the files were moved into place). */
  readonly rolledBack: boolean;
  /** After a rollback: the host serves the previous certificate again. */
  readonly previousCertServed?: boolean;
  readonly host: string;
  readonly port: number;
  readonly previousSha256?: string;
  readonly newSha256: string;
  /** What the host serves at the end. */
  readonly liveSha256?: string;
  readonly backups?: { readonly crt: string; readonly key: string };
  readonly sshHostKey?: string;
  readonly steps: readonly StepReport[];
  /** Why it failed, for the administrator. */
  readonly error?: string;
  readonly failedStep?: string;
}

export class DeployError extends Error {
  /** Full text for the step report (command output); the message stays one line. */
  constructor(message: string, readonly code: string, readonly detail?: string) {
    super(message);
    this.name = 'DeployError';
  }
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> => new Promise((resolve) => {
  const t = setTimeout(done, ms);
  function done(): void {
    clearTimeout(t);
    signal?.removeEventListener('abort', done);
    resolve();
  }
  signal?.addEventListener('abort', done);
});

/** One TLS handshake: resolves true when the endpoint answers. */
function answersTls(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = tls.connect({ host, port, rejectUnauthorized: false, minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0', timeout: timeoutMs, ...(/^[\d.:]+$/.test(host) ? {} : { servername: host }) });
    const end = (ok: boolean): void => { sock.destroy(); resolve(ok); };
    sock.once('secureConnect', () => end(true));
    sock.once('timeout', () => end(false));
    sock.once('error', () => end(false));
  });
}

function tail(text: string, max = 600): string {
  const t = text.trim();
  return t.length > max ? `…${t.slice(-max)}` : t;
}

/** Replaces the host's certificate; never throws for a failed step (see `ok`, `error`), only for bad input. */
export async function deployEsxCertificate(opts: EsxDeployOptions): Promise<EsxDeployResult> {
  const port = opts.port ?? 443;
  const host = opts.host;
  const steps: StepReport[] = [];
  const report = (s: StepReport): StepReport => {
    const i = steps.findIndex((x) => x.id === s.id && x.phase === s.phase);
    if (i >= 0) steps[i] = s; else steps.push(s);
    try { opts.onStep?.(s); } catch { /* a UI callback must not break the deploy */ }
    return s;
  };
  /** Runs one reported step; returns its detail or throws StepFailure. */
  const run = async (phase: StepPhase, id: string, title: string, body: () => Promise<string | undefined>): Promise<void> => {
    const startedAt = new Date();
    report({ id, phase, title, status: 'running', startedAt: startedAt.toISOString() });
    try {
      const detail = await body();
      report({ id, phase, title, status: 'ok', startedAt: startedAt.toISOString(), ms: Date.now() - startedAt.getTime(), ...(detail ? { detail } : {}) });
    } catch (e) {
      const message = (e as Error).message ?? String(e);
      const detail = e instanceof DeployError && e.detail ? e.detail : message;
      report({ id, phase, title, status: 'failed', startedAt: startedAt.toISOString(), ms: Date.now() - startedAt.getTime(), detail });
      throw new StepFailure(id, phase, message, e);
    }
  };
  const skip = (phase: StepPhase, s: PlanStep | { id: string; title: string }, detail?: string): void => {
    report({ id: s.id, phase, title: s.title, status: 'skipped', ...(detail ? { detail } : {}) });
  };

  // ---- prepare: files, thumbprints (bad input throws before anything is touched)
  const { buildEsxFiles, planEsxDeploy } = certs.files();
  let files: Map<string, string | Buffer>;
  let newSha256 = '';
  try {
    await run('prepare', 'files', 'Build rui.crt and rui.key and check they belong together', async () => {
      const built = buildEsxFiles({ cert: opts.cert, key: opts.key, ...(opts.chain !== undefined ? { chain: opts.chain } : {}), includeIntermediates: opts.includeIntermediates ?? false });
      files = new Map(built.map((f) => [f.name, f.contents]));
      newSha256 = certs.x509().describeCertificate(String(files.get('rui.crt'))).sha256Thumbprint;
      return `New certificate SHA-256 ${newSha256}`;
    });
  } catch (e) {
    return { ok: false, rolledBack: false, host, port, newSha256, steps, error: (e as StepFailure).message, failedStep: 'files' };
  }

  const plan: DeployPlan = planEsxDeploy({
    host, port, expectedSha256: newSha256, timestamp: opts.now ?? new Date(),
    ...(opts.restart ? { restart: opts.restart } : {}),
    ...(opts.sslDir ? { sslDir: opts.sslDir } : {}),
    ...(opts.waitTimeoutMs !== undefined ? { waitTimeoutMs: opts.waitTimeoutMs } : {}),
  });
  const inspectTitle = `Read the certificate ${host}:${port} serves now`;
  const connectTitle = 'Log in over SSH';
  report({ id: 'inspect-before', phase: 'prepare', title: inspectTitle, status: 'pending' });
  report({ id: 'connect', phase: 'prepare', title: connectTitle, status: 'pending' });
  for (const s of plan.steps) report({ id: s.id, phase: 'deploy', title: s.title, status: 'pending' });

  const { inspectEndpoint } = certs.inspect();
  const liveSha = async (): Promise<string> => (await inspectEndpoint(host, port, { timeoutMs: 15_000 })).chain[0].sha256Thumbprint;

  let previousSha256: string | undefined;
  let session: SshSession | undefined;
  const ownSession = !(opts.ssh instanceof SshSession);
  const base = { host, port, newSha256, backups: plan.backups };
  try {
    await run('prepare', 'inspect-before', inspectTitle, async () => {
      previousSha256 = await liveSha();
      return previousSha256 === newSha256
        ? `The host already serves the new certificate (SHA-256 ${newSha256}); deploying again is harmless.`
        : `Current certificate SHA-256 ${previousSha256}`;
    });
    await run('prepare', 'connect', connectTitle, async () => {
      if (opts.ssh instanceof SshSession) session = opts.ssh;
      else session = await SshSession.connect({ ...opts.ssh, host: opts.ssh.host ?? host, ...(opts.signal ? { signal: opts.signal } : {}) });
      return `${session.username}@${session.host}:${session.port}, host key ${session.hostKey}`;
    });
  } catch (e) {
    for (const s of plan.steps) skip('deploy', s);
    return { ...base, ok: false, rolledBack: false, ...(previousSha256 ? { previousSha256 } : {}), steps, error: (e as StepFailure).message, failedStep: (e as StepFailure).stepId };
  }
  const ssh = session!;
  const execTimeoutMs = opts.execTimeoutMs ?? 180_000;
  const verifyTimeoutMs = opts.verifyTimeoutMs ?? 30_000;

  const runPlanStep = async (phase: StepPhase, s: PlanStep, signal: AbortSignal | undefined, expectSha?: string): Promise<void> => {
    await run(phase, s.id, s.title, async () => {
      if (signal?.aborted) throw new CancelledError('The deploy');
      switch (s.kind) {
        case 'exec': {
          const r = await ssh.exec(s.command, { timeoutMs: execTimeoutMs, ...(signal ? { signal } : {}) });
          const output = tail([r.stdout, r.stderr].filter(Boolean).join('\n'));
          if (r.code !== 0) {
            // The last line of stderr (else stdout) says why; the whole output goes to the step's detail.
            const why = (r.stderr.trim() || r.stdout.trim()).split('\n').pop()?.trim();
            throw new DeployError(`\`${s.command}\` exited with ${r.code ?? r.signal ?? 'no status'}${why ? ` (${why})` : ''}.`, 'exec', `$ ${s.command}${output ? `\n${output}` : ''}`);
          }
          return `$ ${s.command}${output ? `\n${output}` : ''}`;
        }
        case 'upload': {
          const data = files.get(s.file);
          if (data === undefined) throw new DeployError(`No ${s.file} was built.`, 'internal');
          await ssh.writeFile(s.remotePath, data, s.mode);
          const st = await ssh.stat(s.remotePath);
          const size = Buffer.byteLength(data);
          if (!st || st.size !== size) throw new DeployError(`${s.remotePath} has ${st?.size ?? 0} bytes on the host after the upload, expected ${size}.`, 'upload');
          return `${s.remotePath} (${size} bytes, mode ${s.mode.toString(8)})`;
        }
        case 'wait-for-host': {
          const deadline = Date.now() + s.timeoutMs;
          for (let attempt = 1; ; attempt++) {
            if (await answersTls(host, s.port, 5000)) return attempt > 1 ? `Answered after ${attempt} attempts.` : 'Answered.';
            if (Date.now() > deadline) throw new DeployError(`${host}:${s.port} did not answer HTTPS within ${Math.round(s.timeoutMs / 1000)} s after the restart.`, 'timeout');
            await sleep(1000, signal);
            if (signal?.aborted) throw new CancelledError('Waiting for the host');
          }
        }
        case 'check-thumbprint': {
          const want = (expectSha ?? s.expectedSha256).toUpperCase();
          const deadline = Date.now() + verifyTimeoutMs;
          let seen: string;
          for (;;) {
            try {
              seen = await liveSha();
              if (seen === want) return `The host serves SHA-256 ${seen}.`;
            } catch (e) {
              seen = `(no answer: ${(e as Error).message})`;
            }
            if (Date.now() > deadline || signal?.aborted) {
              throw new DeployError(`The host serves SHA-256 ${seen}, not the expected ${want}.`, 'thumbprint');
            }
            await sleep(1000, signal);
          }
        }
      }
    });
  };

  let failure: StepFailure | undefined;
  let index = 0;
  for (; index < plan.steps.length; index++) {
    const s = plan.steps[index];
    try {
      await runPlanStep('deploy', s, opts.signal);
    } catch (e) {
      failure = e as StepFailure;
      break;
    }
  }

  if (!failure) {
    if (ownSession) ssh.close();
    return { ...base, ok: true, rolledBack: false, ...(previousSha256 ? { previousSha256 } : {}), liveSha256: newSha256, sshHostKey: ssh.hostKey, steps };
  }
  for (const s of plan.steps.slice(index + 1)) skip('deploy', s);
  const failedStep = plan.steps[index];

  if (failedStep.onFailure !== 'rollback') {
    // Nothing was moved into place: remove what may have been uploaded and stop.
    const cleanup = plan.rollback.find((x): x is Extract<PlanStep, { kind: 'exec' }> => x.id === 'cleanup' && x.kind === 'exec');
    if (cleanup && plan.steps.slice(0, index + 1).some((x) => x.kind === 'upload')) {
      try {
        await runPlanStep('rollback', cleanup, undefined);
      } catch { /* reported */ }
    }
    if (ownSession) ssh.close();
    return { ...base, ok: false, rolledBack: false, ...(previousSha256 ? { previousSha256 } : {}), ...(previousSha256 ? { liveSha256: previousSha256 } : {}), sshHostKey: ssh.hostKey, steps, error: `${failedStep.title} failed: ${failure.message} Nothing on the host was changed.`, failedStep: failedStep.id };
  }

  // ---- rollback (not cancellable: the host must not be left half-changed)
  for (const s of plan.rollback) report({ id: s.id, phase: 'rollback', title: s.title, status: 'pending' });
  const verifyOld = { id: 'verify-old', title: 'Check the host serves the previous certificate again' };
  report({ ...verifyOld, phase: 'rollback', status: 'pending' });
  for (const s of plan.rollback) {
    try {
      await runPlanStep('rollback', s, undefined);
    } catch { /* each rollback step continues; the final check tells */ }
  }
  let previousCertServed = false;
  let liveSha256: string | undefined;
  try {
    await run('rollback', verifyOld.id, verifyOld.title, async () => {
      if (!previousSha256) throw new DeployError('The previous thumbprint is unknown.', 'internal');
      const deadline = Date.now() + verifyTimeoutMs;
      for (;;) {
        try {
          liveSha256 = await liveSha();
        } catch (e) {
          liveSha256 = undefined;
          if (Date.now() > deadline) throw e;
        }
        if (liveSha256 === previousSha256) return `The host serves the previous certificate again (SHA-256 ${liveSha256}).`;
        if (Date.now() > deadline) throw new DeployError(`The host serves SHA-256 ${liveSha256 ?? '(nothing)'}, not the previous ${previousSha256}. Restore ${plan.backups.crt} and ${plan.backups.key} by hand and restart the management agents (DCUI → Restart Management Agents).`, 'rollback');
        await sleep(1000);
      }
    });
    previousCertServed = true;
  } catch { /* reported */ }
  if (ownSession) ssh.close();
  return {
    ...base, ok: false, rolledBack: true, previousCertServed,
    ...(previousSha256 ? { previousSha256 } : {}),
    ...(liveSha256 ? { liveSha256 } : {}),
    sshHostKey: ssh.hostKey, steps,
    error: `${failedStep.title} failed: ${failure.message} ${previousCertServed ? 'The previous certificate was restored and is served again.' : `The rollback did not bring the previous certificate back: the backups are ${plan.backups.crt} and ${plan.backups.key}.`}`,
    failedStep: failedStep.id,
  };
}

class StepFailure extends Error {
  constructor(readonly stepId: string, readonly phase: StepPhase, message: string, readonly cause?: unknown) {
    super(message);
    this.name = 'StepFailure';
  }
}
