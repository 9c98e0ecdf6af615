/**
 * Fetching Data Recovery logs from the appliance over SSH (an `SshSession` from src/core/esxi/ssh.ts,
 * which pins host keys). The appliance keeps its main log in /var/vmware/datarecovery/ and the VDDK
 * layer's in /var/log/datarecovery/ (elatov.github.io 2012-09-01, DOMAIN.md §1).
 */
import * as path from 'node:path';

export const VDR_LOG_DIRS = ['/var/vmware/datarecovery', '/var/log/datarecovery'] as const;

/** The log files backup diagnostics reads: datarecovery-N.log, datarecovery.log, vcbAPI-N.log. */
export const VDR_LOG_NAME = /^(?:datarecovery|vcbapi)(?:-\d+)?\.log$/i;

/** What fetching needs from an SSH session. */
export interface LogFetchSession {
  exec(command: string, opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<{ stdout: string; code: number | null }>;
  readFile(path: string): Promise<Buffer>;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Remote log files (absolute paths) in `dirs`; a missing directory is skipped. */
export async function listRemoteLogs(session: LogFetchSession, dirs: readonly string[] = VDR_LOG_DIRS, signal?: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  for (const dir of dirs) {
    const r = await session.exec(`ls -1 ${shellQuote(dir)} 2>/dev/null`, { timeoutMs: 30_000, signal });
    if (r.code !== 0) continue;
    for (const name of r.stdout.split('\n').map((l) => l.trim())) {
      if (VDR_LOG_NAME.test(name)) out.push(path.posix.join(dir, name));
    }
  }
  return out.sort();
}

export interface FetchedLog {
  remote: string;
  /** File name to save under (unique across the directories). */
  name: string;
  data: Buffer;
}

/** Reads every Data Recovery log in `dirs`. */
export async function fetchRemoteLogs(session: LogFetchSession, dirs: readonly string[] = VDR_LOG_DIRS, signal?: AbortSignal): Promise<FetchedLog[]> {
  const remotes = await listRemoteLogs(session, dirs, signal);
  const used = new Set<string>();
  const out: FetchedLog[] = [];
  for (const remote of remotes) {
    if (signal?.aborted) throw Object.assign(new Error('log fetch cancelled'), { name: 'AbortError' });
    let name = path.posix.basename(remote);
    if (used.has(name.toLowerCase())) name = `${path.posix.basename(path.posix.dirname(remote))}-${name}`;
    used.add(name.toLowerCase());
    out.push({ remote, name, data: await session.readFile(remote) });
  }
  return out;
}
