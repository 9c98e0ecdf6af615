/**
 * Runs the benchmarks through the harness and prints ONE table (and writes test-results/bench.json).
 *
 *   npm run bench                        every bench file in bench/ (each exports `run(h)`)
 *   npm run bench -- vdr certs           only those files
 *   npm run bench -- --runs 30           more rounds everywhere (never fewer than 15)
 *   npm run bench -- --quick vdr         smoke: 1–3 rounds, rows marked QUICK, exit 1 (never a result)
 *   npm run bench -- --json FILE         write the JSON there instead (and the table beside it, FILE.txt)
 *
 * Exit code: 0 only when every target is met and no row is INVALID or ERROR.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatTable, Harness, machine, writeJson, type BenchFile } from './harness';

const BENCH_DIR = __dirname;
/** Files in bench/ that are not benches: the harness, this runner, shared helpers and child processes. */
const NOT_BENCHES = new Set(['harness', 'run', 'floor', 'vdr-memory']);

export function benchNames(): string[] {
  return fs.readdirSync(BENCH_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3)).filter((n) => !NOT_BENCHES.has(n)).sort();
}

interface Args { names: string[]; runs?: number; quick: boolean; json: string }

function parseArgs(argv: string[]): Args {
  const a: Args = { names: [], quick: false, json: path.join(BENCH_DIR, '..', 'test-results', 'bench.json') };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--runs') a.runs = Number(argv[++i]);
    else if (x === '--quick') a.quick = true;
    else if (x === '--json') a.json = argv[++i];
    else if (!x.startsWith('-')) a.names.push(x);
  }
  if (a.runs !== undefined && !(a.runs > 0)) throw new Error('--runs needs a positive number');
  return a;
}

export async function runFiles(files: Array<{ name: string; run: BenchFile }>, argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const m = machine();
  const h = new Harness({ runs: args.runs, quick: args.quick });
  console.log(`bench on ${m.host} (${m.cpu}, ${m.cores} cores), load ${m.loadStart.map((x) => x.toFixed(1)).join(' ')}, ${m.date}`);
  // Lab processes are unref'd (a forgotten one must not keep a runner alive): hold the loop meanwhile.
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    for (const f of files) {
      console.log(`\n=== ${f.name} ===`);
      const t0 = Date.now();
      try {
        await f.run(h);
      } catch (e) {
        console.error(e);
        h.error(f.name, `bench/${f.name}.ts`, e);
      }
      console.log(`=== ${f.name}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      // The table so far, on disk after every file: a long run cut short still leaves its figures.
      m.loadEnd = os.loadavg();
      writeJson(h, m, args.json);
      fs.writeFileSync(args.json.replace(/\.json$/, '') + '.txt', formatTable(h, m) + '\n');
    }
  } finally {
    clearInterval(keepAlive);
  }
  m.loadEnd = os.loadavg();
  console.log('\n' + formatTable(h, m));
  writeJson(h, m, args.json);
  console.log(`\n${h.ok ? 'ALL TARGETS MET' : args.quick ? 'QUICK run: not a result (exit 1)' : 'TARGETS MISSED (exit 1)'}; JSON in ${path.relative(process.cwd(), args.json)}`);
  return h.ok ? 0 : 1;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const all = benchNames();
  const unknown = args.names.filter((n) => !all.includes(n));
  if (unknown.length) {
    console.error(`no benchmark ${unknown.map((n) => `bench/${n}.ts`).join(', ')}; there are: ${all.join(', ')}`);
    return 2;
  }
  const names = args.names.length ? args.names : all;
  const files: Array<{ name: string; run: BenchFile }> = [];
  for (const n of names) {
    const mod = (await import(path.join(BENCH_DIR, `${n}.ts`))) as { run?: BenchFile };
    // A file not on the harness yet is an ERROR row (the run fails), not a silent skip.
    const run: BenchFile = typeof mod.run === 'function' ? mod.run
      : async (h) => { h.error(n, `bench/${n}.ts`, new Error(`bench/${n}.ts exports no run(h): port it to bench/harness.ts`)); };
    files.push({ name: n, run });
  }
  return runFiles(files, process.argv.slice(2));
}

if (require.main === module) {
  main().then((code) => process.exit(code), (e: unknown) => { console.error(e); process.exit(1); });
}
