/**
 * Restarting the host's agents: `/etc/init.d/hostd restart`, `/etc/init.d/rhttpproxy restart` (5.x
 * and later) and `services.sh restart`. The agent that serves port 443 (the generation's
 * `httpsAgent`: hostd on 4.x, rhttpproxy from 5.0 — DOMAIN.md §7) loads /etc/vmware/ssl/rui.crt
 * and rui.key; the simulator copies them over the paired vcsim's files and SIGHUPs it, so the vcsim
 * serves the new certificate. Restarting the other one (hostd on 5.x+) restarts it and leaves the
 * certificate in service as it was, as on a real 5.x host. A pair that does not load (bad PEM, key not matching) fails the
 * restart and applies nothing, as a real hostd refuses to start; `failRestart` and
 * `restartFailure` model the failures a deploy must survive (see EsxiOptions).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Host } from './host';
import { ok, type ExecResult } from './shell';

/** Output lines of a watchdog-managed agent being stopped (5.x outputs, DOMAIN.md §6). */
function stopLines(agent: string, pid: number): string[] {
  return [`watchdog-${agent}: Terminating watchdog process with PID ${pid}`, `${agent} stopped.`];
}

/** Load rui.crt/rui.key into the paired vcsim; a message when the pair does not load. */
async function loadPair(host: Host): Promise<string | undefined> {
  let crt: Buffer;
  let key: Buffer;
  try {
    crt = fs.readFileSync(path.join(host.root, 'etc/vmware/ssl/rui.crt'));
    key = fs.readFileSync(path.join(host.root, 'etc/vmware/ssl/rui.key'));
    const x = new crypto.X509Certificate(crt);
    if (!x.checkPrivateKey(crypto.createPrivateKey(key))) return 'SSL private key does not match certificate /etc/vmware/ssl/rui.crt';
  } catch (e) {
    return `cannot load /etc/vmware/ssl/rui.crt or rui.key: ${(e as Error).message}`;
  }
  fs.writeFileSync(host.vcsim.certFile, crt);
  fs.writeFileSync(host.vcsim.keyFile, key, { mode: 0o600 });
  try {
    await host.vcsim.reloadCert();
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

/**
 * Restart the certificate-serving agent (`agent`), alone or inside `services.sh restart`
 * (`services`: the other agents' stop/start lines around it).
 */
export async function restartAgent(host: Host, agent: string, services: boolean): Promise<ExecResult> {
  const { state, vcsim } = host;
  const pid = 30000 + Math.floor(Math.random() * 9999);
  const lines: string[] = [];
  const others = host.facts.services.filter((s) => s !== agent);
  if (services) {
    // The lab's original services.sh output (kept for the default generation) names these agents.
    for (const s of others) {
      if (s === 'wsman') lines.push('Running wsman stop', 'Stopping openwsmand');
      else if (s === 'sfcbd-watchdog' || s === 'slpd') lines.push(`Running ${s} stop`);
      else lines.push(`Running ${s} stop`, ...stopLines(s, pid + 3 + others.indexOf(s)));
    }
    lines.push(`Running ${agent} stop`);
  }
  lines.push(...stopLines(agent, pid));
  if (services) lines.push(`Running ${agent} start`);
  lines.push(
    agent === 'hostd'
      ? "Begin 'hostd ++min=0,swap,group=hostd /etc/vmware/hostd/config.xml', min-uptime = 60, max-quick-failures = 1, max-total-failures = 1000000, bg_pid_file = '', reboot-flag = '0'"
      : `Begin '${agent} ++min=0,swap,group=${agent} /etc/vmware/${agent}/config.xml', min-uptime = 60, max-quick-failures = 1, max-total-failures = 1000000, bg_pid_file = '', reboot-flag = '0'`,
  );
  const fail = (why: string): ExecResult => ({ stdout: lines.join('\n') + '\n', stderr: `${agent} failed to start: ${why}\n`, code: 1 });
  // Stopping the agent ends a hang from a previous 'stops-answering' restart.
  host.resume();
  if (state.failRestart) return fail(`watchdog-${agent}: ${agent} exited during startup`);
  if (agent !== host.facts.httpsAgent) {
    state.restarts++;
    lines.push(`${agent} started.`);
    return ok(lines.join('\n') + '\n');
  }
  const why = await loadPair(host);
  if (why) return fail(why);
  state.servedCerts.push(vcsim.thumbprintSha256);
  const late = state.restartFailure;
  if (late) {
    if (late.times !== undefined && --late.times <= 0) state.restartFailure = undefined;
    if (late.mode === 'after-load') return fail(`watchdog-${agent}: ${agent} exited after loading /etc/vmware/hostd/config.xml`);
    if (late.mode === 'drops-ssh') return { stdout: lines.join('\n') + '\n', stderr: '', code: 0, dropConnection: true };
    // 'stops-answering': the agent reports a start, then hangs; the endpoint accepts TCP but never completes a handshake.
    process.kill(vcsim.pid, 'SIGSTOP');
    state.paused = true;
  }
  state.restarts++;
  lines.push(`${agent} started.`);
  if (services) {
    for (const s of [...others].reverse()) {
      if (s === 'wsman') lines.push('Running wsman start', 'Starting openwsmand');
      else if (s === 'sfcbd-watchdog' || s === 'slpd') lines.push(`Running ${s} start`);
      else lines.push(`Running ${s} start`, `${s} started.`);
    }
  }
  return ok(lines.join('\n') + '\n');
}
