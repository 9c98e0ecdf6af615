import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { liveLabProcesses } from '../../lab';

/** Descendants of this process whose command is vcsim or sshd. */
function labDescendants(): { pid: number; comm: string }[] {
  const procs = new Map<number, { ppid: number; comm: string }>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      procs.set(Number(d), { ppid, comm });
    } catch {
      /* exited meanwhile */
    }
  }
  const out: { pid: number; comm: string }[] = [];
  const walk = (p: number) => {
    for (const [pid, info] of procs) {
      if (info.ppid === p) {
        if (info.comm === 'vcsim' || info.comm === 'sshd') out.push({ pid, comm: info.comm });
        walk(pid);
      }
    }
  };
  walk(process.pid);
  return out;
}

describe('lab: no leaked processes', () => {
  it('no vcsim or sshd child of this process remains', async () => {
    // Give exits already signalled a moment to be reaped.
    for (let i = 0; i < 20 && (labDescendants().length || liveLabProcesses.size); i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(labDescendants(), []);
    assert.equal(liveLabProcesses.size, 0);
  });
});
