/**
 * esxtop batch mode over SSH: runs `esxtop -b -a -d D -n N` on an ESX(i) host and streams its stdout
 * into the esxtop parser (and, optionally, to a sink that saves the CSV), with progress and
 * cancellation.
 *
 * `-a` exports every counter: without it the per-VM `Group Memory` columns hold only the default
 * memory fields (no `Memctl MBytes`, `Shared MBytes`, `Zero MBytes`, `Compressed Memory MBytes`) — seen
 * in the ESXi 6 captures of repo rach-sharp/esxtopd (small-esxtop-data.csv vs esxtop-data.csv).
 * esxtop's `-d` minimum is 2 seconds (vSphere Resource Management, "esxtop command-line options").
 */
import { StringDecoder } from 'node:string_decoder';
import type { ExecOptions, ExecResult } from '../esxi/ssh';
import { EsxtopParser, type EsxtopCapture } from './esxtop';

export const ESXTOP_MIN_DELAY_S = 2;
export const ESXTOP_MAX_SAMPLES = 100_000;

/** What this module needs of an SSH session (SshSession satisfies it). */
export interface ExecSession {
  readonly host: string;
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
}

export interface EsxtopRun {
  samples: number;
  delaySeconds: number;
  /** `-a`: every counter (default true; per-VM balloon and sharing columns need it). */
  allCounters?: boolean;
}

export class EsxtopRunError extends Error {
  constructor(message: string, readonly code: 'usage' | 'exit' | 'empty' | 'format') {
    super(message);
    this.name = 'EsxtopRunError';
  }
}

/** The longest capture (samples × delay) we wait for: a week, well inside a timer's range. */
export const ESXTOP_MAX_RUN_S = 7 * 86_400;

/** Checks samples / delay; returns a message for the user, or undefined when fine. */
export function checkEsxtopRun(run: EsxtopRun): string | undefined {
  if (!Number.isInteger(run.samples) || run.samples < 1 || run.samples > ESXTOP_MAX_SAMPLES) {
    return `samples must be a whole number from 1 to ${ESXTOP_MAX_SAMPLES}, got ${run.samples}`;
  }
  if (!Number.isFinite(run.delaySeconds) || run.delaySeconds < ESXTOP_MIN_DELAY_S || run.delaySeconds > 86_400) {
    return `delay must be at least ${ESXTOP_MIN_DELAY_S} seconds (esxtop's minimum), got ${run.delaySeconds}`;
  }
  if (run.samples * run.delaySeconds > ESXTOP_MAX_RUN_S) {
    return `samples × delay must be at most ${ESXTOP_MAX_RUN_S / 86_400} days (${ESXTOP_MAX_RUN_S} s), got ${run.samples * run.delaySeconds} s; take several shorter captures`;
  }
  return undefined;
}

export function esxtopCommand(run: EsxtopRun): string {
  const problem = checkEsxtopRun(run);
  if (problem) throw new EsxtopRunError(problem, 'usage');
  return `esxtop -b${run.allCounters === false ? '' : ' -a'} -d ${run.delaySeconds} -n ${run.samples}`;
}

export interface CaptureProgress {
  /** Samples (data rows) received so far. */
  rows: number;
  samples: number;
  bytes: number;
}

export interface CaptureOverSshOptions extends EsxtopRun {
  signal?: AbortSignal;
  onProgress?: (p: CaptureProgress) => void;
  /** Receives the raw CSV as it arrives (e.g. to save it); may be async, awaited in order. */
  sink?: (chunk: Buffer) => void | Promise<void>;
}

export interface CaptureOverSshResult {
  capture: EsxtopCapture;
  command: string;
  bytes: number;
  ms: number;
}

/**
 * Runs esxtop on the host and parses its output while it streams. Rejects with EsxtopRunError when
 * esxtop fails or prints no capture, with the parser's error on malformed output, and with the
 * CancelledError of src/core/errors.ts when `signal` aborts.
 */
export async function captureEsxtopOverSsh(session: ExecSession, opts: CaptureOverSshOptions): Promise<CaptureOverSshResult> {
  const command = esxtopCommand(opts);
  const parser = new EsxtopParser();
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  let newlines = 0;
  let parseError: Error | undefined;
  let sinkChain: Promise<void> = Promise.resolve();
  let sinkError: Error | undefined;
  // The whole run, plus a minute for the connection and the host to start esxtop.
  const timeoutMs = (opts.samples * opts.delaySeconds + 60) * 1000;
  // A failing sink (disk full) or an unreadable capture stops esxtop now, not at the end of the run.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  if (opts.signal?.aborted) stop.abort();
  opts.signal?.addEventListener('abort', onAbort);
  let res: Awaited<ReturnType<typeof session.exec>>;
  try {
    res = await session.exec(command, {
      timeoutMs,
      signal: stop.signal,
      onStdout: (chunk) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) newlines++;
        if (opts.sink && !sinkError) {
          const sink = opts.sink;
          sinkChain = sinkChain.then(() => sink(chunk)).catch((e: unknown) => { sinkError = e as Error; stop.abort(); });
        }
        if (parseError) return;
        try {
          parser.push(decoder.write(chunk));
        } catch (e) {
          parseError = e as Error;
          stop.abort();
        }
        opts.onProgress?.({ rows: Math.max(0, newlines - 1), samples: opts.samples, bytes });
      },
    });
  } catch (e) {
    await sinkChain;
    const own: Error | undefined = sinkError ?? parseError;
    if (own && !opts.signal?.aborted) throw own;
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  await sinkChain;
  if (sinkError) throw sinkError;
  if (res.code !== 0) {
    const why = res.stderr.trim() || (res.signal ? `killed by ${res.signal}` : `exit status ${res.code ?? 'unknown'}`);
    throw new EsxtopRunError(`"${command}" failed on ${session.host}: ${why}`, 'exit');
  }
  if (parseError) throw parseError;
  if (bytes === 0) throw new EsxtopRunError(`"${command}" printed nothing on ${session.host}${res.stderr.trim() ? `: ${res.stderr.trim()}` : ''}.`, 'empty');
  parser.push(decoder.end());
  return { capture: parser.end(), command, bytes, ms: res.ms };
}
