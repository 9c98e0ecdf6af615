/**
 * The contract every `vlab` subcommand implements. A feature adds a module in
 * src/cli/commands/<feature>.ts exporting `commands: CliCommand[]`, and the module
 * is listed in src/cli/commands/index.ts.
 *
 * Exit codes are the same everywhere: 0 ok, 1 findings or failure, 2 usage error.
 * With `--json` a command writes exactly one JSON document to stdout (also on failure:
 * `{ "error": { "code", "message" } }`), nothing else.
 */
import { LabError } from '../core/errors';
import type { ParseArgsConfig } from 'node:util';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { description: string; valueName?: string };

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /**
   * A signal aborted on Ctrl-C (SIGINT), for commands that run until interrupted (`vlab watch`).
   * Asking for it replaces the default exit on Ctrl-C for this run; absent where nothing interrupts.
   */
  interrupted?(): AbortSignal;
}

export interface CliInvocation {
  /** Positional arguments after the command words. */
  readonly positionals: string[];
  /** Parsed options (as node:util parseArgs returns them). */
  readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  readonly json: boolean;
  readonly io: CliIO;
}

export interface CliCommand {
  /** Command words, e.g. ['vmx', 'lint']. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Argument synopsis shown after the command words, e.g. 'FILE… [--json]'. */
  readonly synopsis: string;
  readonly options?: Record<string, OptionSpec>;
  /** Minimum and maximum number of positionals (max undefined = unbounded). */
  readonly positionals?: { min: number; max?: number };
  run(inv: CliInvocation): Promise<number>;
}

/** Thrown for bad arguments; the dispatcher prints the message and the usage, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Thrown for an expected failure (file missing, VM running, bad certificate…); the dispatcher
 * prints `vlab: <message>` (or the JSON error), exit 1. `code` is a short stable identifier.
 */
export class CliFailure extends LabError {
  constructor(message: string, code = 'failed') {
    super(code, message);
    this.name = 'CliFailure';
  }
}

/** Writes the command's result: JSON when asked, else the human text. */
export function emit(inv: CliInvocation, data: unknown, human: string | (() => string)): void {
  if (inv.json) {
    inv.io.stdout(JSON.stringify(data, null, 2) + '\n');
  } else {
    const text = typeof human === 'function' ? human() : human;
    if (text) inv.io.stdout(text.endsWith('\n') ? text : text + '\n');
  }
}

/** A string option's value, or undefined when it was not given. */
export function optionString(inv: CliInvocation, name: string): string | undefined {
  const v = inv.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A string option that must be given and not be empty (usage error otherwise). */
export function requiredOption(inv: CliInvocation, name: string): string {
  const v = optionString(inv, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

/**
 * A positive number option's value (`v` as parsed: `inv.values[flag]`); usage error when it is
 * missing, not a number, not positive, or not whole where `integer`.
 */
export function positiveNumber(v: unknown, flag: string, integer = false): number {
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${flag} is required`);
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${flag} must be a positive ${integer ? 'whole ' : ''}number, got "${v}"`);
  }
  return n;
}

/** A repeatable option's values (none, one or several). */
export function optionList(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}
