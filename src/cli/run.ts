/**
 * The `vlab` runner over a set of commands: arguments, help, --version, --json, exit codes (0 ok,
 * 1 findings or failure, 2 usage error). main.ts runs it over every command, vdrMain.ts over the
 * `vdr` commands only (see entry.ts).
 */
import { printable } from '../core/text';
import { parseArgs } from 'node:util';
import {
  CliCommand, CliIO, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError,
} from './command';
import { LabError } from '../core/errors';
import { version } from '../../package.json';

const GLOBAL_HELP = `vlab ${version}: vSphere Lab on the command line

Usage: vlab <command> [arguments] [--json]

Global options:
  -h, --help       show help (for a command: vlab <command> --help)
  -V, --version    print the version
      --json       machine-readable output (one JSON document on stdout)

Exit codes: 0 ok, 1 findings or failure, 2 usage error.`;

function commandUsage(cmd: CliCommand): string {
  const lines = [`Usage: vlab ${cmd.path.join(' ')} ${cmd.synopsis}`.trimEnd(), '', cmd.summary];
  const opts = Object.entries(cmd.options ?? {});
  if (opts.length) {
    lines.push('', 'Options:');
    for (const [name, spec] of opts) {
      const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
      lines.push(`  ${flag.padEnd(28)} ${spec.description}`);
    }
  }
  lines.push(`  ${'    --json'.padEnd(28)} machine-readable output`);
  return lines.join('\n');
}

function overview(commands: readonly CliCommand[]): string {
  if (!commands.length) return GLOBAL_HELP;
  const rows = commands.map((c) => `  vlab ${c.path.join(' ')} ${c.synopsis}`.trimEnd() + `\n      ${c.summary}`);
  return `${GLOBAL_HELP}\n\nCommands:\n${rows.join('\n')}`;
}

/** Finds the command whose words are the longest prefix of argv. */
function resolve(commands: readonly CliCommand[], argv: string[]): { cmd?: CliCommand; rest: string[]; group: string[] } {
  let best: CliCommand | undefined;
  for (const c of commands) {
    if (c.path.length <= argv.length && c.path.every((w, i) => argv[i] === w)) {
      if (!best || c.path.length > best.path.length) best = c;
    }
  }
  if (best) return { cmd: best, rest: argv.slice(best.path.length), group: [] };
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  return { rest: argv, group: words };
}

function errorJson(io: CliIO, code: string, message: string): void {
  io.stdout(JSON.stringify({ error: { code, message } }, null, 2) + '\n');
}

/**
 * The invocation's output with terminal control characters escaped (src/core/text.ts): what a
 * command prints may hold a server's fault string or a file's content. JSON keeps its values.
 */
function safeIO(io: CliIO): CliIO {
  return { ...io, stdout: (t) => io.stdout(printable(t)), stderr: (t) => io.stderr(printable(t)), env: io.env, cwd: io.cwd };
}

export async function runCli(argv: string[], rawIo: CliIO, commands: readonly CliCommand[]): Promise<number> {
  const io = safeIO(rawIo);
  const json = argv.includes('--json');
  if (argv.length === 0 || (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') && argv.length <= 1) {
    io.stdout(overview(commands) + '\n');
    return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    if (json) io.stdout(JSON.stringify({ version }) + '\n');
    else io.stdout(`${version}\n`);
    return EXIT_OK;
  }

  const { cmd, rest, group } = resolve(commands, argv[0] === 'help' ? argv.slice(1) : argv);
  if (!cmd) {
    // A known group without a sub-command ("vlab vmx") lists that group.
    const inGroup = commands.filter((c) => group.length && group.every((w, i) => c.path[i] === w));
    if (inGroup.length) {
      io.stdout(overview(inGroup) + '\n');
      return argv.includes('--help') || argv.includes('-h') || argv[0] === 'help' ? EXIT_OK : EXIT_USAGE;
    }
    const message = `unknown command '${group.join(' ') || argv[0]}'. Run 'vlab --help' for the list.`;
    if (json) errorJson(io, 'usage', message);
    else io.stderr(`vlab: ${message}\n`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h') || argv[0] === 'help') {
    io.stdout(commandUsage(cmd) + '\n');
    return EXIT_OK;
  }

  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: rest,
        options: { ...(cmd.options ?? {}), json: { type: 'boolean' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (e) {
      throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
    }
    const { min = 0, max } = cmd.positionals ?? {};
    if (parsed.positionals.length < min) throw new UsageError(`missing argument: ${cmd.synopsis}`);
    if (max !== undefined && parsed.positionals.length > max) {
      throw new UsageError(`unexpected argument '${parsed.positionals[max]}'`);
    }
    return await cmd.run({ positionals: parsed.positionals, values: parsed.values, json, io });
  } catch (e) {
    if (e instanceof UsageError) {
      if (json) errorJson(io, 'usage', e.message);
      else io.stderr(`vlab ${cmd.path.join(' ')}: ${e.message}\n\n${commandUsage(cmd)}\n`);
      return EXIT_USAGE;
    }
    // CliFailure and every error the product raises on purpose (a LabError: its message says what
    // failed and what to do) print their message and code; anything else is a bug: the stack.
    const failure = e instanceof LabError ? e : undefined;
    const message = failure ? failure.message : `unexpected error: ${(e as Error)?.stack ?? String(e)}`;
    if (json) errorJson(io, failure?.code ?? 'internal', failure ? message : String((e as Error)?.message ?? e));
    else io.stderr(`vlab ${cmd.path.join(' ')}: ${message}\n`);
    return EXIT_FINDINGS;
  }
}

let interrupt: AbortController | undefined;

export const processIO: CliIO = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
  interrupted() {
    if (!interrupt) {
      const c = (interrupt = new AbortController());
      // The first Ctrl-C ends the command cleanly; a second one exits at once.
      process.once('SIGINT', () => {
        c.abort();
        process.once('SIGINT', () => process.exit(130));
      });
    }
    return interrupt.signal;
  },
};

/** Runs `vlab` with this process's arguments over `commands`; sets the exit code. */
export function startCli(commands: readonly CliCommand[]): void {
  runCli(process.argv.slice(2), processIO, commands).then(
    (code) => { process.exitCode = code; },
    (e) => { process.stderr.write(`vlab: ${String(e)}\n`); process.exitCode = EXIT_FINDINGS; },
  );
}
