/**
 * Child process of bench/vdr.ts: analyses FILE in process three times (as the extension does) and
 * prints `{"base":…,"peak":…}`, its RSS before the first analysis and the highest RSS sampled every
 * 20 ms during them. A fresh process, so the heaps earlier benches left in the bench's own process do
 * not set the pace of V8's collections (there they swung the figure 15 → 117 MB between runs).
 * Run: node --import tsx bench/vdr-memory.ts FILE
 */
import { analyzeLogFiles } from '../src/core/backup/logs';

async function main(file: string): Promise<void> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  try {
    for (let i = 0; i < 3; i++) await analyzeLogFiles([file]);
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  process.stdout.write(JSON.stringify({ base, peak }) + '\n');
}

if (require.main === module) main(process.argv[2]).catch((e: unknown) => { console.error(e); process.exit(1); });
