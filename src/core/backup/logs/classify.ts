/**
 * What a parsed line means for the analysis: a job event (a run starts, ends, or the backup window
 * closes) or an error event (with the key it is grouped under and the VM it names, if any).
 */
import { normaliseMessage } from './normalise';
import type { JobOutcome, LogRecord } from './types';

/** `error -3956 ( operation failed)` — VDR's code with its printed meaning. */
const RE_VDR_CODE = /error\s+(-\d+)\s*(?:\(\s*([^)]*?)\s*\))?/i;
/** vcbAPI `…, error: 2338`. */
const RE_VCB_CODE = /error:\s*(-?\d+)/i;
/** `Job "NAME" rest` or `Job terminated at specified stop time.` */
const RE_JOB = /\bJob\s+"([^"]+)"\s*(.*)$/;
const RE_JOB_STOP = /\bJob terminated at specified stop time/i;
/** VM suffix inside a job name: `All_Other_VMs_Backup_Job (VM0)`. */
const RE_JOB_VM = /^(.*?)\s*\(([^()]+)\)$/;
/** A datastore path `[SAN] Email/Email-000001.vmdk` → VM folder "Email". */
const RE_DS_PATH = /\[([^\]]+)\]\s*([^/\s,]+)\/[^\s,]*\.vmdk/i;

export interface JobEvent {
  name: string;
  job: string;
  vm?: string;
  /** undefined: a mention that is not an outcome (the run is in progress). */
  outcome?: JobOutcome;
  /** True for `Job terminated at specified stop time.` without a name. */
  stopTime?: boolean;
}

export interface ErrorEvent {
  key: string;
  code?: string;
  meaning?: string;
  source: 'datarecovery' | 'vcbAPI' | 'vmware';
  vm?: string;
}

export function classifyOutcome(rest: string): JobOutcome | undefined {
  const r = rest.toLowerCase();
  if (r.includes('completed successfully') || /^completed\b/.test(r) || /^succeeded\b/.test(r)) return 'completed';
  if (r.includes('terminated at specified stop time')) return 'terminated-at-stop-time';
  if (r.includes('incomplete')) return 'incomplete';
  if (r.includes('fail') || r.includes('error') || r.includes('aborted')) return 'failed';
  return undefined;
}

export function jobEvent(message: string): JobEvent | undefined {
  const m = RE_JOB.exec(message);
  if (m) {
    const name = m[1];
    const vm = RE_JOB_VM.exec(name);
    const ev: JobEvent = { name, job: vm ? vm[1] : name, outcome: classifyOutcome(m[2]) };
    if (vm) ev.vm = vm[2];
    return ev;
  }
  if (RE_JOB_STOP.test(message)) return { name: '', job: '', outcome: 'terminated-at-stop-time', stopTime: true };
  return undefined;
}

export { normaliseMessage };

/** Does this record report an error? Returns how to group it. */
export function errorEvent(r: LogRecord): ErrorEvent | undefined {
  const msg = r.message;
  const source: ErrorEvent['source'] = r.shape === 'vcbapi' || /vcbAPI/i.test(r.file) ? 'vcbAPI' : 'datarecovery';
  const ds = RE_DS_PATH.exec(msg);
  const vm = ds ? ds[2] : undefined;
  let ev: ErrorEvent | undefined;
  const vdr = RE_VDR_CODE.exec(msg);
  if (vdr) {
    ev = { key: vdr[1], code: vdr[1], source };
    if (vdr[2]) ev.meaning = vdr[2];
  } else if (source === 'vcbAPI') {
    const vcb = RE_VCB_CODE.exec(msg);
    if (vcb) ev = { key: `vcbAPI:${vcb[1]}`, code: vcb[1], source };
    else if (r.level === 'error' || /\bfail(?:ed|ure)\b|\berror\b/i.test(msg)) ev = { key: `msg:${normaliseMessage(msg)}`, source };
  } else if (/\b(?:fail(?:ed|ure)?|error|trouble)\b/i.test(msg) && !jobEvent(msg)) {
    ev = { key: `msg:${normaliseMessage(msg)}`, source };
  }
  if (ev && vm) ev.vm = vm;
  return ev;
}

/**
 * The quiesce and snapshot failures a VM's vmware.log can carry, by the message text vSphere shows
 * for them (matched case-insensitively anywhere in the line, whatever the line's prefix):
 *  - "error during quiescing" — "The guest OS has reported an error during quiescing. Error code was: 2
 *    the error message was: custom quiesce script failed." (ESXi warning quoted by the Bacula vSphere
 *    plugin guide, "Quiescing Guests").
 *  - "Failed to quiesce the virtual machine" — "An error occurred while saving the snapshot: Failed to
 *    quiesce the virtual machine." (same guide).
 *  - "time limit for holding off I/O in the frozen virtual machine" — "Cannot create a quiesced snapshot
 *    because the create snapshot operation exceeded the time limit for holding off I/O in the frozen
 *    virtual machine." (IBM support document swg21678788, Data Protection for VMware).
 *  - "An error occurred while saving the snapshot" (any other reason; same Bacula guide).
 * No complete vmware.log line carrying them was found in a public source, so no line prefix is
 * assumed: these are the texts, not invented lines.
 */
export const VMWARE_LOG_PATTERNS: readonly { key: string; re: RegExp; meaning: string }[] = [
  { key: 'vmware:quiesce-guest-error', re: /error during quiescing/i, meaning: 'the guest reported an error while quiescing' },
  { key: 'vmware:quiesce-failed', re: /failed to quiesce the virtual machine/i, meaning: 'the virtual machine could not be quiesced' },
  { key: 'vmware:freeze-timeout', re: /time limit for holding off I\/O in the frozen virtual machine/i, meaning: 'the quiesced snapshot took longer than the I/O freeze limit' },
  { key: 'vmware:snapshot-failed', re: /an error occurred while saving the snapshot/i, meaning: 'the snapshot could not be saved' },
];

/** A quiesce or snapshot failure on a vmware.log line (VMWARE_LOG_PATTERNS), or undefined. */
export function vmwareLogEvent(r: LogRecord): ErrorEvent | undefined {
  for (const p of VMWARE_LOG_PATTERNS) {
    if (p.re.test(r.text)) return { key: p.key, source: 'vmware', meaning: p.meaning };
  }
  return undefined;
}
