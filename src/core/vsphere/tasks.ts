/**
 * Tasks: start a *_Task method and wait for its end, polling Task.info with backoff.
 */
import type { CallOptions, VimClient } from './client';
import { asNumber, asObject, asString, type MoRef, type VimObject, type VimValue } from './decode';
import { CancelledError } from '../errors';
import { TaskError, TimeoutError, VsphereError } from './errors';
import { retrieveProperty } from './property';
import type { SoapValue } from './soap';

export interface TaskProgress {
  state: string;
  progress?: number;
  description?: string;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** Overall limit (default 30 min). */
  timeoutMs?: number;
  onProgress?: (p: TaskProgress) => void;
  /** First poll interval (default 100 ms); grows ×1.5 up to maxPollMs (default 2 s). */
  pollMs?: number;
  maxPollMs?: number;
}

export interface TaskResult {
  task: MoRef;
  result?: VimValue;
  info: VimObject;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new CancelledError('Waiting for the task')); return; }
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = (): void => { clearTimeout(t); reject(new CancelledError('Waiting for the task')); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Polls `info` of a task until success or error. Errors become {@link TaskError} with the localized message. */
export async function waitForTask(client: VimClient, task: MoRef, opts: WaitOptions = {}): Promise<TaskResult> {
  const limit = opts.timeoutMs ?? 30 * 60000;
  const started = Date.now();
  let delay = opts.pollMs ?? 100;
  const maxDelay = opts.maxPollMs ?? 2000;
  let lastProgress: number | undefined;
  let lastState = '';
  for (;;) {
    const info = asObject(await retrieveProperty(client, task, 'info', { signal: opts.signal }));
    if (!info) throw new VsphereError('taskGone', `Task ${task.value} has no info on ${client.endpoint.display}; it may have been purged. Check the task list.`);
    const state = asString(info.state) ?? '';
    const progress = asNumber(info.progress);
    const name = asString(info.descriptionId) ?? asString(info.name) ?? task.value;
    if (state !== lastState || progress !== lastProgress) {
      opts.onProgress?.({ state, progress: state === 'success' ? 100 : progress, description: name });
      lastState = state;
      lastProgress = progress;
    }
    if (state === 'success') return { task, result: info.result, info };
    if (state === 'error') {
      const err = asObject(info.error);
      const fault = asObject(err?.fault);
      const msg = asString(err?.localizedMessage) ?? '';
      throw new TaskError(task, name, fault?._type ?? '', msg);
    }
    if (Date.now() - started > limit) throw new TimeoutError(client.endpoint.display, `Task ${name}`, limit);
    await sleep(delay, opts.signal);
    delay = Math.min(maxDelay, Math.ceil(delay * 1.5));
  }
}

/** Invokes a *_Task method and waits for it. */
export async function runTask(client: VimClient, method: string, thisRef: MoRef, args: ReadonlyArray<readonly [string, SoapValue]> = [], opts: WaitOptions & CallOptions = {}): Promise<TaskResult> {
  const task = await client.invoke(method, thisRef, args, 'ManagedObjectReference', { signal: opts.signal });
  if (!task || typeof task !== 'object' || !('value' in task)) {
    throw new VsphereError('protocol', `${method} on ${client.endpoint.display} did not return a task.`);
  }
  return waitForTask(client, task as MoRef, opts);
}
