/**
 * dist/cli.js, the `vlab` executable: picks the bundle a command needs. Compiling the whole CLI
 * bundle (~2 MB) is most of a short command's time and a fixed cost in `vlab vdr analyze`, which is
 * measured as a whole process (bench/vdr.ts); so `vlab vdr …` loads dist/cli-vdr.js (vdrMain.ts,
 * the `vdr` commands only) and everything else dist/cli-main.js (main.ts). Both export `main()`.
 */
import { lazy } from '../core/lazy';

interface CliBundle { main(): void }
const everything = lazy(() => require('./cli-main.js') as CliBundle);
const vdrOnly = lazy(() => require('./cli-vdr.js') as CliBundle);

(process.argv[2] === 'vdr' ? vdrOnly() : everything()).main();
