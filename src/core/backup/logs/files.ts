/**
 * The file reader: the only part of the log analysis that touches the file system. It reads each
 * file's head (for the analysis order, order.ts) and streams each file in chunks through one
 * `LogAnalyzer` (analyzer.ts), with progress and cancellation between chunks.
 */
import { promises as fsp } from 'node:fs';
import { CancelledError } from '../../errors';
import { LogAnalyzer } from './analyzer';
import { logFileInfoFromHead, orderLogFiles, type LogFileInfo } from './order';
import type { LogAnalysis, LogAnalysisOptions } from './types';

/** Reads the head of a file for its first timestamp (and a vcbAPI offset). */
export async function peekLogFile(file: string, headBytes = 65536): Promise<LogFileInfo> {
  const fh = await fsp.open(file, 'r');
  try {
    const st = await fh.stat();
    const buf = Buffer.alloc(Math.min(headBytes, st.size));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return logFileInfoFromHead(file, buf.toString('utf8', 0, bytesRead), st.mtimeMs, bytesRead === headBytes);
  } finally {
    await fh.close();
  }
}

/**
 * Reads a file in chunks into two reused buffers (no allocation per chunk, so no GC churn): the next
 * chunk is read while the consumer scans this one (−13 % time on a quiet 200 MB log, −2.5 % on a dense
 * one, warm, in process). Each chunk is valid only until the consumer asks for the next one, which
 * `LogAnalyzer.consume` honours.
 */
export async function* readFileChunks(file: string, chunkSize = 1 << 20): AsyncGenerator<Buffer> {
  const fh = await fsp.open(file, 'r');
  let pending: Promise<number> | undefined;
  try {
    const bufs = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
    let at = 0;
    let k = 0;
    const readInto = (buf: Buffer): Promise<number> => fh.read(buf, 0, chunkSize, at).then((r) => r.bytesRead);
    pending = readInto(bufs[0]);
    for (;;) {
      const n = await pending;
      pending = undefined;
      if (n <= 0) break;
      const cur = bufs[k];
      at += n;
      k ^= 1;
      pending = readInto(bufs[k]); // into the buffer the consumer has finished with
      yield cur.subarray(0, n);
    }
  } finally {
    // a consumer that stops early (an error, a cancel) leaves a read in flight: let it land before closing
    if (pending) await pending.catch(() => 0);
    await fh.close();
  }
}

/** Where `analyzeLogFiles` is: bytes read so far over every file. */
export interface AnalyzeProgress {
  file: string;
  /** 0-based index of `file` in analysis order. */
  index: number;
  files: number;
  bytes: number;
  totalBytes: number;
}

export interface AnalyzeFilesOptions extends LogAnalysisOptions {
  /** Called after each chunk. */
  onProgress?: (p: AnalyzeProgress) => void;
  /** Stops between chunks; the promise rejects with a `CancelledError`. */
  signal?: AbortSignal;
}

function abortError(): Error {
  return new CancelledError('The log analysis');
}

/** Analyzes a set of log files (any order given; see `orderLogFiles`), streaming each. */
export async function analyzeLogFiles(files: string[], opts: AnalyzeFilesOptions = {}): Promise<LogAnalysis> {
  if (opts.signal?.aborted) throw abortError();
  const infos = orderLogFiles(await Promise.all(files.map((f) => peekLogFile(f))));
  const sizes = await Promise.all(infos.map(async (i) => (await fsp.stat(i.file)).size));
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  let done = 0;
  const watched = async function* (file: string, index: number): AsyncGenerator<Buffer> {
    for await (const chunk of readFileChunks(file)) {
      if (opts.signal?.aborted) throw abortError();
      yield chunk;
      done += chunk.length;
      opts.onProgress?.({ file, index, files: infos.length, bytes: done, totalBytes });
    }
  };
  const offset = opts.utcOffsetMinutes ?? infos.find((i) => i.utcOffsetMinutes !== undefined)?.utcOffsetMinutes ?? 0;
  const an = new LogAnalyzer({ ...opts, utcOffsetMinutes: offset });
  for (const i of infos) {
    // Syslog lines before the first dated line of the run take their year from the nearest dated
    // line in the file's head rather than from the file's mtime (which may be much later). Hours of
    // UTC offset do not matter here: only the year is taken from it.
    if (!an.tc.hasFullDate && i.firstFullTime !== undefined) an.tc.sawFull(i.firstFullTime);
    const index = infos.indexOf(i);
    await an.consume(opts.onProgress || opts.signal ? watched(i.file, index) : readFileChunks(i.file), i.file, opts.referenceTime ?? i.mtime);
  }
  if (opts.signal?.aborted) throw abortError();
  return an.result();
}
