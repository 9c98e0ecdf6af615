/**
 * `npm run lab [-- --facts FILE] [--generation G] [--esx-generation G]`: start the demo lab
 * (vcsim as vCenter, vcsim -esx plus the ESXi SSH simulator), print how to connect, and stop
 * everything on Ctrl-C / SIGTERM. `--generation G` makes the whole lab play release G (4.1, 5.5,
 * 6.7, 7.0, 8.0); `--esx-generation G` gives the standalone host its own.
 */
import * as fs from 'node:fs';
import { parseLabGeneration, startDemoLab, writeFactsFile, type LabGeneration } from '../test/lab';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (!v || v.startsWith('--')) throw new Error(`${name} needs a value`);
  return v;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const fi = args.indexOf('--facts');
  const factsFile = fi >= 0 ? args[fi + 1] : undefined;
  if (fi >= 0 && !factsFile) throw new Error('--facts needs a file path');

  const gen = option(args, '--generation');
  const esxGen = option(args, '--esx-generation') ?? gen;
  const vcenterGeneration: LabGeneration | undefined = gen === undefined ? undefined : parseLabGeneration(gen);
  const esxGeneration: LabGeneration | undefined = esxGen === undefined ? undefined : parseLabGeneration(esxGen);
  const lab = await startDemoLab({ vcenterGeneration, esxGeneration, backupFaults: true });
  const f = lab.facts();
  const played = (g: LabGeneration | undefined) => (g ? `, plays ${g}` : '');
  if (factsFile) writeFactsFile(factsFile, f);

  const out = [
    'vSphere Lab is running (loopback only). Ctrl-C stops it.',
    '',
    `vCenter (vcsim, ${f.vcenter.vms} VMs${played(f.generations.vcenter)})   started in ${f.startupMs.vcenter} ms`,
    `  URL         ${f.vcenter.sdkUrl}`,
    `  user        ${f.vcenter.username}`,
    `  password    ${f.vcenter.password}`,
    `  SHA-256     ${f.vcenter.thumbprintSha256}`,
    `  SHA-1       ${f.vcenter.thumbprintSha1}`,
    '',
    `ESXi API (vcsim -esx, ${f.esxiApi.vms} VMs${played(f.generations.esx)})   started in ${f.startupMs.esxiApi} ms`,
    `  URL         ${f.esxiApi.sdkUrl}`,
    `  user        ${f.esxiApi.username}`,
    `  password    ${f.esxiApi.password}`,
    `  SHA-256     ${f.esxiApi.thumbprintSha256}`,
    `  SHA-1       ${f.esxiApi.thumbprintSha1}`,
    '',
    `ESXi SSH (simulator)   started in ${f.startupMs.esxiSsh} ms`,
    `  ssh -p ${f.esxiSsh.port} ${f.esxiSsh.username}@${f.esxiSsh.host}`,
    `  password    ${f.esxiSsh.password}`,
    `  host key    ${f.esxiSsh.hostKeySha256}`,
    `  files root  ${f.esxiSsh.root}`,
    ...(factsFile ? ['', `facts written to ${factsFile}`] : []),
    '',
  ];
  process.stdout.write(out.join('\n'));

  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${sig}: stopping the lab…\n`);
    await lab.stop();
    if (factsFile) fs.rmSync(factsFile, { force: true });
    process.stdout.write('lab stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));
}

main().catch((e: unknown) => {
  process.stderr.write(`lab: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
