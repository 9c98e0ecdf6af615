/**
 * Lab generations: which ESX(i) / vCenter release the lab plays. `vcsim -generation G` (main.go)
 * makes the API's `about` and every host's `summary.config.product` read as that release; the ESXi
 * SSH simulator takes the same G for what its shell answers. No generation = the lab as it always
 * was (govmomi's 6.5 captures: vCenter 6.5.0 build 5973321, ESXi 6.5.0 build 5969303).
 *
 * The builds and strings, and where each comes from, are listed in test/lab/README.md; the API
 * side lives in main.go (`generations`), this file holds what only the shell shows. The peer
 * test test/peer/lab/generations.test.ts checks that both agree (vmware -v = the host's product).
 */

export const LAB_GENERATIONS = ['4.1', '5.5', '6.7', '7.0', '8.0'] as const;
export type LabGeneration = (typeof LAB_GENERATIONS)[number];

export function isLabGeneration(s: string): s is LabGeneration {
  return (LAB_GENERATIONS as readonly string[]).includes(s);
}

/** Throws a message that lists the known generations. */
export function parseLabGeneration(s: string): LabGeneration {
  if (isLabGeneration(s)) return s;
  throw new Error(`unknown lab generation '${s}' (known: ${LAB_GENERATIONS.join(', ')})`);
}

/** What an ESXi host's shell says about itself and which agents it has. */
export interface EsxShellFacts {
  /** "6.5.0": as `vmware -v` and `esxcli system version get` print it. */
  version: string;
  build: string;
  update: string;
  /** The second line of `vmware -vl` ("VMware ESXi 8.0 GA"). */
  level: string;
  /** `esxcli system version get` exists (the `system` namespace came with 5.0). */
  esxcliSystem: boolean;
  /** `esxcli system version get` prints a Patch line. */
  esxcliPatch: boolean;
  /** Scripts under /etc/init.d (each answers start|stop|restart|status). */
  initScripts: string[];
  /** What `services.sh restart` stops (in this order) and starts again (in reverse). */
  services: string[];
  /** The agent that terminates port 443: hostd on 4.x, rhttpproxy from 5.0. */
  httpsAgent: 'hostd' | 'rhttpproxy';
  /**
   * Generation of the real capture the esxtop column set follows. Only an ESXi 6 capture is known
   * (rach-sharp/esxtopd `esxtop-data.csv`, DOMAIN.md §3), so every generation prints that set.
   */
  esxtopColumnsFrom: '6.x';
}

const AGENTS_5 = ['wsman', 'sfcbd-watchdog', 'vpxa', 'rhttpproxy', 'hostd'];

/** The lab as it was before generations (kept byte for byte: tests and demos rely on it). */
export const DEFAULT_ESX_SHELL: EsxShellFacts = {
  version: '6.5.0', build: '5969303', update: '0', level: 'VMware ESXi 6.5.0 Update 0',
  esxcliSystem: true, esxcliPatch: true,
  initScripts: ['hostd', 'vpxa', 'rhttpproxy', 'sfcbd-watchdog', 'wsman'],
  services: ['wsman', 'sfcbd-watchdog', 'vpxa', 'hostd'],
  httpsAgent: 'hostd', esxtopColumnsFrom: '6.x',
};

export const ESX_SHELL: Record<LabGeneration, EsxShellFacts> = {
  // ESXi 4.1 GA: `vmware -v` / `vmware -l` as a 4.1 host printed them (a ghettoVCB log, README.md).
  // 4.1's agents and services.sh order are not confirmed by a capture (DOMAIN.md §6).
  '4.1': {
    version: '4.1.0', build: '260247', update: '0', level: 'VMware ESXi 4.1.0 GA',
    esxcliSystem: false, esxcliPatch: false,
    initScripts: ['hostd', 'vpxa', 'sfcbd-watchdog', 'wsman', 'slpd'],
    services: ['wsman', 'sfcbd-watchdog', 'slpd', 'vpxa', 'hostd'],
    httpsAgent: 'hostd', esxtopColumnsFrom: '6.x',
  },
  '5.5': {
    version: '5.5.0', build: '1331820', update: '0', level: 'VMware ESXi 5.5.0 GA',
    esxcliSystem: true, esxcliPatch: false,
    initScripts: ['hostd', 'vpxa', 'rhttpproxy', 'sfcbd-watchdog', 'wsman', 'slpd'],
    services: AGENTS_5,
    httpsAgent: 'rhttpproxy', esxtopColumnsFrom: '6.x',
  },
  '6.7': {
    version: '6.7.0', build: '8169922', update: '0', level: 'VMware ESXi 6.7.0 GA',
    esxcliSystem: true, esxcliPatch: true,
    initScripts: ['hostd', 'vpxa', 'rhttpproxy', 'sfcbd-watchdog', 'wsman', 'slpd', 'vmsyslogd'],
    services: AGENTS_5,
    httpsAgent: 'rhttpproxy', esxtopColumnsFrom: '6.x',
  },
  '7.0': {
    version: '7.0.0', build: '15843807', update: '0', level: 'VMware ESXi 7.0 GA',
    esxcliSystem: true, esxcliPatch: true,
    initScripts: ['hostd', 'vpxa', 'rhttpproxy', 'sfcbd-watchdog', 'wsman', 'slpd', 'vmsyslogd'],
    services: AGENTS_5,
    httpsAgent: 'rhttpproxy', esxtopColumnsFrom: '6.x',
  },
  '8.0': {
    version: '8.0.0', build: '20513097', update: '0', level: 'VMware ESXi 8.0 GA',
    esxcliSystem: true, esxcliPatch: true,
    initScripts: ['hostd', 'vpxa', 'rhttpproxy', 'sfcbd-watchdog', 'wsman', 'slpd', 'vmsyslogd'],
    services: AGENTS_5,
    httpsAgent: 'rhttpproxy', esxtopColumnsFrom: '6.x',
  },
};

export function esxShellFacts(g: LabGeneration | undefined): EsxShellFacts {
  return g ? ESX_SHELL[g] : DEFAULT_ESX_SHELL;
}
