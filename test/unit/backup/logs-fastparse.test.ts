import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseLogLine, TimeContext } from '../../../src/core/backup/logs';
import { parseLogLineRegex } from '../../../src/core/backup/logs/lines';

/** Both parsers from the same fresh time context: the record and the context's effect must agree. */
function both(line: string): [string, string] {
  const a = new TimeContext(-240, Date.UTC(2012, 6, 1));
  const b = new TimeContext(-240, Date.UTC(2012, 6, 1));
  const ra = parseLogLine(line, 'datarecovery-0.log', 7, a);
  const rb = parseLogLineRegex(line, 'datarecovery-0.log', 7, b);
  // the context's memory of the last full date shows through a later syslog line
  const sa = parseLogLine('Jan  2 03:04:05 vdr datarecovery: x', 'f', 8, a);
  const sb = parseLogLine('Jan  2 03:04:05 vdr datarecovery: x', 'f', 8, b);
  return [JSON.stringify([ra, sa.time]), JSON.stringify([rb, sb.time])];
}

describe('backup logs: the hand-read line prefixes equal the regexes', () => {
  it('on the shapes of the logs (appliance, vcbAPI) and their near misses', () => {
    const samples = [
      '7/7/2012 18:06:28.000: 0x0123e6a8: $[*20750]Trouble reading files, error -3956 ( operation failed)',
      '12/31/2011 23:59:59: plain message',
      '13/5/2011 1:02:03.4: day first',
      '7/7/2012 18:06:28.0000: four digits of ms',
      '7/7/2012 18:06:28.: no ms digit',
      '7/7/2012 18:6:28: one-digit minute',
      '7/7/12 18:06:28: two-digit year',
      '123/7/2012 18:06:28: three-digit month',
      '7/7/2012 18:06:28:\r\u2028 line terminators',
      '7/7/2012 18:06:28: a\rb',
      '7/7/2012 18:06:28 no colon',
      '7/7/2012',
      '2012-07-08T18:04:52.804-04:00 [4B5C7940 error \'Default\'] vcbAPI::Snapshot::Read: Main read failed, error: 2338',
      '2012-07-08T18:04:52Z [4B5C7940 info \'Default\' opID=1] x',
      '2012-07-08T18:04:52.1234567+0130 [AB warning \'x\'] seven digits',
      '2012-07-08T18:04:52+05:3 [AB info \'x\'] short zone',
      '2012-07-08T18:04:52.804+0530 [AB info \'x\'] y',
      '2012-07-08T18:04:52.804-04:00[AB info \'x\'] no space',
      '2012-07-08 18:04:52.804 [AB info \'x\'] no T',
      '2012-07-0',
      '1234-',
      '9',
    ];
    for (const s of samples) {
      const [a, b] = both(s);
      assert.equal(a, b, s);
    }
  });

  it('on generated lines made of the prefixes\' characters', () => {
    const ch = fc.constantFrom(...'0123456789/:. -+TZ[]\'$*xAB\r\u2028'.split(''));
    const prefix = fc.constantFrom('7/7/2012 18:06:28', '12/31/2011 1:02:03', '2012-07-08T18:04:52', '2012-07-08T18:04:52.804-04:00 [4B5C error \'D\'] ', '1/2/3', '');
    fc.assert(fc.property(prefix, fc.array(ch, { maxLength: 40 }), (p, cs) => {
      const line = p + cs.join('');
      const [a, b] = both(line);
      assert.equal(a, b, JSON.stringify(line));
    }), { numRuns: 20000 });
  });
});
