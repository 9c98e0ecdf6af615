/**
 * How long activation took, as VS Code's extension host measures it and as we do.
 *
 * The extension host marks `code/extHost/willLoadExtensionCode/<id>` before it loads our bundle and
 * `code/extHost/didActivateExtension/<id>` once activate() has resolved (VS Code's own performance
 * marks, kept in `globalThis.MonacoPerformanceMarks`, millisecond resolution). Beside them, our own
 * sub-millisecond split: the bundle's first statement (a timestamp esbuild's banner puts at the top
 * of dist/extension.js) → its last statement (the footer's) → activate() called → activate() returned.
 */
import { appendFileSync } from 'node:fs';

declare const __vlabModuleStart: number | undefined;
declare const __vlabModuleEnd: number | undefined;

export interface ActivationTimes {
  /** VS Code: will load our code → did activate (the whole cost the user waits for). */
  hostLoadToActivatedMs?: number;
  /** VS Code: will load → did load our code. */
  hostLoadMs?: number;
  /** Ours: the bundle's first → last statement (evaluating the module's top level). */
  moduleEvalMs?: number;
  /** Ours: the bundle's last statement → activate() called (the host's own work in between). */
  hostGapMs?: number;
  /** Ours: activate()'s body. */
  activateMs: number;
  /** How the production loader (codeCache.ts) found the V8 code cache; absent when not loaded through it. */
  codeCache?: string;
}

interface Mark { name: string; startTime: number }

function hostMarks(id: string): Map<string, number> {
  const perf = (globalThis as { MonacoPerformanceMarks?: { getMarks?: () => Mark[] } }).MonacoPerformanceMarks;
  const out = new Map<string, number>();
  for (const m of perf?.getMarks?.() ?? []) {
    if (m.name.endsWith(`/${id}`)) out.set(m.name.slice(0, -id.length - 1), m.startTime);
  }
  return out;
}

/** The bundle's first and last statements, if esbuild's banner and footer set them (not when run from source). */
function moduleMarks(): { start?: number; end?: number } {
  return {
    start: typeof __vlabModuleStart === 'number' ? __vlabModuleStart : undefined,
    end: typeof __vlabModuleEnd === 'number' ? __vlabModuleEnd : undefined,
  };
}

/** The production loader's use of the code cache (codeCache.ts leaves it under a global symbol). */
function codeCacheUse(): string | undefined {
  const use = (globalThis as Record<symbol, unknown>)[Symbol.for('vsphereLab.codeCacheUse')];
  return typeof use === 'string' ? use : undefined;
}

export function activationTimes(id: string, activateStart: number, activateEnd: number): ActivationTimes {
  const m = hostMarks(id);
  const span = (a: string, b: string): number | undefined => (m.has(a) && m.has(b) ? m.get(b)! - m.get(a)! : undefined);
  const { start, end } = moduleMarks();
  return {
    hostLoadToActivatedMs: span('code/extHost/willLoadExtensionCode', 'code/extHost/didActivateExtension'),
    hostLoadMs: span('code/extHost/willLoadExtensionCode', 'code/extHost/didLoadExtensionCode'),
    moduleEvalMs: start === undefined || end === undefined ? undefined : end - start,
    hostGapMs: end === undefined ? undefined : activateStart - end,
    activateMs: activateEnd - activateStart,
    codeCache: codeCacheUse(),
  };
}

/**
 * For bench/activation.ts only: with VLAB_ACTIVATION_TIMES_FILE set in the extension host's
 * environment, appends one JSON line of the times once the host has marked the activation done.
 */
export function reportActivationTimes(id: string, activateStart: number, activateEnd: number): void {
  const file = process.env.VLAB_ACTIVATION_TIMES_FILE;
  if (!file) return;
  // didActivateExtension is marked after activate() returns and its result resolves: wait a turn or two.
  setTimeout(() => {
    try {
      appendFileSync(file, JSON.stringify(activationTimes(id, activateStart, activateEnd)) + '\n');
    } catch {
      // a bench hook: nothing to tell the user
    }
  }, 50);
}
