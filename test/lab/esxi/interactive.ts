/**
 * The ESXi simulator's interactive shell (an SSH `shell` request on a pty, what a terminal opens):
 * busybox's prompt `[root@HOST:~] `, the line edited as a pty in cooked mode would (echo, backspace,
 * Ctrl-C drops the line, Ctrl-D on an empty line or `exit [N]` ends the shell), and each line run
 * through the same command table as `exec` (commands.ts via shell.ts), output with CRLF line ends.
 * `window-change` requests are recorded in `sizes` (for tests of the terminal's resize).
 */
import type { ServerChannel } from 'ssh2';
import type { ExecResult } from './shell';

export interface InteractiveShell {
  readonly hostname: string;
  readonly user: string;
  /** Runs one command line. */
  exec(line: string): Promise<ExecResult>;
}

const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');

/** Serves one interactive shell on `stream` until `exit`, Ctrl-D or the client closes it. */
export function serveInteractive(stream: ServerChannel, sh: InteractiveShell): void {
  const prompt = `[${sh.user}@${sh.hostname.split('.')[0]}:~] `;
  let line = '';
  let busy = false;
  let ended = false;
  const queue: string[] = [];
  const end = (code: number): void => {
    if (ended) return;
    ended = true;
    stream.exit(code);
    stream.end();
  };
  const runLine = async (text: string): Promise<void> => {
    const words = text.trim().split(/\s+/);
    if (words[0] === 'exit') {
      end(Number(words[1] ?? 0) || 0);
      return;
    }
    if (text.trim()) {
      const r = await sh.exec(text).catch((e: unknown) => ({ stdout: '', stderr: `sh: internal error: ${String(e)}\n`, code: 1 }));
      if (ended) return;
      stream.write(crlf(r.stdout) + crlf(r.stderr));
    }
    stream.write(prompt);
  };
  const feed = async (chunk: string): Promise<void> => {
    for (const ch of chunk) {
      if (ended) return;
      if (ch === '\r' || ch === '\n') {
        stream.write('\r\n');
        const text = line;
        line = '';
        await runLine(text);
      } else if (ch === '\u0003') {
        stream.write('^C\r\n' + prompt);
        line = '';
      } else if (ch === '\u0004') {
        if (!line) end(0);
      } else if (ch === '\u007f' || ch === '\b') {
        if (line) {
          line = line.slice(0, -1);
          stream.write('\b \b');
        }
      } else if (ch >= ' ') {
        line += ch;
        stream.write(ch);
      }
    }
  };
  const drain = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    while (queue.length && !ended) await feed(queue.shift()!);
    busy = false;
  };
  stream.on('data', (d: Buffer) => {
    queue.push(d.toString('utf8'));
    void drain();
  });
  stream.on('close', () => { ended = true; });
  stream.write(crlf('ESXi Shell (vSphere Lab simulator). Commands typed here are logged in the simulator.\n\n') + prompt);
}
